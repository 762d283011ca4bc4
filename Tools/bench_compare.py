#!/usr/bin/env python3
"""Training-step times of two inr builds, interleaved in one run: is a change within noise?

    python3 Tools/bench_compare.py BEFORE_INR [AFTER_INR] [--rounds 5] [--steps 5] [--image PATH]

BEFORE_INR is an `inr` binary built from the revision to compare against (e.g. from a
`git worktree add /tmp/before REV` and `swift build -c release --product inr` there); AFTER_INR
defaults to this checkout's `.build/release/inr`. Each round runs `inr bench --json` (cases a, b,
c of docs/performance.md) with the one binary and then the other, so load on the machine hits
both alike; the table gives each case's median over the rounds, the range, and after/before.
"""

from __future__ import annotations

import argparse
import os
import statistics

from common import INR, SHARED_MEDIA, run_json, say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default=INR)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=5, help="timed steps per case and run")
    parser.add_argument("--image", default=os.path.join(SHARED_MEDIA, "kodak", "kodim23.png"))
    arguments = parser.parse_args()

    times: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
    for round_index in range(arguments.rounds):
        for label in ("before", "after") if round_index % 2 == 0 else ("after", "before"):
            binary = getattr(arguments, label)
            result = run_json([binary, "bench", "--json", "--image", arguments.image, "--steps", str(arguments.steps)])
            for case, value in result.items():
                if case != "threads":
                    times[label].setdefault(case, []).append(value)
        say(f"round {round_index + 1}/{arguments.rounds} done")
    say()
    say("| case | before ms/step (median, range) | after ms/step (median, range) | after / before |")
    say("|---|---|---|---|")
    for case in sorted(times["before"]):
        before, after = times["before"][case], times["after"][case]
        ratio = statistics.median(after) / statistics.median(before)
        say(f"| {case} | {statistics.median(before):.1f} ({min(before):.1f}–{max(before):.1f}) "
            f"| {statistics.median(after):.1f} ({min(after):.1f}–{max(after):.1f}) | {ratio:.3f} |")


if __name__ == "__main__":
    main()
