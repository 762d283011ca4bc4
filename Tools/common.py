"""Shared helpers of the Tools/ scripts: paths, building inr, running it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INR = os.path.join(ROOT, ".build", "release", "inr")
VENV_PYTHON = os.path.join(ROOT, "Tools", ".venv", "bin", "python")
SHARED_MEDIA = os.environ.get("INR_SHARED_MEDIA", os.path.join(ROOT, "..", "shared", "media"))


def build_inr() -> None:
    """Builds the release binary (a no-op when it is up to date)."""
    subprocess.run(["swift", "build", "-c", "release", "--product", "inr"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def reference_python() -> str:
    """The Python of Tools/.venv, created by Tools/setup-reference.sh if missing."""
    if not os.path.exists(VENV_PYTHON):
        subprocess.run([os.path.join(ROOT, "Tools", "setup-reference.sh")], check=True)
    return VENV_PYTHON


def run_json(command: list[str]) -> dict:
    """Runs a command that prints one JSON object as its last line of output."""
    result = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def fit(config: str, image: str, output_folder: str, steps: int | None = None, seed: int | None = None,
        time_limit: float | None = None) -> dict:
    """Runs `inr fit` and returns its metrics report."""
    stem = os.path.join(output_folder, os.path.splitext(os.path.basename(config))[0] + f"-{seed}")
    command = [INR, "fit", config, "--input", image, "--output", stem + ".png", "--metrics", stem + ".json"]
    if steps is not None:
        command += ["--steps", str(steps)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if time_limit is not None:
        command += ["--time-limit", str(time_limit)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(stem + ".json") as file:
        return json.load(file)


def compress_report(binary: str, config: str, image: str, arguments: list[str]) -> dict:
    """Runs `inr compress CONFIG --input IMAGE ARGUMENTS` into a temporary folder (quietly) and
    returns its --metrics report."""
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        metrics = os.path.join(folder, "m.json")
        subprocess.run([binary, "compress", config, "--input", image, "--output", os.path.join(folder, "x.inr"), "--metrics", metrics]
                       + arguments, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(metrics) as file:
            return json.load(file)


def append_row(path: str, fields: list[str], row: dict) -> None:
    """Appends `row` to the CSV at `path`, writing the header first when the file is new."""
    import csv
    new = not os.path.exists(path)
    with open(path, "a", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        if new:
            writer.writeheader()
        writer.writerow(row)


def timed(command: list[str]) -> float:
    """Runs a command quietly (failing on a non-zero status) and returns its wall-clock seconds."""
    import time
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def say(text: str = "") -> None:
    print(text, flush=True)
    sys.stdout.flush()


def read_results(*paths: str) -> list[dict]:
    """Rows of `inr eval` result files (CSV: codec, setting, image, bytes, bpp, psnr, ...)."""
    import csv
    rows: list[dict] = []
    for path in paths:
        with open(path) as file:
            rows += list(csv.DictReader(file))
    return rows


def group_results(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """Rows by (codec, setting), in order of first appearance: the points of a chart."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["codec"], row["setting"]), []).append(row)
    return groups


def mean(rows: list[dict], key: str) -> float | None:
    """Mean of a numeric column over rows; None if any row leaves it empty."""
    values = [row[key] for row in rows]
    if not values or any(v == "" for v in values):
        return None
    return sum(float(v) for v in values) / len(values)
