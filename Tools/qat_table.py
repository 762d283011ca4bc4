#!/usr/bin/env python3
"""Post-training quantisation against quantisation-aware fine-tuning, at 8, 6 and 4 bits.

Each image is fitted once (`inr fit` with Configs/image/mlp.yaml, checkpoint kept); then
`inr compress --model` quantises that same checkpoint at each weight width. Its report gives the
PSNR of the plain rounding (PTQ: MSE-optimal step per layer, no training) and, from the decoded
file, the PSNR after the config's fine-tuning with fake quantisation (QAT), plus the file's bpp.

    python3 Tools/qat_table.py [--images kodim04,kodim15,kodim23] [--qat-steps 300]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default=os.path.join(ROOT, "Configs", "image", "mlp.yaml"))
    parser.add_argument("--images", default="kodim04,kodim15,kodim23")
    parser.add_argument("--bits", default="8,6,4")
    parser.add_argument("--granularities", default="layer,channel")
    parser.add_argument("--qat-steps", type=int, default=300)
    parser.add_argument("--rate-weight", type=float, default=0.0)
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    build_inr()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.images.split(","):
            image = os.path.join(SHARED_MEDIA, "kodak", name + ".png")
            fitted = os.path.join(folder, name + ".png")
            subprocess.run([INR, "fit", args.config, "--input", image, "--output", fitted],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for granularity, bits in [(g, b) for g in args.granularities.split(",") for b in args.bits.split(",")]:
                metrics = os.path.join(folder, f"{name}-{granularity}-{bits}.json")
                subprocess.run([INR, "compress", args.config, "--input", image, "--output", os.path.join(folder, "x.inr"),
                                "--model", fitted.removesuffix(".png") + ".inrmodel", "--metrics", metrics,
                                "--set", f"quantization.weightBits={bits}", "--set", f"quantization.granularity={granularity}",
                                "--set", f"quantization.qatSteps={args.qat_steps}",
                                "--set", f"quantization.rateWeight={args.rate_weight}"],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(metrics) as file:
                    m = json.load(file)
                rows.append({"image": name, "granularity": granularity, "bits": int(bits), "float": m["floatPSNR"], "ptq": m["quantizedPSNR"],
                             "qat": m["psnr"], "bpp": m["bpp"], "qatSeconds": m["qatSeconds"]})
                r = rows[-1]
                say(f"{name} {granularity} {bits}-bit: float {r['float']:.2f} dB, PTQ {r['ptq']:.2f} dB, "
                    f"QAT {r['qat']:.2f} dB ({args.qat_steps} steps, {r['qatSeconds']:.0f} s), {r['bpp']:.4f} bpp")
    say(f"\n| steps per | weight bits | images | float PSNR | PTQ PSNR | QAT PSNR | QAT − PTQ | bpp |")
    say("|---|---|---|---|---|---|---|---|")
    for granularity, bits in [(g, b) for g in args.granularities.split(",") for b in args.bits.split(",")]:
        group = [r for r in rows if r["bits"] == int(bits) and r["granularity"] == granularity]
        mean = lambda key: sum(r[key] for r in group) / len(group)  # noqa: E731
        say(f"| {'tensor' if granularity == 'layer' else 'channel'} | {bits} | {len(group)} | {mean('float'):.2f} | {mean('ptq'):.2f} | {mean('qat'):.2f} | "
            f"{mean('qat') - mean('ptq'):+.2f} | {mean('bpp'):.4f} |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)


if __name__ == "__main__":
    main()
