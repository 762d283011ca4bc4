#!/usr/bin/env python3
"""Classic codecs on the same images as inr: JPEG (cjpeg), WebP (cwebp) and AVIF (avifenc).

Each image is encoded at a sweep of qualities, decoded back to PNG with the codec's own decoder
(djpeg, dwebp, avifdec), and measured by `inr eval compare`, the same code that measures inr's
files: PSNR over all samples with peak 255, MS-SSIM as CompressAI computes it, bpp from the
encoded file's bytes. Rows go to a CSV in inr eval's format, so `inr eval plot` draws them next to
inr's curve and the published anchors.

    python3 Tools/classic_codecs.py --output results/classic.csv [--images DIR] [--limit N] [--keep-decoded]

With --keep-decoded every decoded image is kept as decoded/<codec>/q=<quality>/<image>.png
beside the CSV, where `inr eval report` finds them.

Needs Tools/setup-baselines.sh (Debian's libjpeg-turbo-progs, webp, libavif-bin).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, group_results, mean, read_results, say, timed  # noqa: E402

# Quality sweeps chosen to span about 0.1–1 bpp on Kodak.
CODECS = {
    "JPEG": {
        "qualities": [5, 10, 15, 20, 30, 40, 50, 60, 75],
        "encode": lambda src, dst, q: ["cjpeg", "-quality", str(q), "-optimize", "-outfile", dst, src],
        "decode": lambda src, dst: ["djpeg", "-outfile", dst, src],
        "suffix": ".jpg",
        "decoded": ".ppm",
        "input": ".ppm",  # cjpeg reads PPM, not PNG
    },
    "WebP": {
        "qualities": [0, 5, 10, 20, 30, 40, 50, 60, 75],
        "encode": lambda src, dst, q: ["cwebp", "-quiet", "-q", str(q), "-m", "6", src, "-o", dst],
        "decode": lambda src, dst: ["dwebp", "-quiet", src, "-o", dst],
        "suffix": ".webp",
        "decoded": ".png",
    },
    # AVIF: quantiser Q (0–63, lower is better) for colour and alpha, speed 6, 4:4:4 (avifenc's
    # default for PNG input).
    "AVIF": {
        "qualities": [56, 52, 48, 44, 40, 36, 32, 28],
        "encode": lambda src, dst, q: ["avifenc", "--min", str(q), "--max", str(q), "-s", "6", "-j", "2", src, dst],
        "decode": lambda src, dst: ["avifdec", src, dst],
        "suffix": ".avif",
        "decoded": ".png",
    },
}


def to_png(path: str, folder: str) -> str:
    """djpeg writes PPM; inr reads PNG, so ffmpeg repacks it losslessly."""
    if path.endswith(".png"):
        return path
    png = os.path.join(folder, "decoded.png")
    timed(["ffmpeg", "-v", "error", "-y", "-i", path, "-frames:v", "1", png])
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", default=os.path.join(SHARED_MEDIA, "kodak"))
    parser.add_argument("--limit", type=int, help="only the first N images")
    parser.add_argument("--codecs", default="JPEG,WebP,AVIF")
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "classic.csv"))
    parser.add_argument("--qualities", help="only these qualities (comma-separated), for every codec")
    parser.add_argument("--keep-decoded", action="store_true", help="keep the decoded images for `inr eval report`")
    args = parser.parse_args()
    kept = os.path.join(os.path.dirname(os.path.abspath(args.output)), "decoded")

    for tool in ("cjpeg", "cwebp", "avifenc", "ffmpeg"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"{tool} is missing: run Tools/setup-baselines.sh")
    build_inr()
    images = sorted(f for f in os.listdir(args.images) if f.lower().endswith(".png"))[: args.limit]
    if os.path.exists(args.output):
        os.remove(args.output)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.codecs.split(","):
            codec = CODECS[name]
            for image in images:
                source = os.path.join(args.images, image)
                encoder_input = source
                if codec.get("input") == ".ppm":
                    encoder_input = os.path.join(folder, "source.ppm")
                    timed(["ffmpeg", "-v", "error", "-y", "-i", source, "-pix_fmt", "rgb24", encoder_input])
                qualities = [int(q) for q in args.qualities.split(",")] if args.qualities else codec["qualities"]
                for quality in qualities:
                    encoded = os.path.join(folder, "encoded" + codec["suffix"])
                    decoded = os.path.join(folder, "decoded-raw" + codec["decoded"])
                    encode_seconds = timed(codec["encode"](encoder_input, encoded, quality))
                    decode_seconds = timed(codec["decode"](encoded, decoded))
                    png = to_png(decoded, folder)
                    if args.keep_decoded:
                        target = os.path.join(kept, name, f"q={quality}", os.path.splitext(image)[0] + ".png")
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        shutil.copyfile(png, target)
                    subprocess.run([INR, "eval", "compare", source, png, "--compressed", encoded,
                                    "--codec", name, "--setting", f"q={quality}", "--csv", args.output,
                                    "--encode-seconds", f"{encode_seconds:.4f}", "--decode-seconds", f"{decode_seconds:.4f}"],
                                   check=True, stdout=subprocess.DEVNULL)
                say(f"{name} {image}: {len(qualities)} qualities")
    summarize(args.output)


def interpolate(points: list[tuple[float, float]], bpp: float) -> float | None:
    points = sorted(points)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= bpp <= x1:
            return y0 + (y1 - y0) * (bpp - x0) / (x1 - x0)
    return None


def summarize(path: str) -> None:
    """Per codec: mean bpp and PSNR per quality, and PSNR interpolated at 0.15, 0.3 and 0.6 bpp."""
    say(f"\n{'codec':6} {'setting':8} {'images':>6} {'bpp':>7} {'PSNR':>6} {'MS-SSIM':>8}")
    curves: dict[str, list[tuple[float, float]]] = {}
    for (codec, setting), group in group_results(read_results(path)).items():
        bpp, psnr, msssim = mean(group, "bpp"), mean(group, "psnr"), mean(group, "msssim")
        curves.setdefault(codec, []).append((bpp, psnr))
        msssim_text = f"{msssim:8.4f}" if msssim is not None else f"{'-':>8}"  # images under 161 px have none
        say(f"{codec:6} {setting:8} {len(group):6d} {bpp:7.4f} {psnr:6.2f} {msssim_text}")
    say("\nPSNR (dB) of the mean curve at a given rate:")
    say(f"{'codec':6} {'0.15 bpp':>9} {'0.3 bpp':>9} {'0.6 bpp':>9}")
    for codec, points in curves.items():
        values = [interpolate(points, b) for b in (0.15, 0.3, 0.6)]
        say(f"{codec:6} " + " ".join(f"{v:9.2f}" if v is not None else f"{'-':>9}" for v in values))


if __name__ == "__main__":
    main()
