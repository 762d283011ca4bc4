#!/usr/bin/env python3
"""Markdown tables from `inr eval` result files: one row per image and setting, then the means.

    python3 Tools/rd_table.py results/kodak-0.3/results.csv [--codec inr]
"""

from __future__ import annotations

import argparse
import csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tables", nargs="+")
    parser.add_argument("--codec", help="only this codec's rows")
    args = parser.parse_args()
    rows = []
    for path in args.tables:
        with open(path) as file:
            rows += [r for r in csv.DictReader(file) if not args.codec or r["codec"] == args.codec]
    print("| image | setting | bytes | bpp | PSNR (dB) | MS-SSIM | encode (s) | decode (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        decode = f"{1000 * float(r['decode_seconds']):.0f}" if r["decode_seconds"] else "-"
        print(f"| {r['image'].removesuffix('.png')} | {r['setting'] or 'default'} | {r['bytes']} | {float(r['bpp']):.4f} | "
              f"{float(r['psnr']):.2f} | {r['msssim'] or '-'} | {r['encode_seconds'] or '-'} | {decode} |")
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["codec"], r["setting"]), []).append(r)
    print("\n| codec | setting | images | mean bpp | mean PSNR (dB) | mean MS-SSIM | mean encode (s) | max encode (s) | max decode (ms) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (codec, setting), group in groups.items():
        mean = lambda key: sum(float(r[key]) for r in group) / len(group)  # noqa: E731
        encode = [float(r["encode_seconds"]) for r in group if r["encode_seconds"]]
        decode = [1000 * float(r["decode_seconds"]) for r in group if r["decode_seconds"]]
        print(f"| {codec} | {setting or 'default'} | {len(group)} | {mean('bpp'):.4f} | {mean('psnr'):.2f} | {mean('msssim'):.4f} | "
              + (f"{sum(encode) / len(encode):.1f} | {max(encode):.1f} | " if encode else "- | - | ")
              + (f"{max(decode):.0f} |" if decode else "- |"))


if __name__ == "__main__":
    main()
