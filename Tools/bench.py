#!/usr/bin/env python3
"""Speed of inr's training step against PyTorch eager on the same CPU, and time to quality.

    python3 Tools/bench.py [--image ../shared/media/kodak/kodim23.png] [--seconds 60] [--skip-quality]

1. `inr bench --json` and `Tools/reference/bench.py --json` time one training step of
   (a) PE(64) → 3×64 sine → 3, full batch; (b) COIN's 10×28 SIREN, full batch;
   (c) SAPE 256 → 3×256 ReLU on a random 25% of the pixels, in the same run;
   the table gives ms/step and inr/PyTorch (targets: ≤ 0.25 on a and b, < 1 on c).
2. Time to quality: the PSNR each shipped image config reaches on the full image after
   `--seconds` of wall time (`inr fit --time-limit`).

Prints Markdown tables (docs/performance.md holds the last ones).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile

from common import INR, ROOT, SHARED_MEDIA, build_inr, fit, reference_python, run_json, say

TARGETS = {"a": 0.25, "b": 0.25, "c": 1.0}
DESCRIPTIONS = {
    "a": "PE(64) → 3×64 sine → 3, full batch",
    "b": "COIN SIREN 10×28, full batch",
    "c": "SAPE 256 → 3×256 ReLU, 25% of pixels",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default=os.path.join(SHARED_MEDIA, "kodak", "kodim23.png"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--steps", type=int, default=5, help="timed steps per case")
    parser.add_argument("--skip-quality", action="store_true")
    arguments = parser.parse_args()

    build_inr()
    python = reference_python()
    cases = "abc"
    inr = run_json([INR, "bench", "--image", arguments.image, "--cases", cases, "--steps", str(arguments.steps), "--json"])
    torch = run_json([python, os.path.join(ROOT, "Tools", "reference", "bench.py"), "--image", arguments.image,
                      "--cases", cases, "--repeats", str(arguments.steps), "--threads", "2", "--json"])
    say(f"Training step on {os.path.basename(arguments.image)}, {platform.machine()}, "
        f"{os.cpu_count()} cores, 2 threads each, median of {arguments.steps} steps after one warm-up:")
    say()
    say("| case | inr ms/step | PyTorch ms/step | inr / PyTorch | target |")
    say("|---|---|---|---|---|")
    for case in cases:
        ratio = inr[case] / torch[case]
        verdict = "met" if ratio <= TARGETS[case] else "NOT met"
        say(f"| ({case}) {DESCRIPTIONS[case]} | {inr[case]:.1f} | {torch[case]:.1f} | {ratio:.3f} | "
            f"≤ {TARGETS[case]:g}: {verdict} |")

    if arguments.skip_quality:
        return
    say()
    say(f"Time to quality on {os.path.basename(arguments.image)}: PSNR after {arguments.seconds:g} s of fitting (2 threads):")
    say()
    say("| config | steps done | PSNR (dB) |")
    say("|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in ["siren", "fourier", "sape"]:
            report = fit(os.path.join(ROOT, "Configs", "image", f"{name}.yaml"), arguments.image, folder,
                         time_limit=arguments.seconds)
            say(f"| {name} | {report['completedSteps']} | {report['psnr']:.2f} |")


if __name__ == "__main__":
    main()
