#!/usr/bin/env python3
"""PSNR of the MLP codec (mlp.yaml) on one image for a given encoding time (30, 60, 120, 300, 600 s).

The codec's learning rate follows a cosine over the config's steps, so a budget is met by
choosing the number of steps, not by cutting a longer schedule short: a calibration run of 200
steps measures this machine's steps per second, and each budget gets the steps that fill it
(less the fine-tuning's share), with the budget as `--time-limit` guard. The rate stays about
0.3 bpp: the network is the same, only the training is longer.

    python3 Tools/codec_time_to_quality.py [--image ../shared/media/kodak/kodim23.png]
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


def compress(config: str, image: str, folder: str, steps: int, time_limit: float | None = None) -> dict:
    metrics = os.path.join(folder, "m.json")
    command = [INR, "compress", config, "--input", image, "--output", os.path.join(folder, "x.inr"),
               "--steps", str(steps), "--metrics", metrics]
    if time_limit:
        command += ["--time-limit", str(time_limit)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(metrics) as file:
        return json.load(file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=os.path.join(ROOT, "Configs", "image", "mlp.yaml"))
    parser.add_argument("--image", default=os.path.join(SHARED_MEDIA, "kodak", "kodim23.png"))
    parser.add_argument("--budgets", default="30,60,120,300,600")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    build_inr()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        calibration = compress(args.config, args.image, folder, 200)
        rate = calibration["fitSteps"] / calibration["fitSeconds"]
        overhead = calibration["encodeSeconds"] - calibration["fitSeconds"]
        say(f"calibration: {rate:.1f} steps/s, {overhead:.1f} s of quantisation and fine-tuning")
        say("| budget (s) | steps | encode (s) | PSNR (dB) | bpp |")
        say("|---|---|---|---|---|")
        for budget in map(float, args.budgets.split(",")):
            steps = max(1, int((budget - overhead) * rate * 0.98))
            m = compress(args.config, args.image, folder, steps, time_limit=budget - overhead)
            rows.append({"budget": budget, "steps": m["fitSteps"], "encodeSeconds": m["encodeSeconds"],
                         "psnr": m["psnr"], "bpp": m["bpp"]})
            say(f"| {budget:.0f} | {m['fitSteps']} | {m['encodeSeconds']:.1f} | {m['psnr']:.2f} | {m['bpp']:.4f} |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)


if __name__ == "__main__":
    main()
