#!/usr/bin/env python3
"""fer-cl's built-in models against their PyTorch modules (Scripts/fer_models.py).

Optional (not part of CI): needs torch, numpy, pillow and safetensors, e.g. the venv made by
../shared/peers/setup.sh. For every model file given (or, with --builtins, for a tiny model of
every built-in that this script trains with `fer-cl train --subset 256 --epochs 1`, so the
batch-norm statistics are not the trivial 0 and 1):

- the PyTorch module of the file's architecture loads the file with
  `load_state_dict(strict=True)`, as it is;
- the module's parameter count equals `fer-cl models --json`'s;
- the logits of the images (--builtins: 20 of the test split) match `fer-cl predict --json
  --no-detect`'s within --tolerance (default 1e-4) of the largest |logit|. The images are
  first re-encoded as PNG so that both sides read the same pixels (JPEG decoders may differ
  in the last bit).

--builtins also checks that fer-cl's initialisation is PyTorch's default per layer type: a
model trained one epoch with --lr 1e-30 (train refuses 0; Adam's steps of about 1e-30 are below
float32's resolution at every initial weight) keeps the weights where `initialize` put them; every
weight and bias is compared with a freshly constructed PyTorch module's by a two-sample
Kolmogorov-Smirnov test (batch norm's gamma and beta: 1 and 0).

    python Scripts/compare-pytorch.py --builtins [--data ../shared/fer2013]
    python Scripts/compare-pytorch.py runs/X/model.safetensors --images A.png B.png ...

Exit status 1 if any check fails, 0 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fer_models import BUILTINS  # noqa: E402

# The KS statistic's critical value at p = 1e-5: c * sqrt((n + m) / (n m)) with c = sqrt(-ln(p / 2) / 2).
KS_CRITICAL = np.sqrt(-np.log(1e-5 / 2) / 2)


def fer_cl(args, *command):
    result = subprocess.run([args.fer_cl, *command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"fer-cl {' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def architecture_of(path):
    with safe_open(path, framework="pt") as handle:
        metadata = handle.metadata() or {}
    name = json.loads(metadata["model"])["name"] if "model" in metadata else metadata.get("architecture")
    if name not in BUILTINS:
        sys.exit(f"{path}: model {name!r} is not a built-in with a PyTorch module here ({', '.join(BUILTINS)})")
    return name, json.loads(metadata["normalization"])


def load_module(path, name):
    module = BUILTINS[name]()
    module.load_state_dict(load_file(path), strict=True)  # raises naming every missing or unexpected key
    return module.eval()


def compare_model(args, path, images):
    """Strict load, parameter count and logits of one model file; returns whether all agree."""
    name, norm = architecture_of(path)
    module = load_module(path, name)
    torch_parameters = sum(p.numel() for p in module.parameters())
    fer_parameters = json.loads(fer_cl(args, "models", "--json", "--model", name))[0]["parameters"]

    pixels = np.stack([np.asarray(Image.open(p).convert("L"), dtype=np.float32) for p in images])
    if pixels.shape[1:] != (48, 48):
        sys.exit(f"images must be 48x48 (fer-cl and PIL resize differently), got {pixels.shape[1:]}")
    x = torch.from_numpy((pixels * norm["scale"] - norm["mean"]) / norm["std"]).unsqueeze(1)
    if args.double:
        module, x = module.double(), x.double()
    with torch.no_grad():
        torch_logits = module(x).double().numpy()
    command = ["predict", "--model", path, "--json", "--no-detect", "--top", "7", *images]
    if args.device:
        command += ["--device", args.device]
    lines = [json.loads(line) for line in fer_cl(args, *command).splitlines() if line.strip()]
    fer_logits = np.array([line["faces"][0]["logits"] for line in lines], dtype=np.float64)

    difference = np.abs(fer_logits - torch_logits).max()
    relative = difference / max(np.abs(torch_logits).max(), 1e-12)
    same_top = (fer_logits.argmax(1) == torch_logits.argmax(1)).mean()
    ok = relative <= args.tolerance and torch_parameters == fer_parameters
    print(f"{name:14} strict load ok; parameters PyTorch {torch_parameters:,} fer-cl {fer_parameters:,}; "
          f"{len(images)} images: max |logit difference| {difference:.3e} = {relative:.2e} of the largest |logit| "
          f"(tolerance {args.tolerance:g}); same top class {same_top:.0%}  {'ok' if ok else 'FAIL'}")
    return ok


def ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    return np.abs(np.searchsorted(a, grid, side="right") / len(a) - np.searchsorted(b, grid, side="right") / len(b)).max()


def pytorch_samples(layer, tensor, count=20000):
    """At least `count` draws of PyTorch's default initialisation of one of a layer's tensors
    (re-initialising the layer as often as it takes), so that even a 4-element bias is tested
    against the distribution, not against four other draws."""
    draws = []
    while sum(len(d) for d in draws) < count:
        layer.reset_parameters()
        draws.append(getattr(layer, tensor).detach().double().flatten().numpy().copy())
    return np.concatenate(draws)


def compare_initialisation(path, name, scale=1.0):
    """fer-cl's untrained tensors against PyTorch's default initialisation, tensor by tensor
    (`scale` multiplies fer-cl's values: a self-test that a wrong bound is caught)."""
    torch.manual_seed(0)
    ours = {k: v.double().flatten().numpy() * scale for k, v in load_file(path).items()}
    failures, tested = [], 0
    for layer_name, layer in BUILTINS[name]().named_modules():
        if not hasattr(layer, "reset_parameters"):
            continue
        for tensor in ("weight", "bias"):
            key = f"{layer_name}.{tensor}"
            if getattr(layer, tensor, None) is None:
                continue
            tested += 1
            reference = pytorch_samples(layer, tensor)
            if isinstance(layer, torch.nn.modules.batchnorm._BatchNorm):
                # 1e-20: beta moved from 0 by the 1e-30 steps, the only values that can move.
                if np.abs(ours[key] - reference[0]).max() > 1e-20 or np.ptp(reference) != 0:
                    failures.append(f"{key}: not {reference[0]:g} everywhere")
                continue
            n, m = len(ours[key]), len(reference)
            statistic, critical = ks_statistic(ours[key], reference), KS_CRITICAL * np.sqrt((n + m) / (n * m))
            # The largest |value| of a uniform initialisation is its bound; 20,000 draws reach within 0.01% of it.
            bound = np.abs(reference).max()
            if statistic > critical or np.abs(ours[key]).max() > bound * 1.001:
                failures.append(f"{key} ({type(layer).__name__}): KS {statistic:.3f} (critical {critical:.3f}), "
                                f"max |w| {np.abs(ours[key]).max():.4f} against PyTorch's {bound:.4f}")
    if scale == 1:
        print(f"{name:14} initialisation: {tested} weights and biases against PyTorch's defaults: "
              + ("same distributions  ok" if not failures else f"{len(failures)} DIFFERENT: " + "; ".join(failures) + "  FAIL"))
    else:
        print(f"{name:14} self-test, fer-cl's initial values x {scale:g}: {len(failures)} of {tested} tensors caught  "
              + ("ok" if failures else "FAIL (the check cannot fail)"))
    return not failures


def tiny_data(root, source, train_per_class, test_per_class):
    """A data root of symlinks: a few training images per class and test images re-encoded as PNG."""
    for split, count in (("train", train_per_class), ("test", test_per_class)):
        for label in sorted(os.listdir(os.path.join(source, split))):
            os.makedirs(os.path.join(root, split, label))
            for file in sorted(os.listdir(os.path.join(source, split, label)))[:count]:
                original = os.path.join(source, split, label, file)
                if split == "train":
                    os.symlink(os.path.abspath(original), os.path.join(root, split, label, file))
                else:
                    Image.open(original).convert("L").save(os.path.join(root, split, label, os.path.splitext(file)[0] + ".png"))


def builtins(args):
    ok = True
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or temporary
        data = os.path.join(work, "data")
        if not os.path.isdir(data):
            tiny_data(data, args.data, train_per_class=40, test_per_class=3)
        images = sorted(os.path.join(root, f) for root, _, files in os.walk(os.path.join(data, "test")) for f in files)[:20]
        device = ["--device", args.device] if args.device else []
        for name in BUILTINS:
            for lr, run in (("0.001", "trained"), ("1e-30", "initial")):
                out = os.path.join(work, f"{name}-{run}")
                if not os.path.exists(os.path.join(out, "model.safetensors")):
                    fer_cl(args, "train", "--model", name, "--data", data, "--subset", "256", "--epochs", "1", "--lr", lr,
                           "--no-tune", "--seed", "3", "--force", "--out", out, *device)
            ok &= compare_model(args, os.path.join(work, f"{name}-trained", "model.safetensors"), images)
            initial = os.path.join(work, f"{name}-initial", "model.safetensors")
            ok &= compare_initialisation(initial, name)
            # The check must be able to fail: weights 10% too wide are caught.
            ok &= not compare_initialisation(initial, name, scale=1.1)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", help="fer-cl model files of built-in architectures")
    parser.add_argument("--images", nargs="*", default=[], help="48x48 images (PNG: decoded alike by PIL and fer-cl)")
    parser.add_argument("--builtins", action="store_true", help="train and compare a tiny model of every built-in")
    parser.add_argument("--data", default="../shared/fer2013", help="FER-2013 image folders, for --builtins")
    parser.add_argument("--work", default=None, help="--builtins: keep the data and runs in this folder (reused when there)")
    parser.add_argument("--fer-cl", default=".build/release/fer-cl")
    parser.add_argument("--device", default=None, help="fer-cl --device")
    parser.add_argument("--double", action="store_true", help="PyTorch in float64, to see how much of a difference is fer-cl's")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    if not args.builtins and not (args.models and args.images):
        parser.error("give --builtins, or model files and --images")
    ok = builtins(args) if args.builtins else True
    for path in args.models:
        ok &= compare_model(args, path, args.images)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
