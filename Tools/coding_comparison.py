#!/usr/bin/env python3
"""Sizes of the same quantised weights under three codings: raw fixed-width packing, zstd -19,
and inr's range coder (the WGHT section of the .inr file).

For each .inr file in a folder (e.g. the files of `inr eval sweep`), `inr inspect --symbols`
writes the integers tensor by tensor. Raw packing stores each at its bit width (8 for weights,
10 for biases in Configs/image/mlp.yaml); zstd gets the same integers as bytes (one byte each
up to 8 bits, two little-endian bytes above) at level 19; inr's figure is the whole WGHT section
payload as written. The order-0 entropy (weights and biases apart) is printed as a reference.

    python3 Tools/coding_comparison.py results/kodak-0.3/files/default
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, build_inr, say  # noqa: E402


def entropy_bytes(symbols: list[int]) -> float:
    counts = collections.Counter(symbols)
    n = len(symbols)
    return -sum(c * math.log2(c / n) for c in counts.values()) / 8 if n else 0.0


def measure(path: str, folder: str) -> dict:
    dump = os.path.join(folder, "symbols.json")
    out = subprocess.run([INR, "inspect", path, "--symbols", dump], check=True, capture_output=True, text=True).stdout
    inr = int(re.search(r"WGHT (\d+) B", out).group(1))
    with open(dump) as file:
        tensors = json.load(file)
    raw = math.ceil(sum(len(t["symbols"]) * t["bits"] for t in tensors) / 8)
    data = bytearray()
    for t in tensors:
        width = 1 if t["bits"] <= 8 else 2
        for v in t["symbols"]:
            data += (v & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    zstd = len(subprocess.run(["zstd", "-19", "-c", "-q"], input=bytes(data), check=True, capture_output=True).stdout)
    # One empirical entropy per tensor kind, as WGHT has one adaptive model per kind (weights,
    # biases, and an encoding's values, a dense grid's, where there are any).
    kinds = {kind: [v for t in tensors if t["kind"] == kind for v in t["symbols"]] for kind in ("weight", "bias", "feature")}
    return {"file": os.path.basename(path), "parameters": sum(len(v) for v in kinds.values()), "raw": raw, "zstd": zstd,
            "inr": inr, "entropy": sum(entropy_bytes(v) for v in kinds.values() if v)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="a folder of .inr files")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    build_inr()
    files = sorted(f for f in os.listdir(args.folder) if f.endswith(".inr"))
    if not files:
        sys.exit(f"no .inr files in {args.folder}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        say(f"{'file':14} {'params':>7} {'raw B':>7} {'zstd-19 B':>9} {'inr B':>7} {'inr/raw':>7} {'inr/zstd':>8} {'H0 B':>7}")
        for name in files:
            r = measure(os.path.join(args.folder, name), folder)
            rows.append(r)
            say(f"{r['file']:14} {r['parameters']:7d} {r['raw']:7d} {r['zstd']:9d} {r['inr']:7d} "
                f"{r['inr'] / r['raw']:7.3f} {r['inr'] / r['zstd']:8.3f} {r['entropy']:7.0f}")
    total = {k: sum(r[k] for r in rows) for k in ("raw", "zstd", "inr", "entropy")}
    say(f"{'total':14} {'':7} {total['raw']:7d} {total['zstd']:9d} {total['inr']:7d} "
        f"{total['inr'] / total['raw']:7.3f} {total['inr'] / total['zstd']:8.3f} {total['entropy']:7.0f}")
    smallest = sum(r["inr"] < min(r["raw"], r["zstd"]) for r in rows)
    say(f"inr's coder is the smallest on {smallest} of {len(rows)} files; "
        f"it saves {100 * (1 - total['inr'] / total['raw']):.1f}% over raw packing and "
        f"{100 * (1 - total['inr'] / total['zstd']):.1f}% over zstd -19")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)


if __name__ == "__main__":
    main()
