#!/usr/bin/env python3
"""inr's latent-codec training step against the same model in PyTorch (issue 15, point 4), in
one run on this CPU:

1. **Same start, same losses.** `inr compress Configs/image/latent.yaml` with a short schedule
   (`--steps` main steps, no final phase) prints each step's loss; the PyTorch model of
   Tools/reference/latent_reference.py replays inr's initial weights and noise and must give the
   same losses to float rounding (relative difference below `--tolerance`).
2. **Speed.** ms per step of the full schedule's model on the image: inr's from its report
   (`fitSeconds / fitSteps` over `--timed-steps` steps, its first step included), PyTorch's as
   the median of its steps after two warm-up steps (its noise from torch.randn), both on
   `--threads` threads: if anything, the statistics favour PyTorch. The runs
   alternate (inr, PyTorch, inr, PyTorch) so load on the machine hits both alike; each side's
   figure is the better of its two runs.

    python3 Tools/latent_vs_pytorch.py [--image Media/kodim23.png] [--steps 8] [--timed-steps 40]
        [--output docs/results/latent-vs-pytorch.csv]

PyTorch comes from Tools/.venv (Tools/setup-reference.sh makes it).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from common import INR, ROOT, append_row, build_inr, compress_report, reference_python, run_json, say

INR = os.environ.get("INR_BINARY", INR)
CONFIG = os.path.join(ROOT, "Configs", "image", "latent.yaml")
REFERENCE = os.path.join(ROOT, "Tools", "reference", "latent_reference.py")
FIELDS = ["image", "threads", "inr_ms_per_step", "pytorch_ms_per_step", "ratio", "steps_compared", "largest_relative_loss_difference", "torch"]


def inr_losses(image: str, steps: int, threads: int) -> list[float]:
    """The loss of each of the first `steps` steps of a `steps`-step schedule."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([INR, "compress", CONFIG, "--input", image, "--output", os.path.join(folder, "x.inr"), "--threads", str(threads),
                                 "--set", f"training.steps={steps}", "--set", "latent.finalSteps=0"],
                                check=True, capture_output=True, text=True)
    losses = [float(m.group(2)) for m in re.finditer(r"step (\d+)/\d+ .* loss ([-\d.e+]+)", result.stderr)]
    if len(losses) != steps:  # inr prints every step of schedules up to 20 steps
        raise SystemExit(f"expected {steps} progress lines from inr, found {len(losses)}")
    return losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default=os.path.join(ROOT, "Media", "kodim23.png"))
    parser.add_argument("--steps", type=int, default=8, choices=range(1, 21), metavar="1…20",
                        help="steps whose losses are compared (inr prints each step's loss up to 20)")
    parser.add_argument("--timed-steps", type=int, default=40, help="steps of each inr timing run")
    parser.add_argument("--pytorch-steps", type=int, default=8, help="timed steps of each PyTorch run (after 2 warm-up steps)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "results", "latent-vs-pytorch.csv"))
    args = parser.parse_args()
    if "INR_BINARY" not in os.environ:
        build_inr()
    python = reference_python()

    ours = inr_losses(args.image, args.steps, args.threads)
    theirs = run_json([python, REFERENCE, "--image", args.image, "--config", CONFIG, "--steps", str(args.steps),
                       "--schedule-steps", str(args.steps), "--replay", "--threads", str(args.threads), "--json"])
    say(f"{'step':>4}  {'inr loss':>12}  {'PyTorch loss':>12}  relative difference")
    largest = 0.0
    for index, (a, b) in enumerate(zip(ours, theirs["losses"])):
        difference = abs(a - b) / max(abs(b), 1e-12)
        largest = max(largest, difference)
        say(f"{index + 1:>4}  {a:>12.6g}  {b:>12.6g}  {difference:.2e}")
    agree = largest <= args.tolerance
    say(f"losses {'agree' if agree else 'DISAGREE'}: largest relative difference {largest:.2e} (tolerance {args.tolerance:g})")

    inr_ms, torch_ms = [], []
    for _ in range(2):
        report = compress_report(INR, CONFIG, args.image, ["--threads", str(args.threads), "--set", f"training.steps={args.timed_steps}",
                                                          "--set", "latent.finalSteps=0"])
        inr_ms.append(report["fitSeconds"] * 1000 / max(report["fitSteps"], 1))
        timing = run_json([python, REFERENCE, "--image", args.image, "--config", CONFIG, "--steps", str(args.pytorch_steps + 2),
                           "--threads", str(args.threads), "--json"])
        torch_ms.append(statistics.median(timing["ms_per_step"][2:]))
        say(f"inr {inr_ms[-1]:.1f} ms a step, PyTorch {torch_ms[-1]:.1f} ms a step")
    best_inr, best_torch = min(inr_ms), min(torch_ms)
    ratio = best_inr / best_torch
    say(f"{os.path.basename(args.image)}, {args.threads} threads: inr {best_inr:.1f} ms, PyTorch {best_torch:.1f} ms a step: ratio {ratio:.3f}")
    append_row(args.output, FIELDS, {
        "image": os.path.basename(args.image), "threads": args.threads, "inr_ms_per_step": round(best_inr, 1),
        "pytorch_ms_per_step": round(best_torch, 1), "ratio": round(ratio, 3), "steps_compared": args.steps,
        "largest_relative_loss_difference": f"{largest:.2e}", "torch": theirs["torch"]})
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
