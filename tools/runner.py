"""Execute notebooks headless and summarise what they recorded (``make run``).

    python -m tools.runner notebooks/*.ipynb            # one after another
    python -m tools.runner --jobs 2 notebooks/*.ipynb   # two at a time (make run)

Writes ``build/executed/<name>.ipynb`` for each notebook, shows a progress
bar over its cells, prints a table of every notebook's recorded numbers and
where the time went (the slowest cells of each notebook, also written to
``build/timing.json``), and exits non-zero naming the notebook and cell that failed.

With ``--jobs N`` each notebook runs in a process of its own, N at a time, the
longest first (by the previous run's ``build/timing.json``, else our reference
runs). Why it pays on 2 cores: a notebook keeps them busy only part of the time
(small models, tracing, one-threaded NumPy and scikit-learn), so a second one fills
the gaps. Timings printed inside a notebook then include sharing the CPU.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from helpers.course import report

CELL_TIMEOUT_S = 3600


def execute(path: Path, out_dir: Path, progress: bool = True) -> tuple[float, list]:
    """Run one notebook top to bottom in its own folder; returns (seconds taken, cell_seconds)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from tqdm import tqdm

    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    bar = tqdm(total=len(code_cells), desc=path.stem, unit="cell", file=sys.stdout, leave=True, disable=not progress)
    done = []

    def cell_done(cell, cell_index, execute_reply):
        done.append(cell_index)
        bar.update(1)
        if not progress:  # a child of --jobs: its log says how far it got (see last_cell)
            print(f"cell {len(done)}/{len(code_cells)}", flush=True)

    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}}, on_cell_executed=cell_done,
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


def seconds_in_cells(timing_path: Path) -> dict[str, float]:
    """{notebook: seconds in its cells} from a timing.json that a run wrote."""
    rows = json.loads(timing_path.read_text())
    return {name: sum(cell["seconds"] for cell in cells) for name, cells in rows.items()}


def expected_seconds(paths: list[Path], timing_path: Path) -> dict[str, float]:
    """How long each notebook took before: the previous run's timing.json, else our reference
    runs (reference/cpu/); a notebook found in neither is expected to be the longest."""
    known: dict[str, float] = {}
    reference = report.ROOT / "reference" / "cpu"
    for path in paths:
        recorded = reference / f"{path.stem}.json"
        if recorded.exists():
            known[path.stem] = float(json.loads(recorded.read_text()).get("wall_time_s", 0.0))
    if timing_path.exists():
        known.update(seconds_in_cells(timing_path))
    return {p.stem: known.get(p.stem, float("inf")) for p in paths}


def longest_first(paths: list[Path], seconds: dict[str, float]) -> list[Path]:
    """The order that keeps N workers busy to the end: longest expected first (ties: as given)."""
    return sorted(paths, key=lambda p: -seconds[p.stem])


STATUS_EVERY_S = 60


def last_cell(log_path: Path) -> str:
    """'cell 7/26' from a child's log: how far its notebook has got."""
    lines = [line for line in log_path.read_text().splitlines() if line.startswith("cell ")] if log_path.exists() else []
    return lines[-1] if lines else "starting"


def run_in_parallel(paths: list[Path], out_dir: Path, jobs: int, timing_path: Path) -> dict | None:
    """Run the notebooks `jobs` at a time, each in a child process (this module, one notebook,
    no progress bar, its output in out_dir/<name>.log). Returns their cell timings, or None
    after a failure: then the others still running are stopped, and none is started."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    waiting = longest_first(paths, expected_seconds(paths, timing_path))
    running: dict[str, tuple[subprocess.Popen, Path, float]] = {}
    timings: dict[str, list] = {}
    failed = None
    print(f"{len(paths)} notebooks, {jobs} at a time, longest first; each one's output in {out_dir}/<name>.log",
          flush=True)
    began_all, last_status = time.perf_counter(), time.perf_counter()
    while (waiting or running) and failed is None:
        while waiting and len(running) < jobs:
            path = waiting.pop(0)
            with open(out_dir / f"{path.stem}.log", "w") as child_log:  # the child keeps its own handle
                child = subprocess.Popen([sys.executable, "-m", "tools.runner", "--one", str(path), "--out", str(out_dir)],
                                         stdout=child_log, stderr=subprocess.STDOUT, cwd=report.ROOT)
            running[path.stem] = (child, path, time.perf_counter())
            beside = [n for n in running if n != path.stem]
            print(f"  started {path.stem}" + (f" (beside {', '.join(beside)})" if beside else ""), flush=True)
        time.sleep(1.0)
        if time.perf_counter() - last_status >= STATUS_EVERY_S:
            last_status = time.perf_counter()
            print(f"  ... {(last_status - began_all) / 60:.0f} min: "
                  + ", ".join(f"{name} {last_cell(out_dir / f'{name}.log')}" for name in running), flush=True)
        for name, (child, path, began) in list(running.items()):
            if child.poll() is None:
                continue
            del running[name]
            if child.returncode != 0:
                failed = path
                break
            timings[name] = cell_seconds(nbformat.read(out_dir / path.name, as_version=4))
            print(f"  {path.name}: {time.perf_counter() - began:.0f} s", flush=True)
    if failed is None:
        return timings
    for child, _, _ in running.values():
        child.send_signal(signal.SIGTERM)  # the child shuts its kernel down on the way out
    for child, _, _ in running.values():
        child.wait()
    log = (out_dir / f"{failed.stem}.log").read_text()
    print(log[log.rfind("FAILED: "):].strip() if "FAILED: " in log else log.strip()[-2000:], file=sys.stderr)
    print(f"The partly executed notebook is in {out_dir / failed.name}; its output in {out_dir / failed.stem}.log."
          + (f" Stopped: {', '.join(running)}." if running else ""), file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=report.build_dir() / "executed")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at the same time (default 1: in order)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a child of --jobs: one notebook, no bar
    args = parser.parse_args(argv)
    if args.one:
        return run_one(args.one, args.out)
    if not args.notebooks:
        parser.error("name at least one notebook")
    if args.jobs < 1:
        parser.error(f"--jobs must be 1 or more, got {args.jobs}")

    timing_path = args.out.parent / "timing.json"
    if args.jobs > 1:
        timings = run_in_parallel(args.notebooks, args.out, args.jobs, timing_path)
        if timings is None:
            return 1
        timings = {p.stem: timings[p.stem] for p in args.notebooks}  # back in the given order
    else:
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
    timing_path.write_text(json.dumps({nb: [{"seconds": s, "cell": i, "source": src} for s, i, src in rows]
                                       for nb, rows in timings.items()}, indent=1) + "\n")
    return 0


def run_one(path: Path, out_dir: Path) -> int:
    """A child of --jobs: one notebook, no progress bar; SIGTERM ends it through the same
    clean-up as an error, so its kernel is shut down too."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        seconds, _ = execute(path, out_dir, progress=False)
    except NotebookFailed as failure:
        print(failure, file=sys.stderr)  # starts with "FAILED: ", which the parent looks for
        return 1
    print(f"{path.name}: {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
