"""Execute notebooks headless and summarise what they recorded (``make run``).

    python -m helpers.runner notebooks/*.ipynb

Writes ``build/executed/<name>.ipynb`` for each notebook, shows a progress
bar over its cells, prints a table of every notebook's recorded numbers and
where the time went (the slowest cells of each notebook, also written to
``build/timing.json``), and exits non-zero naming the notebook and cell that failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from . import report

CELL_TIMEOUT_S = 3600


def execute(path: Path, out_dir: Path) -> float:
    """Run one notebook top to bottom in its own folder; returns seconds taken."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from tqdm import tqdm

    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    bar = tqdm(total=len(code_cells), desc=path.stem, unit="cell", file=sys.stdout, leave=True)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=lambda cell, cell_index, execute_reply: bar.update(1),
    )
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / f"{path.stem}.kernel.log"
    try:
        # The kernel's own stderr (TensorFlow's C++ start-up lines) goes to a log
        # file so that the progress bars stay readable.
        with open(log_path, "w") as log:
            client.execute(stderr=log)
    except CellExecutionError as exc:
        index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        raise NotebookFailed(path, index, nb, exc) from None
    finally:
        bar.close()
        nbformat.write(nb, out_dir / path.name)
    return time.perf_counter() - started, cell_seconds(nb)


class NotebookFailed(RuntimeError):
    def __init__(self, path: Path, index: int | None, nb, exc: Exception):
        where = f"cell {index} (the {ordinal(index, nb)} code cell)" if index is not None else "a cell"
        source = nb.cells[index].source.strip().splitlines()[:6] if index is not None else []
        error = str(exc).strip().splitlines()
        message = [f"FAILED: {path}, {where}:"]
        message += ["    " + line for line in source]
        message += ["  " + (error[-1] if error else repr(exc))]
        super().__init__("\n".join(message))


def ordinal(index: int, nb) -> str:
    n = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def cell_seconds(nb) -> list[tuple[float, int, str]]:
    """(seconds, cell index, first line) for every executed code cell, from the timings nbclient records."""
    rows = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            began, ended = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                            for k in ("iopub.execute_input", "shell.execute_reply"))
            rows.append(((ended - began).total_seconds(), index, (cell.source.strip().splitlines() or [""])[0][:70]))
    return rows


def slowest_cells(timings: dict[str, list[tuple[float, int, str]]], n: int = 5) -> str:
    """Each notebook's total and its ``n`` slowest cells, slowest first."""
    lines = []
    for notebook, rows in timings.items():
        lines.append(f"{notebook}: {sum(r[0] for r in rows):.0f} s in its cells")
        lines += [f"    {seconds:7.1f} s  cell {index:>2}  {first}" for seconds, index, first in sorted(rows, reverse=True)[:n]]
    return "\n".join(lines)


def summary_table(records: list[dict]) -> str:
    """Plain-text table: one block per notebook, its numbers one per line."""
    lines = []
    for rec in records:
        sources = rec.get("sources", {})
        used = ", ".join(f"{s['name']}={s['kind']}" for s in sources.values()) or "-"
        lines.append(
            f"{rec['notebook']}  [profile {rec['profile']}, {rec['wall_time_s']:.0f} s, {used}]"
            + ("" if rec.get("all_sources_real", True) else "  (stand-in: not comparable with the course)")
        )
        for key, value in report.flatten(rec.get("numbers", {})).items():
            lines.append(f"    {key:<44} {report.format_value(value)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=report.build_dir() / "executed")
    args = parser.parse_args(argv)

    timings = {}
    for path in args.notebooks:
        try:
            seconds, timings[path.stem] = execute(path, args.out)
        except NotebookFailed as failure:
            print(failure, file=sys.stderr)
            print(f"The partly executed notebook is in {args.out / path.name}.", file=sys.stderr)
            return 1
        print(f"  {path.name}: {seconds:.0f} s")

    names = {p.stem for p in args.notebooks}
    records = [r for r in report.load_all() if r["notebook"] in names]
    print(f"\nSummary of recorded numbers ({report.build_dir() / 'metrics'})\n")
    print(summary_table(records))
    print("\nWhere the time went (the five slowest cells of each notebook)\n")
    print(slowest_cells(timings))
    timing_path = args.out.parent / "timing.json"
    timing_path.write_text(json.dumps({nb: [{"seconds": s, "cell": i, "source": src} for s, i, src in rows]
                                       for nb, rows in timings.items()}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
