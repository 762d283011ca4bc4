#!/usr/bin/env python3
"""inr against the PyTorch reference on the same configs: PSNR after N steps, mean of 3 seeds.

    python3 Tools/compare_reference.py [--steps 500] [--seeds 0 1 2] [--image Media/kodim23_crop128.png]

Prints a Markdown table (docs/reference.md holds the last ones). The bar: inr's mean PSNR is
within 0.5 dB of the reference's, or above it. By default the reference replays inr's random
streams (`--random inr`), so a seed means the same initial weights, frequencies and batches in
both and the comparison is of the implementations alone; `--random torch` draws them from torch
instead, and then seed-to-seed variance (about ±0.5 dB for SIREN at 500 steps) dominates a
3-seed mean.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from common import ROOT, build_inr, fit, reference_python, run_json, say

CONFIGS = ["siren", "fourier", "sape"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--image", default=os.path.join(ROOT, "Media", "kodim23_crop128.png"))
    parser.add_argument("--configs", nargs="+", default=CONFIGS)
    parser.add_argument("--random", choices=["inr", "torch"], default="inr",
                        help="the reference replays inr's random streams (same seed, same start) or uses torch's")
    arguments = parser.parse_args()

    build_inr()
    python = reference_python()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in arguments.configs:
            config = os.path.join(ROOT, "Configs", "image", f"{name}.yaml")
            inr, reference, inr_seconds, reference_seconds = [], [], [], []
            for seed in arguments.seeds:
                start = time.time()
                report = fit(config, arguments.image, folder, steps=arguments.steps, seed=seed)
                inr_seconds.append(time.time() - start)
                inr.append(report["psnr"])
                start = time.time()
                result = run_json([python, os.path.join(ROOT, "Tools", "reference", "inr_reference.py"), config,
                                   "--input", arguments.image, "--steps", str(arguments.steps), "--seed", str(seed),
                                   "--threads", "2", "--random", arguments.random, "--json"])
                reference_seconds.append(time.time() - start)
                reference.append(result["psnr"])
                say(f"{name} seed {seed}: inr {inr[-1]:.2f} dB ({inr_seconds[-1]:.1f} s), "
                    f"PyTorch {reference[-1]:.2f} dB ({reference_seconds[-1]:.1f} s)")
            rows.append((name, inr, reference, statistics.mean(inr_seconds), statistics.mean(reference_seconds)))

    say()
    source = "inr's random streams replayed" if arguments.random == "inr" else "torch's own random streams"
    say(f"{arguments.steps} steps on {os.path.relpath(arguments.image, ROOT)}, seeds {', '.join(map(str, arguments.seeds))}, "
        f"2 threads, reference with {source}:")
    say()
    say("| config | inr PSNR (dB), per seed | inr mean | PyTorch PSNR (dB), per seed | PyTorch mean | inr − PyTorch | holds (≥ −0.5 dB) | inr s/fit | PyTorch s/fit |")
    say("|---|---|---|---|---|---|---|---|---|")
    for name, inr, reference, inr_time, reference_time in rows:
        difference = statistics.mean(inr) - statistics.mean(reference)
        say(f"| {name} | {', '.join(f'{p:.2f}' for p in inr)} | {statistics.mean(inr):.2f} | "
            f"{', '.join(f'{p:.2f}' for p in reference)} | {statistics.mean(reference):.2f} | {difference:+.2f} | "
            f"{'yes' if difference >= -0.5 else 'NO'} | {inr_time:.1f} | {reference_time:.1f} |")


if __name__ == "__main__":
    main()
