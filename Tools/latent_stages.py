#!/usr/bin/env python3
"""The latent-grid codec built up stage by stage on one image (docs/latent.md, "Stages"): each
stage is Configs/image/latent.yaml with overrides, compressed by `inr compress --metrics`; the
PSNR and bpp come from the written file, the time from the encoder's report.

    stage              overrides
    factorised+noise   upsampling bicubic, entropyModel factorized, quantizer noise
    arm+noise          upsampling bicubic, quantizer noise
    arm+softround      upsampling bicubic
    +learned-upsampling (latent.yaml's model: 4 learned taps for each ×2 step)
    +conv2             convolutions 2 (two 3×3 residual convolutions after the synthesis)

Every stage runs the same steps (--steps main phase, --final final phase) at each λ of
--lambdas; the summary interpolates each stage's PSNR at --rate bpp (linear in log-rate between
the two runs around it, or extrapolated from the two nearest). Rows go to a CSV (resumable by
stage and λ); `--summarize` prints the table.

    [INR_BINARY=a copy of inr] python3 Tools/latent_stages.py [--image Media/kodim23.png] [--steps 1000] [--final 100]
        [--lambdas 0.002,0.004] [--stages arm+noise,…] [--rate 0.3] [--output docs/results/latent-stages.csv]
    python3 Tools/latent_stages.py --summarize docs/results/latent-stages.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import os

from common import INR, ROOT, append_row, build_inr, compress_report, say

INR = os.environ.get("INR_BINARY", INR)

STAGES = [
    ("factorised+noise", ["latent.upsampling=bicubic", "latent.entropyModel=factorized", "latent.quantizer=noise"]),
    ("arm+noise", ["latent.upsampling=bicubic", "latent.quantizer=noise"]),
    ("arm+softround", ["latent.upsampling=bicubic"]),
    ("+learned-upsampling", []),
    ("+conv2", ["latent.convolutions=2"]),
]
PARTS = ["upsampling", "synthesis", "entropy", "proxy", "adam"]
FIELDS = ["stage", "image", "steps", "final_steps", "lambda", "bpp", "psnr", "bytes", "encode_seconds", "ms_per_step", "decode_ms",
          "multiply_adds_per_pixel"] + [f"ms_{part}" for part in PARTS]


def run(stage: str, overrides: list[str], lambda_: float, args) -> dict:
    arguments = ["--lambda", str(lambda_), "--set", f"training.steps={args.steps}", "--set", f"latent.finalSteps={args.final}"]
    for override in overrides:
        arguments += ["--set", override]
    report = compress_report(INR, os.path.join(ROOT, "Configs/image/latent.yaml"), args.image, arguments)
    return {"stage": stage, "image": os.path.basename(args.image), "steps": args.steps, "final_steps": args.final,
            "lambda": lambda_, "bpp": round(report["bpp"], 4), "psnr": round(report["psnr"], 3), "bytes": report["bytes"],
            "encode_seconds": round(report["encodeSeconds"], 1),
            "ms_per_step": round(report["fitSeconds"] * 1000 / max(report["fitSteps"], 1), 1),
            "decode_ms": round(report["decodeSeconds"] * 1000), "multiply_adds_per_pixel": report["decoderMultiplyAddsPerPixel"],
            **{f"ms_{part}": round(report["stepMilliseconds"][part], 1) for part in PARTS}}


def at_rate(points: list[tuple[float, float]], rate: float) -> float | None:
    """PSNR at `rate` from (bpp, PSNR) points, linear in log-rate."""
    points = sorted(points)
    if len(points) < 2:
        return None
    pairs = list(zip(points, points[1:]))
    (r0, p0), (r1, p1) = next(((a, b) for a, b in pairs if a[0] <= rate <= b[0]), pairs[0] if rate < points[0][0] else pairs[-1])
    if r1 == r0:
        return None
    return p0 + (p1 - p0) * (math.log(rate) - math.log(r0)) / (math.log(r1) - math.log(r0))


def summarize(path: str, rate: float = 0.3) -> None:
    with open(path) as file:
        rows = list(csv.DictReader(file))
    say("| stage | λ | bpp | PSNR (dB) | encode (s) | ms/step (upsampling / synthesis / entropy / proxy / Adam) | decode (ms) | MAC/pixel |")
    say("|---|---|---|---|---|---|---|---|")
    for row in rows:
        parts = " / ".join(row[f"ms_{part}"] for part in PARTS)
        say(f"| {row['stage']} | {row['lambda']} | {row['bpp']} | {row['psnr']} | {row['encode_seconds']} | {row['ms_per_step']} ({parts}) | "
            f"{row['decode_ms']} | {row['multiply_adds_per_pixel']} |")
    say()
    say(f"| stage | PSNR at {rate} bpp (dB) |")
    say("|---|---|")
    for stage, _ in STAGES:
        value = at_rate([(float(r["bpp"]), float(r["psnr"])) for r in rows if r["stage"] == stage], rate)
        say(f"| {stage} | {'—' if value is None else f'{value:.2f}'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default=os.path.join(ROOT, "Media/kodim23.png"))
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--final", type=int, default=100)
    parser.add_argument("--lambdas", default="0.002,0.004")
    parser.add_argument("--stages", help="only these stages (comma-separated names)")
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs/results/latent-stages.csv"))
    parser.add_argument("--summarize")
    args = parser.parse_args()
    if args.summarize:
        return summarize(args.summarize, args.rate)
    if "INR_BINARY" not in os.environ:
        build_inr()
    done = set()
    if os.path.exists(args.output):
        with open(args.output) as file:
            done = {(row["stage"], float(row["lambda"])) for row in csv.DictReader(file)}
    for stage, overrides in STAGES:
        if args.stages and stage not in args.stages.split(","):
            continue
        for lambda_ in [float(value) for value in args.lambdas.split(",")]:
            if (stage, lambda_) in done:
                continue
            say(f"{stage}, λ {lambda_}…")
            row = run(stage, overrides, lambda_, args)
            say(f"  {row['psnr']} dB at {row['bpp']} bpp, {row['encode_seconds']} s")
            append_row(args.output, FIELDS, row)
    summarize(args.output, args.rate)


if __name__ == "__main__":
    main()
