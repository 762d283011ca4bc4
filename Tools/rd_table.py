#!/usr/bin/env python3
"""Markdown tables from `inr eval` result files: one row per image and setting, then the means.

    python3 Tools/rd_table.py results/kodak-0.3/results.csv [--codec inr]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import group_results, mean, read_results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tables", nargs="+")
    parser.add_argument("--codec", help="only this codec's rows")
    args = parser.parse_args()
    rows = [r for r in read_results(*args.tables) if not args.codec or r["codec"] == args.codec]
    print("| image | setting | bytes | bpp | PSNR (dB) | MS-SSIM | encode (s) | decode (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        decode = f"{1000 * float(r['decode_seconds']):.0f}" if r["decode_seconds"] else "-"
        msssim = f"{float(r['msssim']):.4f}" if r["msssim"] else "-"
        print(f"| {r['image'].removesuffix('.png')} | {r['setting'] or 'default'} | {r['bytes']} | {float(r['bpp']):.4f} | "
              f"{float(r['psnr']):.2f} | {msssim} | {r['encode_seconds'] or '-'} | {decode} |")
    print("\n| codec | setting | images | mean bpp | mean PSNR (dB) | mean MS-SSIM | mean encode (s) | max encode (s) | max decode (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (codec, setting), group in group_results(rows).items():
        encode = [float(r["encode_seconds"]) for r in group if r["encode_seconds"]]
        decode = [1000 * float(r["decode_seconds"]) for r in group if r["decode_seconds"]]
        msssim = mean(group, "msssim")
        print(f"| {codec} | {setting or 'default'} | {len(group)} | {mean(group, 'bpp'):.4f} | {mean(group, 'psnr'):.2f} | "
              + (f"{msssim:.4f} | " if msssim is not None else "- | ")
              + (f"{sum(encode) / len(encode):.1f} | {max(encode):.1f} | " if encode else "- | - | ")
              + (f"{max(decode):.0f} |" if decode else "- |"))


if __name__ == "__main__":
    main()
