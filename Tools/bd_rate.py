#!/usr/bin/env python3
"""Kodak rate–distortion of one codec against others (issue 15, point 2): the mean of per-image
PSNR at 0.15, 0.30 and 0.60 bpp, BD-rates, the margin over inr's MLP codec at each of its
measured rates, and one chart with every curve.

    python3 Tools/bd_rate.py results/latent/results.csv [--codec inr] \
        [--against docs/results/classic-kodak.csv] \
        [--coolchic ../shared/anchors/coolchic/v4.2-image-kodak.tsv] \
        [--mlp docs/results/inr-kodak-0.15.csv,docs/results/inr-kodak-0.3.csv,docs/results/inr-kodak-0.6.csv] \
        [--also docs/results/latent-kodak/results.csv="latent, 1650 + 150 steps"] \
        [--chart docs/latent-kodak.svg] [--complete]

- **PSNR at a rate**: on the codec's mean curve (per setting, the mean bpp and the mean PSNR
  over the test codec's images; only settings that cover them all), interpolated linearly in
  log-rate, as the issue's figures and Tools/classic_codecs.py give them.
- **BD-rate** (Bjøntegaard's average rate difference at equal PSNR): per image, log-rate as a
  piecewise-linear function of PSNR (the piecewise variant of the measure, which needs no
  polynomial fit), its mean difference over the PSNR range both curves cover, exp(·) − 1; then
  the mean over the images both codecs have. Negative: the test codec needs fewer bits.
- **Per-image reading**: each image's curve interpolated at the rate, then the mean, where
  every image's curve reaches it.
- **Landing**: each setting that covers every image, read where it lands (its mean bpp and mean
  PSNR) against each other codec's mean curve at that rate, and image by image at each file's
  own rate (the issue's "or at a preset landing within ±0.01 bpp").
- **MLP margin**: for every (image, rate) of the MLP codec's tables, the test codec's PSNR at
  that rate minus the MLP codec's (the issue's "above inr's own MLP codec at every rate").

The inputs are `inr eval` tables (codec, setting, image, bpp, psnr columns; Tools/classic_codecs.py
writes the same) and Cool-chic's published per-image TSV (seq_name, rate_bpp, psnr_db). The
chart is `inr eval plot` over all of them (the Cool-chic rows converted to its format in a
temporary file).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import tempfile
from collections import defaultdict

from common import INR, ROOT, say

RATES = [0.15, 0.30, 0.60]
SHARED = os.path.join(ROOT, "..", "shared")


def read_table(path: str, rename: str | None = None) -> list[dict]:
    with open(path) as file:
        rows = list(csv.DictReader(file))
    # A table of one setting (an inr eval run at one rate) names its point after the file.
    return [{"codec": rename or r["codec"], "setting": r["setting"] or os.path.basename(path), "image": r["image"], "bpp": float(r["bpp"]), "psnr": float(r["psnr"]),
             "width": int(r["width"]), "height": int(r["height"]), "bytes": int(r["bytes"])}
            for r in rows if r.get("psnr") not in (None, "", "inf") and math.isfinite(float(r["psnr"]))]


def read_coolchic(path: str) -> list[dict]:
    with open(path) as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    name = "Cool-chic " + os.path.basename(path).split("-")[0].removeprefix("v")
    # Kodak's images are 768 × 512 or 512 × 768; the orientation does not matter to a chart.
    return [{"codec": name, "setting": f"lambda={r['lmbda']}", "image": r["seq_name"] + ".png", "bpp": float(r["rate_bpp"]),
             "psnr": float(r["psnr_db"]), "width": int(r["n_pixels"]) // 512, "height": 512,
             "bytes": round(float(r["rate_bpp"]) * int(r["n_pixels"]) / 8)} for r in rows]


def curves(rows: list[dict]) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """codec → image → [(bpp, psnr)] by rising rate."""
    result: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        result[r["codec"]][r["image"]].append((r["bpp"], r["psnr"]))
    return {codec: {image: sorted(points) for image, points in images.items()} for codec, images in result.items()}


def psnr_at(points: list[tuple[float, float]], rate: float) -> float | None:
    for (r0, p0), (r1, p1) in zip(points, points[1:]):
        if r0 <= rate <= r1 and r1 > r0:
            t = (math.log(rate) - math.log(r0)) / (math.log(r1) - math.log(r0))
            return p0 + t * (p1 - p0)
    return None


def log_rate_at(points: list[tuple[float, float]], psnr: float) -> float:
    """log-rate at `psnr` on the curve ordered by PSNR (linear between points)."""
    by_psnr = sorted((p, math.log(r)) for r, p in points)
    for (p0, l0), (p1, l1) in zip(by_psnr, by_psnr[1:]):
        if p0 <= psnr <= p1:
            return l0 if p1 == p0 else l0 + (psnr - p0) / (p1 - p0) * (l1 - l0)
    raise ValueError("outside the curve")


def bd_rate(test: list[tuple[float, float]], anchor: list[tuple[float, float]], samples: int = 200) -> float | None:
    low = max(min(p for _, p in test), min(p for _, p in anchor))
    high = min(max(p for _, p in test), max(p for _, p in anchor))
    if len(test) < 2 or len(anchor) < 2 or high - low < 0.1:
        return None
    difference = 0.0
    for k in range(samples + 1):
        psnr = low + (high - low) * k / samples
        weight = 0.5 if k in (0, samples) else 1.0
        difference += weight * (log_rate_at(test, psnr) - log_rate_at(anchor, psnr))
    return math.exp(difference / samples) - 1


def complete_settings(rows: list[dict], codec: str, wanted: set[str]) -> list[tuple[str, dict[str, tuple[float, float]]]]:
    """(setting, image → (bpp, PSNR)) for each setting of `codec` that covers every image in `wanted`."""
    settings: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for r in rows:
        if r["codec"] == codec and r["image"] in wanted:
            settings[r["setting"]][r["image"]] = (r["bpp"], r["psnr"])
    return sorted((setting, v) for setting, v in settings.items() if len(v) == len(wanted))


def mean_point(points: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """(mean bpp, mean PSNR) over the images of one setting."""
    return sum(b for b, _ in points.values()) / len(points), sum(p for _, p in points.values()) / len(points)


def mean_curve(rows: list[dict], codec: str, wanted: set[str]) -> list[tuple[float, float]]:
    """(mean bpp, mean PSNR) of each setting of `codec` that covers every image in `wanted`."""
    return sorted(mean_point(v) for _, v in complete_settings(rows, codec, wanted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("test", help="the tested codec's table (inr eval format)")
    parser.add_argument("--codec", help="the tested codec's name in its table (default: its only codec)")
    parser.add_argument("--name", default="latent.yaml", help="its name in the output")
    parser.add_argument("--against", default=os.path.join(ROOT, "docs", "results", "classic-kodak.csv"))
    parser.add_argument("--coolchic", default=os.path.join(SHARED, "anchors", "coolchic", "v4.2-image-kodak.tsv"))
    parser.add_argument("--mlp", default=",".join(os.path.join(ROOT, "docs", "results", f"inr-kodak-{r}.csv") for r in ("0.15", "0.3", "0.6")))
    parser.add_argument("--also", action="append", default=[], metavar="TABLE=NAME",
                        help="another inr eval table to set beside the rest under NAME (e.g. an earlier preset's sweep); repeatable")
    parser.add_argument("--chart", help="write the chart (SVG) here")
    parser.add_argument("--complete", action="store_true",
                        help="only the images that have every setting most images have (a sweep still under way)")
    args = parser.parse_args()

    test_rows = read_table(args.test)
    codecs = sorted({r["codec"] for r in test_rows})
    codec = args.codec or (codecs[0] if len(codecs) == 1 else None)
    if codec is None or codec not in codecs:
        raise SystemExit(f"{args.test}: pick one of {codecs} with --codec")
    test_rows = [dict(r, codec=args.name) for r in test_rows if r["codec"] == codec]
    if args.complete:
        # The sweep's settings are those most images have; a setting run on a few images only
        # (an extra λ that reaches an MLP point's rate) is kept for them but required of none.
        per_image = defaultdict(set)
        for r in test_rows:
            per_image[r["image"]].add(r["setting"])
        counts = defaultdict(int)
        for settings in per_image.values():
            for setting in settings:
                counts[setting] += 1
        core = {setting for setting, count in counts.items() if 2 * count > len(per_image)}
        test_rows = [r for r in test_rows if core <= per_image[r["image"]]]
        say(f"--complete: {len({r['image'] for r in test_rows})} images have all {len(core)} settings of the sweep"
            + (f"; on fewer images only (kept for them, required of none): {', '.join(sorted(set(counts) - core))}" if set(counts) - core else ""))
    rows = list(test_rows)
    if args.against:
        rows += read_table(args.against)
    if args.coolchic and os.path.exists(args.coolchic):
        rows += read_coolchic(args.coolchic)
    for also in args.also:
        path, separator, name = also.partition("=")
        if not separator or not name:
            raise SystemExit(f"--also {also}: give TABLE=NAME")
        if name in {r["codec"] for r in rows} | {args.name}:
            raise SystemExit(f"--also {also}: {name} is already a codec of this reading; give another NAME")
        table = read_table(path)
        if len({r["codec"] for r in table}) > 1:
            raise SystemExit(f"--also {also}: {path} holds more than one codec; give a table of one")
        rows += [dict(r, codec=name) for r in table]
    mlp_rows = [r for path in args.mlp.split(",") if path and os.path.exists(path) for r in read_table(path, rename="inr MLP (mlp.yaml)")]
    rows += mlp_rows
    all_curves = curves(rows)
    test = all_curves[args.name]
    wanted = set(test)

    say(f"{args.name}: {len(test_rows)} files over {len(wanted)} images")
    say("| codec | " + " | ".join(f"PSNR at {r:.2f} bpp" for r in RATES) + f" | BD-rate of {args.name} against it (images) |")
    say("|---|" + "---|" * (len(RATES) + 1))
    for name, images in all_curves.items():
        curve = mean_curve(rows, name, wanted)
        cells = [f"{v:.2f}" if (v := psnr_at(curve, r)) is not None else "—" for r in RATES]
        if name == args.name:
            bd = "—"
        else:
            values = [v for v in (bd_rate(test[i], images[i]) for i in wanted if i in images) if v is not None]
            bd = f"{100 * sum(values) / len(values):+.1f}% ({len(values)})" if values else "—"
        say(f"| {name} | " + " | ".join(cells) + f" | {bd} |")

    # The other reading of "mean PSNR at a rate": each image's own curve interpolated at it, then
    # the mean (defined where every image's curve reaches the rate).
    for rate in RATES:
        cells = []
        for name, images in all_curves.items():
            values = [psnr_at(images[i], rate) for i in wanted if i in images]
            if len(values) == len(wanted) and all(v is not None for v in values):
                cells.append(f"{name} {sum(values) / len(values):.2f}")
        if cells:
            say(f"mean of per-image PSNR at {rate:.2f} bpp (each image's curve interpolated): " + ", ".join(cells))

    # A preset read where it lands (the "or at a preset landing within ±0.01 bpp"): each
    # setting of the test codec that covers every image, its mean rate and mean PSNR, against
    # each other codec's mean curve at that mean rate, and image by image at each file's own rate.
    for setting, landing in complete_settings(test_rows, args.name, wanted):
        mean_bpp, mean_psnr = mean_point(landing)
        near = [r for r in RATES if abs(mean_bpp - r) <= 0.01]
        say(f"{args.name} at {setting}: mean {mean_bpp:.4f} bpp, {mean_psnr:.3f} dB"
            + (f" (lands within ±0.01 bpp of {near[0]:.2f})" if near else ""))
        for name, images in all_curves.items():
            if name == args.name:
                continue
            curve_psnr = psnr_at(mean_curve(rows, name, wanted), mean_bpp)
            differences = [p - v for i, (b, p) in landing.items() if i in images and (v := psnr_at(images[i], b)) is not None]
            cells = [f"mean curve at {mean_bpp:.4f} bpp: {curve_psnr:.3f} dB ({mean_psnr - curve_psnr:+.3f})" if curve_psnr is not None else "mean curve: —"]
            if differences:
                outside = len(landing) - len(differences)
                cells.append(f"image by image at each file's rate: {sum(differences) / len(differences):+.3f} dB mean, "
                             f"{sum(d > 0 for d in differences)} of {len(differences)} ahead"
                             + (f" ({outside} outside its curve)" if outside else ""))
            say(f"  against {name}: " + "; ".join(cells))

    if mlp_rows:
        margins = []
        for r in mlp_rows:
            if r["image"] in test:
                ours = psnr_at(test[r["image"]], r["bpp"])
                margins.append((ours - r["psnr"]) if ours is not None else None)
        inside = [m for m in margins if m is not None]
        say(f"margin over the MLP codec at its {len(margins)} (image, rate) points: " +
            (f"{len(inside)} inside {args.name}'s range, min {min(inside):+.2f} dB, mean {sum(inside) / len(inside):+.2f} dB, "
             f"{sum(m <= 0 for m in inside)} at or below" if inside else "none inside its range"))

    if args.chart:
        binary = os.environ.get("INR_BINARY", INR)
        with tempfile.TemporaryDirectory() as folder:
            tables = []
            for name in all_curves:
                path = os.path.join(folder, f"{len(tables)}.csv")
                with open(path, "w", newline="") as file:
                    writer = csv.writer(file)
                    writer.writerow(["codec", "setting", "image", "width", "height", "bytes", "bpp", "psnr", "msssim", "encode_seconds", "decode_seconds"])
                    for r in rows:
                        if r["codec"] == name:
                            writer.writerow([r["codec"], r["setting"], r["image"], r["width"], r["height"], r["bytes"], r["bpp"], r["psnr"], "", "", ""])
                tables.append(path)
            subprocess.run([binary, "eval", "plot", *tables, "--output", args.chart, "--title", f"Kodak: {args.name} against published and classic codecs"],
                           check=True, stdout=subprocess.DEVNULL)
        say(f"wrote {args.chart}")


if __name__ == "__main__":
    main()
