#!/usr/bin/env python3
"""Steps and seconds to an exact fit: bit planes against plain MSE with the same network
(Han et al., CVPR 2025, report that bit planes get there much faster).

Fits each image with Configs/bitplanes/mse.yaml (intensities), bits-input.yaml (the plane index
as an input coordinate, one logit per channel) and bits-outputs.yaml (all bits of a pixel as
outputs): Fourier features (128, σ = 10) into 3 × 128 ReLU, full batch, Adam 1e-3, stopping at
the first evaluation that reproduces every sample (for bit planes: bit error rate 0), at most
60 s. A fit that is not exact by then is reported with where it got. Images: 64×64 and 128×128
crops of kodim05 and kodim23 (8-bit RGB) and two 64×64 16-bit files (a gray crop of the Foveon
flower, an RGB raw.pixls file with 12-bit data), all in Media/.

    python3 Tools/exact_fit_table.py [--output results/exact-fit.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, build_inr, fit, say  # noqa: E402

IMAGES = [
    "Media/lossless/kodim05_crop64.png",
    "Media/lossless/kodim23_crop64.png",
    "Media/lossless/kodim05_crop128.png",
    "Media/kodim23_crop128.png",
    "Media/png/gray16.png",
    "Media/png/rgb16.png",
]
CONFIGS = ["mse", "bits-input", "bits-outputs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "exact-fit.json"))
    args = parser.parse_args()
    build_inr()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for image in IMAGES:
            for name in CONFIGS:
                report = fit(os.path.join(ROOT, "Configs", "bitplanes", name + ".yaml"), os.path.join(ROOT, image), folder,
                             time_limit=60)
                row = {
                    "image": image, "config": name, "width": report["width"], "height": report["height"],
                    "channels": report["channels"], "bitDepth": report["bitDepth"], "exact": report["exact"],
                    "steps": report["exactAtStep"] if report["exact"] else report["completedSteps"],
                    "seconds": report["exactAtSeconds"] if report["exact"] else report["seconds"],
                    "psnr": report["psnr"], "bitErrorRate": report.get("bitErrorRate"),
                }
                rows.append(row)
                say(f"{image} {name}: " + (f"exact after {row['steps']} steps, {row['seconds']:.1f} s" if row["exact"] else
                    f"not exact after {row['steps']} steps ({row['seconds']:.1f} s): PSNR {row['psnr']:.2f} dB"
                    + (f", BER {row['bitErrorRate']:.2e}" if row["bitErrorRate"] is not None else "")))
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as file:
        json.dump(rows, file, indent=1)
    say("\n| image | size | MSE | bit planes, b as input | bit planes, all outputs |")
    say("|---|---|---|---|---|")
    for image in IMAGES:
        cells = []
        for name in CONFIGS:
            row = next(r for r in rows if r["image"] == image and r["config"] == name)
            if row["exact"]:
                cells.append(f"**{row['steps']}** steps, {row['seconds']:.1f} s")
            else:
                detail = f"BER {row['bitErrorRate']:.1e}" if row["bitErrorRate"] is not None else f"{row['psnr']:.1f} dB"
                cells.append(f"not exact: {row['steps']} steps in {row['seconds']:.0f} s, {detail}")
        first = rows[[r["image"] for r in rows].index(image)]
        size = f"{first['width']}×{first['height']}×{first['channels']}, {first['bitDepth']}-bit"
        say(f"| {os.path.basename(image)} | {size} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
