#!/usr/bin/env python3
"""PyTorch CPU's training step on one of fer-cl's built-in networks (Scripts/fer_models.py),
timed as `fer-cl bench` times its own: random inputs and labels, forward, cross-entropy,
backward and an Adam update (lr 1e-3) per step, in both memory layouts (contiguous NCHW and
channels_last), so Scripts/bench-peers can set fer-cl against the faster one.

    python Scripts/bench_torch.py --model resnet18-fer [--batch 64] [--steps 10] [--warmup 2] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fer_models import BUILTINS, CLASSES  # noqa: E402


def time_layout(name, channels_last, batch, warmup, steps):
    torch.manual_seed(0)
    model = BUILTINS[name]()
    x = torch.rand(batch, 1, 48, 48)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, CLASSES, (batch,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"variant": f"train_step_{'channels_last' if channels_last else 'nchw'}", "images_per_s": batch / median,
            "ms_per_step_median": median * 1e3, "steps": steps, "batch": batch}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="seed", choices=sorted(BUILTINS))
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", default=None, help="write the results here")
    args = parser.parse_args()
    results = [time_layout(args.model, layout, args.batch, args.warmup, args.steps) for layout in (True, False)]
    for r in results:
        print(f"{args.model} {r['variant']:26} {r['images_per_s']:8.1f} img/s (median step {r['ms_per_step_median']:.1f} ms)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "model": args.model, "results": results}, handle)


if __name__ == "__main__":
    main()
