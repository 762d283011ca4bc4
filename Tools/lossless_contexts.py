#!/usr/bin/env python3
"""Does context pay? inr's lossless mode on the same images with each bit-plane context.

Every variant is Configs/lossless/interlaced.yaml (same network, steps, batch and
quantisation) with only the head changed:

    allOutputs          (x, y) → all bits of a pixel at once, no context
    bitInput, none      (x, y, plane) → one logit per channel (Han et al.'s layout)
    bitInput, pixel     + the pixel's channels as the planes above the bit leave them
    bitInput, neighbourhood (r = 1) + the same for the 3 × 3 neighbourhood
    bitInput, interlaced (the config): interlaced pixel order, channel by channel, 12 earlier
                        neighbours, inputs in units of the interval the bit splits

Prints bits per pixel of the coded bits alone and of the whole file (network included), with
encode and decode times; every file is checked exact by `inr compress` itself.

    python3 Tools/lossless_contexts.py [images...]   (default: kodim05 and kodim23)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, say  # noqa: E402

CONFIG = os.path.join(ROOT, "Configs", "lossless", "interlaced.yaml")
VARIANTS = [
    ("allOutputs", ["head.layout=allOutputs", "head.context=none"]),
    ("bitInput, none", ["head.context=none"]),
    ("bitInput, pixel", ["head.context=pixel"]),
    ("bitInput, neighbourhood r=1", ["head.context=neighbourhood", "head.contextSize=1"]),
    ("bitInput, interlaced", []),
]


def main() -> None:
    images = sys.argv[1:] or [os.path.join(SHARED_MEDIA, "kodak", f"kodim{n}.png") for n in ("05", "23")]
    build_inr()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for image in images:
            for name, sets in VARIANTS:
                metrics = os.path.join(folder, "metrics.json")
                command = [INR, "compress", CONFIG, "--input", image, "--output", os.path.join(folder, "out.inr"),
                           "--metrics", metrics]
                for setting in sets:
                    command += ["--set", setting]
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(metrics) as file:
                    report = json.load(file)
                if not report["exact"]:
                    sys.exit(f"{name} on {image} did not decode exactly")
                pixels = report["width"] * report["height"]
                row = (os.path.basename(image), name, report["losslessBitsBytes"] * 8 / pixels, report["bpp"],
                       report["encodeSeconds"], report["decodeSeconds"])
                rows.append(row)
                say(f"{row[0]} {name}: bits {row[2]:.3f} bpp, file {row[3]:.3f} bpp, encode {row[4]:.1f} s, decode {row[5]:.2f} s")
    say("\n| image | head | bits (bpp) | file (bpp) | encode (s) | decode (s) |")
    say("|---|---|---|---|---|---|")
    for row in rows:
        say(f"| {row[0]} | {row[1]} | {row[2]:.3f} | {row[3]:.3f} | {row[4]:.1f} | {row[5]:.2f} |")


if __name__ == "__main__":
    main()
