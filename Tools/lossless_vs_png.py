#!/usr/bin/env python3
"""Lossless inr against the image's own PNG, on every image of ../shared/media and every PNG
sample in Media/ (docs/lossless.md, "Never larger than PNG").

For each image it runs `inr compress Configs/lossless/interlaced.yaml` (the network's width
chosen from the image, `network.sizing: image`), which decodes its own file and refuses to
write one that is not sample-exact, and records from its --metrics report: the file's bytes,
the bytes of the image's PNG at zlib level 9 (libpng's adaptive filters, the stream a stored
file holds), whether the file is that stored image, the network's width and the encode time.
A JPEG in ../shared/media is first decoded to PNG (8-bit RGB) with FFmpeg. Rows go to a CSV;
rows already there are kept, so an interrupted run resumes. Prints the table (markdown) and
the largest excess of a file over its PNG at level 9, which must not exceed the stored
header (kind 4: about 30 bytes).

    [INR_BINARY=a copy of inr] python3 Tools/lossless_vs_png.py [--output docs/results/lossless-vs-png.csv] [--only SUBSTRING]
    python3 Tools/lossless_vs_png.py --summarize docs/results/lossless-vs-png.csv
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, say  # noqa: E402

# A copy of the binary keeps a long run on one build while the tree is rebuilt.
INR = os.environ.get("INR_BINARY", INR)

CONFIG = os.path.join(ROOT, "Configs", "lossless", "interlaced.yaml")
FIELDS = ["image", "width", "height", "channels", "bit_depth", "png_stored_bytes", "png9_bytes", "inr_bytes",
          "stored", "network_file_bytes", "hidden_width", "encode_seconds", "decode_ms"]


def images() -> list[str]:
    """Small images first, so a short run covers every kind of image."""
    found = sorted(glob.glob(os.path.join(ROOT, "Media", "**", "*.png"), recursive=True))
    found += sorted(glob.glob(os.path.join(SHARED_MEDIA, "img16", "*.png")))
    found += sorted(glob.glob(os.path.join(SHARED_MEDIA, "photos", "*.*")))
    found += sorted(glob.glob(os.path.join(SHARED_MEDIA, "kodak", "*.png")))
    return [path for path in found if os.sep + "golden" + os.sep not in path]


def label(path: str) -> str:
    for root, name in ((os.path.join(ROOT, ""), ""), (os.path.join(os.path.abspath(SHARED_MEDIA), ""), "../shared/media/")):
        if os.path.abspath(path).startswith(root):
            return name + os.path.relpath(os.path.abspath(path), root)
    return path


def as_png(path: str, folder: str) -> str:
    """The image as PNG: itself, or a JPEG decoded by FFmpeg (8-bit RGB)."""
    if path.lower().endswith(".png"):
        return path
    converted = os.path.join(folder, os.path.splitext(os.path.basename(path))[0] + ".png")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, "-pix_fmt", "rgb24", converted], check=True)
    return converted


def run(path: str, folder: str) -> dict:
    source = as_png(path, folder)
    encoded, metrics = os.path.join(folder, "file.inr"), os.path.join(folder, "metrics.json")
    subprocess.run([INR, "compress", CONFIG, "--input", source, "--output", encoded, "--metrics", metrics],
                   check=True, stdout=subprocess.DEVNULL)
    with open(metrics) as file:
        report = json.load(file)
    assert report["exact"], f"{path}: not exact"
    return {
        "image": label(path), "width": report["width"], "height": report["height"], "channels": report["channels"],
        "bit_depth": report["bitDepth"], "png_stored_bytes": os.path.getsize(path) if source == path else "",
        "png9_bytes": report["pngBytes"], "inr_bytes": report["bytes"], "stored": int(report["stored"]),
        "network_file_bytes": report["networkFileBytes"], "hidden_width": report["hiddenWidths"][0],
        "encode_seconds": f"{report['encodeSeconds']:.1f}", "decode_ms": f"{report['decodeSeconds'] * 1000:.0f}",
    }


def summarize(path: str) -> None:
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    say("| image | size | PNG as stored | PNG level 9 | inr | inr / PNG-9 | width | network's file | encode (s) |")
    say("|---|---|---|---|---|---|---|---|---|")
    excess = []
    for row in rows:
        pixels = int(row["width"]) * int(row["height"])
        bpp = lambda count: f"{int(count) * 8 / pixels:.3f}" if count else "—"  # noqa: E731
        ratio = int(row["inr_bytes"]) / int(row["png9_bytes"])
        excess.append(int(row["inr_bytes"]) - int(row["png9_bytes"]))
        kind = " (stored)" if row["stored"] == "1" else ""
        say(f"| {row['image']} | {row['width']}×{row['height']}×{row['channels']}, {row['bit_depth']}-bit | {bpp(row['png_stored_bytes'])} "
            f"| {bpp(row['png9_bytes'])} | {bpp(row['inr_bytes'])}{kind} | {ratio:.3f} | {row['hidden_width']} "
            f"| {row['network_file_bytes']} B | {row['encode_seconds']} |")
    stored = sum(row["stored"] == "1" for row in rows)
    say()
    say(f"{len(rows)} images, bpp = bytes × 8 / pixels; {stored} stored as PNG; the network's file won on {len(rows) - stored}. "
        f"Largest excess of an inr file over its PNG at level 9: {max(excess)} bytes.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "lossless-vs-png.csv"))
    parser.add_argument("--only", help="only images whose path contains this")
    parser.add_argument("--summarize", metavar="CSV", help="only print the table of this file")
    args = parser.parse_args()
    if args.summarize:
        return summarize(args.summarize)
    if "INR_BINARY" not in os.environ:
        build_inr()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    done = set()
    if os.path.exists(args.output):
        with open(args.output, newline="") as file:
            done = {row["image"] for row in csv.DictReader(file)}
    if not done:
        with open(args.output, "w", newline="") as file:
            csv.DictWriter(file, FIELDS).writeheader()
    for path in images():
        if label(path) in done or (args.only and args.only not in path):
            continue
        with tempfile.TemporaryDirectory() as folder:
            row = run(path, folder)
        with open(args.output, "a", newline="") as file:
            csv.DictWriter(file, FIELDS).writerow(row)
        say(f"{row['image']}: {row['inr_bytes']} B (PNG-9 {row['png9_bytes']} B{', stored' if row['stored'] else ''}), "
            f"width {row['hidden_width']}, {row['encode_seconds']} s")
    summarize(args.output)


if __name__ == "__main__":
    main()
