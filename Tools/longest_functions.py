#!/usr/bin/env python3
"""The longest Swift functions of a checkout, as a newcomer meets them.

    python3 Tools/longest_functions.py [ROOT] [--top 10]

Counts each `func` or `init` in ROOT/Sources (default: this checkout) from its declaration line
to the brace that closes its body, signatures spanning several lines and closures inside
included, and prints the longest first. docs/architecture.md quotes its table before and after
the reshape of issue 11.
"""

from __future__ import annotations

import argparse
import os
import re

DECLARATION = re.compile(
    r"\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|static|mutating|override|final|convenience)\s+)*"
    r"(func\s+\w+|init\??)\b")
STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def functions(root: str) -> list[tuple[int, str, int, str]]:
    found = []
    for folder, _, files in os.walk(os.path.join(root, "Sources")):
        for name in files:
            if not name.endswith(".swift"):
                continue
            path = os.path.join(folder, name)
            with open(path) as file:
                lines = file.read().split("\n")
            for start, line in enumerate(lines):
                match = DECLARATION.match(line)
                if not match:
                    continue
                depth, opened = 0, False
                for end in range(start, len(lines)):
                    text = STRING.sub('""', lines[end])
                    depth += text.count("{") - text.count("}")
                    # A default closure in the signature (`= { false }`) opens and closes on its
                    # line; the body starts where a line ends with a brace left open.
                    opened = opened or depth > 0
                    if opened and depth <= 0:
                        break
                if opened:
                    found.append((end - start + 1, os.path.relpath(path, root), start + 1, match.group(1)))
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--top", type=int, default=10)
    arguments = parser.parse_args()
    for length, path, line, name in functions(arguments.root)[: arguments.top]:
        print(f"{length:4d} {path}:{line} {name}")


if __name__ == "__main__":
    main()
