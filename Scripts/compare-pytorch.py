#!/usr/bin/env python3
"""Load a fer-cl model into PyTorch and compare its logits with fer-cl's on the same images.

Optional (not part of CI): needs torch, numpy, pillow and safetensors, e.g. the venv made by
../shared/peers/setup.sh. The module below is written from fer-cl's model-file contract
(README, "Layouts and the PyTorch state_dict"): children conv1..conv4, bn1..bn4, fc1..fc3,
flatten in NCHW order, outputs in FER-2013 label order. `load_state_dict(strict=True)` must
accept the file as it is.

    python Scripts/compare-pytorch.py runs/X/model.safetensors IMAGE... [--fer-cl PATH]

Exit status 1 if any logit differs by more than --tolerance (default 1e-4 of the largest
|logit|), 0 otherwise.
"""
import argparse
import json
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file


class FerClSeed(nn.Module):
    def __init__(self):
        super().__init__()
        widths = [1, 64, 128, 256, 512]
        for block in range(1, 5):
            setattr(self, f"conv{block}", nn.Conv2d(widths[block - 1], widths[block], 3, padding=1))
            setattr(self, f"bn{block}", nn.BatchNorm2d(widths[block], eps=1e-5, momentum=0.1))
        self.fc1 = nn.Linear(4608, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 7)

    def forward(self, x):
        for block in range(1, 5):
            x = F.max_pool2d(F.relu(getattr(self, f"bn{block}")(getattr(self, f"conv{block}")(x))), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))  # dropout is the identity in evaluation
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("images", nargs="+", help="48x48 images (other sizes are resized differently by PIL and fer-cl)")
    parser.add_argument("--fer-cl", default=".build/release/fer-cl")
    parser.add_argument("--device", default=None, help="fer-cl --device")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    with safe_open(args.model, framework="pt") as handle:
        metadata = handle.metadata() or {}
    if metadata.get("architecture") != "seed":
        sys.exit(f"{args.model}: architecture {metadata.get('architecture')!r}, this script knows 'seed'")
    norm = json.loads(metadata["normalization"])
    classes = json.loads(metadata["classes"])

    model = FerClSeed()
    model.load_state_dict(load_file(args.model), strict=True)
    model.eval()

    pixels = np.stack([np.asarray(Image.open(p).convert("L").resize((48, 48), Image.BILINEAR), dtype=np.float32)
                       for p in args.images])
    x = torch.from_numpy((pixels * norm["scale"] - norm["mean"]) / norm["std"]).unsqueeze(1)
    with torch.no_grad():
        torch_logits = model(x).numpy()

    command = [args.fer_cl, "predict", "--model", args.model, "--json", "--top", "7"] + args.images
    if args.device:
        command += ["--device", args.device]
    predictions = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    fer_logits = np.array([p["logits"] for p in predictions], dtype=np.float32)

    difference = np.abs(fer_logits - torch_logits).max()
    scale = max(np.abs(torch_logits).max(), 1e-12)
    agree = (fer_logits.argmax(1) == torch_logits.argmax(1)).mean()
    print(f"{len(args.images)} images, classes {classes}")
    print(f"max |logit difference| = {difference:.3e} ({difference / scale:.3e} of the largest logit); "
          f"same top class for {agree * 100:.1f}% of images")
    sys.exit(0 if difference / scale <= args.tolerance else 1)


if __name__ == "__main__":
    main()
