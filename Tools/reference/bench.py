#!/usr/bin/env python3
"""Times one training step of three fixed cases in PyTorch eager (CPU), for comparison with inr.

The cases run the code of inr_reference.py (the same Fitter.step inr's semantics are
checked with), on a whole image:

  a  positional encoding, L = 16, base 2, no raw input (64 features) → 3 × 64 sine (ω0 30)
     → 3, full batch;
  b  COIN's SIREN: raw (x, y) → 10 × 28 sine (ω0 30) → 3, full batch;
  c  SAPE, spatial progression, 256 frequencies with σ 20 (128 × 128 controller grid)
     → 3 × 256 ReLU → 3, on a random 25% of the pixels each step, for a 1000-step fit
     (the step includes the mask evaluation, the controller's per-step loss scatter and, as
     1000 steps / (2·256 blocks) rounds down to a period of 1, a controller update).

Each case: one warm-up step, then the median of `--repeats` (≥ 3) timed steps, in ms.

    python Tools/reference/bench.py [--image PATH] [--cases abc] [--threads 2] [--repeats 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inr_reference as ref  # noqa: E402  (after the path set-up)

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_IMAGE = os.path.join(REPOSITORY, "..", "shared", "media", "kodak", "kodim23.png")

# The cases as inr configs (keys left out take inr's defaults).
CASES: dict[str, dict] = {
    "a": {
        "encoding": {"type": "positional", "frequencies": 16, "base": 2.0, "includeInput": False},
        "network": {"hiddenLayers": 3, "width": 64, "activation": "sine", "omega0": 30},
        "training": {"steps": 1000, "batch": {"type": "full"}},
    },
    "b": {
        "encoding": {"type": "raw"},
        "network": {"hiddenLayers": 10, "width": 28, "activation": "sine", "omega0": 30},
        "training": {"steps": 1000, "learningRate": 2.0e-4, "batch": {"type": "full"}},
    },
    "c": {
        "encoding": {"type": "sape", "features": 256, "sigma": 20, "progression": "spatial",
                     "gridResolution": 128, "epsilon": 1.0e-3},
        "network": {"hiddenLayers": 3, "width": 256, "activation": "relu"},
        "training": {"steps": 1000, "batch": {"type": "random", "fraction": 0.25}},
    },
}

DESCRIPTIONS = {
    "a": "positional L=16 (64 features) -> 3x64 sine -> 3, full batch",
    "b": "COIN SIREN raw -> 10x28 sine -> 3, full batch",
    "c": "SAPE spatial 256 freq -> 3x256 ReLU -> 3, random 25% batch",
}


def time_case(name: str, image: ref.Image, repeats: int) -> float:
    """Median milliseconds of one training step of case `name`, after one warm-up step."""
    fitter = ref.Fitter(ref.parse_config(CASES[name]), image)
    fitter.step()  # warm-up: allocations, first-touch, lazy initialisation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fitter.step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time one PyTorch training step of the inr benchmark cases.")
    parser.add_argument("--image", default=DEFAULT_IMAGE, help="image (default: ../shared/media/kodak/kodim23.png)")
    parser.add_argument("--cases", default="abc", help="which cases to run, e.g. 'ac' (default abc)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed steps per case, at least 3 (default 3)")
    parser.add_argument("--json", action="store_true", help='print {"a": ms, "b": ms, "c": ms}')
    args = parser.parse_args(argv)

    cases = [c for c in dict.fromkeys(args.cases)]
    unknown = [c for c in cases if c not in CASES]
    if unknown or not cases:
        print(f"error: unknown case(s) {''.join(unknown)!r}; choose from {''.join(CASES)}", file=sys.stderr)
        return 2
    if args.repeats < 3:
        print("error: --repeats must be at least 3", file=sys.stderr)
        return 2

    ref.set_threads(args.threads)
    # Speed needs no shared random streams, and replaying inr's batch shuffle in pure Python
    # would add its cost to PyTorch's steps: use torch's generators.
    ref.RANDOM_SOURCE = "torch"
    image = ref.load_image(args.image)
    results = {}
    for name in cases:
        results[name] = time_case(name, image, args.repeats)
        if not args.json:
            print(f"{name}  {results[name]:10.1f} ms/step   {DESCRIPTIONS[name]}")
    if args.json:
        print(json.dumps({name: round(ms, 3) for name, ms in results.items()}))
    else:
        print(f"({image.width}x{image.height}, {image.channels} channels, {args.threads} threads, "
              f"median of {args.repeats} steps after 1 warm-up; torch {ref.torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
