#!/usr/bin/env python3
"""inr's lossless mode against the classic lossless codecs on the same images: PNG as stored,
WebP lossless (cwebp -lossless -z 9, 8-bit only), JPEG XL lossless (cjxl -d 0), JPEG 2000
lossless (opj_compress, reversible 5/3 wavelet, its default), and `inr compress` with
Configs/lossless/interlaced.yaml (or --config).

Every file is decoded back with the codec's own decoder and checked sample-exact against the
original with `inr eval compare` (a codec that is not exact is reported, not counted). Prints
bits per pixel (file bytes × 8 / pixels) and encode and decode times per codec, and writes
the rows in inr eval's CSV format. inr's encode time is the one `inr compress` reports (fit,
quantisation and coding, without its own check decode); every decode time is the decoder
process's wall clock. Rows already in the output are kept and not run again, so an
interrupted run resumes (--fresh starts over).

    python3 Tools/lossless_baselines.py [--limit N] [--codecs inr,PNG,...] [--output results/lossless.csv]
    python3 Tools/lossless_baselines.py --summarize docs/results/lossless-classic.csv docs/results/lossless-inr.csv

Needs Tools/setup-baselines.sh (webp, libjxl-tools, libopenjp2-tools).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, group_results, mean, read_results, say, timed  # noqa: E402

INR_CONFIG = os.path.join(ROOT, "Configs", "lossless", "interlaced.yaml")

CODECS = {
    "PNG": None,  # the file as stored
    "WebP-lossless": {
        "encode": lambda src, dst: ["cwebp", "-quiet", "-lossless", "-z", "9", src, "-o", dst],
        "decode": lambda src, dst: ["dwebp", "-quiet", src, "-o", dst],
        "suffix": ".webp",
        "eight_bit_only": True,
    },
    "JPEG-XL": {
        "encode": lambda src, dst: ["cjxl", "-d", "0", "--quiet", src, dst],
        "decode": lambda src, dst: ["djxl", "--quiet", src, dst],
        "suffix": ".jxl",
    },
    "JPEG-2000": {
        "encode": lambda src, dst: ["opj_compress", "-i", src, "-o", dst],
        "decode": lambda src, dst: ["opj_decompress", "-i", src, "-o", dst],
        "suffix": ".jp2",
        # opj_compress's PNG reader misreads the Kodak PNGs (12 dB after a "lossless" round
        # trip); from a PPM of the same samples it is exact. Its 16-bit PNG reading is exact.
        "ppm_for_8bit": True,
    },
    "inr": {
        # The encode time is replaced by the one inr reports (see run_inr).
        "decode": lambda src, dst: [INR, "decode", src, "--output", dst],
        "suffix": ".inr",
    },
}


def run_inr(config: str, source: str, encoded: str, folder: str) -> float:
    """Compresses with inr and returns its encode seconds."""
    metrics = os.path.join(folder, "metrics.json")
    subprocess.run([INR, "compress", config, "--input", source, "--output", encoded, "--metrics", metrics],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(metrics) as file:
        report = json.load(file)
    if not report["exact"]:
        sys.exit(f"inr's lossless decode of {source} is not exact")
    return report["encodeSeconds"]


def compare(original: str, decoded: str, compressed: str, codec: str, csv_path: str, encode: float, decode: float) -> dict:
    command = [INR, "eval", "compare", original, decoded, "--compressed", compressed, "--json"]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if result["psnr"] == "inf":
        subprocess.run([INR, "eval", "compare", original, decoded, "--compressed", compressed, "--codec", codec,
                        "--csv", csv_path, "--encode-seconds", f"{encode:.4f}", "--decode-seconds", f"{decode:.4f}"],
                       check=True, stdout=subprocess.DEVNULL)
    return result


def images(args: argparse.Namespace) -> list[str]:
    kodak = os.path.join(SHARED_MEDIA, "kodak")
    paths = [os.path.join(kodak, f) for f in sorted(os.listdir(kodak)) if f.endswith(".png")][: args.limit]
    img16 = os.path.join(SHARED_MEDIA, "img16")
    return paths + [os.path.join(img16, f) for f in sorted(os.listdir(img16)) if f.endswith(".png")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N Kodak images (the 16-bit files always run)")
    parser.add_argument("--codecs", default=",".join(CODECS), help="comma-separated, of " + ", ".join(CODECS))
    parser.add_argument("--config", default=INR_CONFIG, help="inr's lossless config")
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "lossless.csv"))
    parser.add_argument("--fresh", action="store_true", help="delete the output first instead of resuming")
    parser.add_argument("--summarize", nargs="+", metavar="CSV", help="only print the table of these result files")
    args = parser.parse_args()
    if args.summarize:
        summarize(*args.summarize)
        return
    codecs = args.codecs.split(",")
    if unknown := [c for c in codecs if c not in CODECS]:
        sys.exit(f"unknown codecs {unknown}; choose from {', '.join(CODECS)}")
    for tool, codec in (("cwebp", "WebP-lossless"), ("cjxl", "JPEG-XL"), ("opj_compress", "JPEG-2000")):
        if codec in codecs and subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"{tool} is missing: run Tools/setup-baselines.sh")
    build_inr()
    if args.fresh and os.path.exists(args.output):
        os.remove(args.output)
    done = {(r["codec"], r["image"]) for r in read_results(args.output)} if os.path.exists(args.output) else set()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for path in images(args):
            name = os.path.basename(path)
            sixteen = "img16" in path
            for codec in codecs:
                spec = CODECS[codec]
                if (codec, name) in done:
                    continue
                if spec is None:
                    compare(path, path, path, codec, args.output, 0.0, 0.0)
                    continue
                if sixteen and spec.get("eight_bit_only"):
                    continue
                encoded = os.path.join(folder, "encoded" + spec["suffix"])
                decoded = os.path.join(folder, "decoded.png")
                source = path
                if spec.get("ppm_for_8bit") and not sixteen:
                    source = os.path.join(folder, "source.ppm")
                    timed(["ffmpeg", "-v", "error", "-y", "-i", path, "-pix_fmt", "rgb24", source])
                if codec == "inr":
                    encode = run_inr(args.config, source, encoded, folder)
                else:
                    encode = timed(spec["encode"](source, encoded))
                decode = timed(spec["decode"](encoded, decoded))
                result = compare(path, decoded, encoded, codec, args.output, encode, decode)
                if result["psnr"] != "inf":
                    say(f"{codec} is not exact on {name} (PSNR {result['psnr']:.2f} dB): left out")
                elif codec == "inr":
                    say(f"{name}: inr {result['bpp']:.3f} bpp, encode {encode:.1f} s, decode {decode:.2f} s")
            say(f"{name}: done")
    summarize(args.output)


def summarize(*paths: str) -> None:
    rows = read_results(*paths)
    codecs = list(dict.fromkeys(r["codec"] for r in rows))
    say("| image | " + " | ".join(codecs) + " |")
    say("|---|" + "---|" * len(codecs))
    for image in dict.fromkeys(r["image"] for r in rows):
        cells = {r["codec"]: float(r["bpp"]) for r in rows if r["image"] == image}
        best = min(cells.values())
        say(f"| {image} | " + " | ".join(
            ("—" if c not in cells else (f"**{cells[c]:.3f}**" if cells[c] == best else f"{cells[c]:.3f}")) for c in codecs) + " |")
    say(f"\n| codec | images | mean bpp | mean encode (s) | mean decode (s) |")
    say("|---|---|---|---|---|")
    for subset, keep in (("Kodak (8-bit RGB)", lambda r: r["image"].startswith("kodim")),
                         ("16-bit files", lambda r: not r["image"].startswith("kodim"))):
        say(f"| **{subset}** | | | | |")
        for (codec, _), group in group_results([r for r in rows if keep(r)]).items():
            say(f"| {codec} | {len(group)} | {mean(group, 'bpp'):.3f} | {mean(group, 'encode_seconds'):.2f} | "
                f"{mean(group, 'decode_seconds'):.2f} |")


if __name__ == "__main__":
    main()
