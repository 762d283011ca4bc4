#!/usr/bin/env python3
"""Time to quality of the latent-grid codec (docs/latent.md): Configs/image/latent.yaml on one
image with encoding budgets of 60, 120, 300, 600 and 1800 s. A short run measures the time per
step; each budget then gets steps = budget / that time (92% in the main phase, 8% in the final
rounded phase), so every run is a complete schedule (no time limit cuts a cosine decay short)
and its file is reproducible. PSNR and bpp come from the written file, the encode time from
the encoder's report (it includes quantisation and coding).

    [INR_BINARY=a copy of inr] python3 Tools/latent_time_to_quality.py [--image Media/kodim23.png]
        [--budgets 60,120,300,600,1800] [--lambda 0.002] [--output docs/results/latent-time-to-quality.csv]
    python3 Tools/latent_time_to_quality.py --summarize docs/results/latent-time-to-quality.csv
        [--chart docs/latent-time-to-quality.svg]

The chart (an SVG, no plotting library needed) draws PSNR against the encode time on a log
scale, each point labelled with its rate.
"""

from __future__ import annotations

import argparse
import csv
import math
import os

from common import INR, ROOT, append_row, build_inr, compress_report, say

INR = os.environ.get("INR_BINARY", INR)
PARTS = ["upsampling", "synthesis", "entropy", "proxy", "adam"]
FIELDS = ["budget_seconds", "image", "lambda", "steps", "final_steps", "bpp", "psnr", "bytes", "encode_seconds", "ms_per_step"] + [
    f"ms_{part}" for part in PARTS]


def compress(args, steps: int, final: int) -> dict:
    return compress_report(INR, os.path.join(ROOT, "Configs/image/latent.yaml"), args.image,
                           ["--lambda", str(args.lambda_), "--set", f"training.steps={steps}", "--set", f"latent.finalSteps={final}"])


def summarize(path: str) -> None:
    with open(path) as file:
        rows = list(csv.DictReader(file))
    say("| budget (s) | steps (main + final) | encode (s) | bpp | PSNR (dB) | ms/step (upsampling / synthesis / entropy / proxy / Adam) |")
    say("|---|---|---|---|---|---|")
    for row in rows:
        parts = " / ".join(row[f"ms_{part}"] for part in PARTS)
        say(f"| {row['budget_seconds']} | {row['steps']} + {row['final_steps']} | {row['encode_seconds']} | {row['bpp']} | {row['psnr']} | "
            f"{row['ms_per_step']} ({parts}) |")


def chart(path: str, rows: list[dict], title: str) -> None:
    """PSNR against encode seconds (log scale), each point labelled with its bpp."""
    width, height, left, right, top, bottom = 640, 400, 60, 30, 40, 50
    seconds = [float(row["encode_seconds"]) for row in rows]
    psnr = [float(row["psnr"]) for row in rows]
    x_low, x_high = math.log10(min(seconds) / 1.3), math.log10(max(seconds) * 1.3)
    y_low, y_high = math.floor(min(psnr)) - 0.5, math.ceil(max(psnr)) + 0.5

    def x(value: float) -> float:
        return left + (math.log10(value) - x_low) / (x_high - x_low) * (width - left - right)

    def y(value: float) -> float:
        return height - bottom - (value - y_low) / (y_high - y_low) * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>']
    for tick in [30, 60, 120, 300, 600, 1200, 1800, 3600]:
        if x_low <= math.log10(tick) <= x_high:
            parts.append(f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{height - bottom}" stroke="#ddd"/>')
            parts.append(f'<text x="{x(tick):.1f}" y="{height - bottom + 16}" text-anchor="middle">{tick}</text>')
    value = math.ceil(y_low)
    while value <= y_high:
        parts.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>')
        value += 1
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">encode time (s, log scale)</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2})">PSNR (dB)</text>')
    points = " ".join(f"{x(s):.1f},{y(p):.1f}" for s, p in zip(seconds, psnr))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    for row, s, p in zip(rows, seconds, psnr):
        parts.append(f'<circle cx="{x(s):.1f}" cy="{y(p):.1f}" r="4" fill="#1f77b4"/>')
        parts.append(f'<text x="{x(s):.1f}" y="{y(p) - 9:.1f}" text-anchor="middle">{p:.2f} dB, {float(row["bpp"]):.3f} bpp</text>')
    parts.append("</svg>")
    with open(path, "w") as file:
        file.write("\n".join(parts) + "\n")
    say(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default=os.path.join(ROOT, "Media/kodim23.png"))
    parser.add_argument("--budgets", default="60,120,300,600,1800")
    parser.add_argument("--lambda", dest="lambda_", type=float, default=0.002)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs/results/latent-time-to-quality.csv"))
    parser.add_argument("--summarize")
    parser.add_argument("--chart", help="also draw the table as this SVG")
    args = parser.parse_args()
    if args.summarize:
        summarize(args.summarize)
        if args.chart:
            with open(args.summarize) as file:
                rows = list(csv.DictReader(file))
            chart(args.chart, rows, f"latent.yaml on {rows[0]['image']}, λ {rows[0]['lambda']}: time to quality")
        return
    if "INR_BINARY" not in os.environ:
        build_inr()
    done = set()
    if os.path.exists(args.output):
        with open(args.output) as file:
            done = {row["budget_seconds"] for row in csv.DictReader(file)}
    probe = compress(args, 60, 0)
    seconds_per_step = probe["fitSeconds"] / probe["fitSteps"]
    overhead = probe["encodeSeconds"] - probe["fitSeconds"]
    say(f"{seconds_per_step * 1000:.1f} ms a step, {overhead:.1f} s of quantisation and coding")
    for budget in [int(b) for b in args.budgets.split(",")]:
        if str(budget) in done:
            continue
        total = max(20, int((budget - overhead) / seconds_per_step))
        final = total * 8 // 100
        report = compress(args, total - final, final)
        row = {"budget_seconds": budget, "image": os.path.basename(args.image), "lambda": args.lambda_, "steps": total - final,
               "final_steps": final, "bpp": round(report["bpp"], 4), "psnr": round(report["psnr"], 3), "bytes": report["bytes"],
               "encode_seconds": round(report["encodeSeconds"], 1),
               "ms_per_step": round(report["fitSeconds"] * 1000 / max(report["fitSteps"], 1), 1),
               **{f"ms_{part}": round(report["stepMilliseconds"][part], 1) for part in PARTS}}
        say(f"{budget} s: {row['psnr']} dB at {row['bpp']} bpp in {row['encode_seconds']} s ({total} steps)")
        append_row(args.output, FIELDS, row)
    summarize(args.output)


if __name__ == "__main__":
    main()
