"""Two `make run`s side by side: seconds in each notebook's cells, before and after.

    python tools/benchmarks/compare_make_run.py BEFORE/build/timing.json AFTER/build/timing.json \
        [--wall BEFORE_SECONDS AFTER_SECONDS]

Each timing.json is what `make run` writes (tools/runner.py): every code cell's seconds, per
notebook. `--wall` adds the whole command's wall time (set-up, notebooks, figures, reader), as
`/usr/bin/time` measured it. Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.runner import seconds_in_cells


def table(before: dict[str, float], after: dict[str, float], wall: tuple[float, float] | None = None) -> str:
    lines = ["| notebook | before (s) | after (s) | after / before |", "|---|---:|---:|---:|"]
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        shown = [f"{s:.0f}" if s is not None else "-" for s in (b, a)]
        ratio = f"{a / b:.2f}" if a is not None and b else "-"
        lines.append(f"| {name} | {shown[0]} | {shown[1]} | {ratio} |")
    total_b, total_a = sum(before.values()), sum(after.values())
    lines.append(f"| all cells, added up | {total_b:.0f} | {total_a:.0f} | {total_a / total_b:.2f} |")
    if wall:
        lines.append(f"| `make run`, wall clock | {wall[0]:.0f} ({wall[0] / 60:.1f} min) | "
                     f"{wall[1]:.0f} ({wall[1] / 60:.1f} min) | {wall[1] / wall[0]:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--wall", type=float, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    print(table(seconds_in_cells(args.before), seconds_in_cells(args.after), args.wall))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
