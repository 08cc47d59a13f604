"""A rehearsal: a notebook's code paths under any profile, in minutes, before a long run.

    ACV_REHEARSAL=1 ACV_PROFILE=full make run        # or: make rehearse
    make rehearse DATA=DIR    # every notebook, on the stand-ins and on DIR side by side (run)

Modelled on PyTorch Lightning's ``fast_dev_run``. Under a rehearsal a notebook
keeps its profile's exact image sizes, models, layer cuts, batch sizes,
optimizers, losses and data-loading code, and every loop over settings still
visits every setting, but:

- every data-size setting (``n_train``, ``n_test``, ``probe_n_train``, ...; see
  ``capped``) is cut to one batch, as ``fast_dev_run`` does: a shape or a layer
  name that fails, fails on the first batch, and the full profile's batches at
  224 px are what a rehearsal on two CPU cores spends its time on;
- loops over repetitions of the same setting (``seeds``) keep their first value
  only; loops over settings (factors, splits, depths, data sizes) keep them all;
- every ``fit`` runs one epoch (``initial_epoch + 1``): one step, as each data set
  holds one batch;
- the checks print "rehearsal: not checked", and the record says
  ``"rehearsal": true`` (``make rehearse`` writes it to its own folder), so no
  rehearsal number is ever taken for a result.

``peak_memory_mb`` reports the process's peak resident memory, which each
rehearsal records.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

ENV_VAR = "ACV_REHEARSAL"
BATCHES = 1            # a data set holds this many batches under a rehearsal
PER_CLASS = 8          # images per class, for settings counted per class
SIMULATION_POINTS = 4  # anchor centres in notebook 07's simulation (343 cases each)


def active() -> bool:
    """True when ``$ACV_REHEARSAL`` asks for a rehearsal."""
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "true", "yes"}


def _is_size(key: str) -> bool:
    """n_train, n_val, n_test, n_eval, res_n_train, probe_n_test, comparison_n_train, n_per_class, n_points."""
    return key.startswith("n_") or "_n_" in key


def capped(values: dict[str, Any]) -> dict[str, Any]:
    """A profile's settings with every data size cut to ``BATCHES`` batches (None, "all", is cut too)
    and only the first seed: seeds repeat a setting, they do not add a code path."""
    batch = int(values.get("batch_size") or 32)
    out = dict(values)
    for key, value in values.items():
        if key == "n_per_class":
            limit = PER_CLASS
        elif key == "n_points":
            limit = SIMULATION_POINTS
        elif _is_size(key):
            limit = BATCHES * batch
        elif key == "seeds":
            out[key] = tuple(value)[:1]
            continue
        elif key == "little_data":  # images per class, one run per size: keep every size, each small
            out[key] = tuple(sorted({min(int(size), PER_CLASS + k) for k, size in enumerate(value)}))
            continue
        else:
            continue
        out[key] = limit if value is None else min(int(value), limit)
    return out


def _rehearsal_fit(original):
    def fit(self, *args, epochs=1, initial_epoch=0, **kwargs):
        return original(self, *args, epochs=initial_epoch + 1, initial_epoch=initial_epoch, **kwargs)

    fit.__doc__ = original.__doc__
    fit._rehearsal = True
    return fit


def install() -> None:
    """Make every ``keras.Model.fit`` in this process run one epoch (idempotent)."""
    import keras

    if not getattr(keras.Model.fit, "_rehearsal", False):
        keras.Model.fit = _rehearsal_fit(keras.Model.fit)


def peak_memory_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# What each notebook holds in memory at its full size, beyond a rehearsal's: (what, examples,
# bytes per example), from the full profile's settings and the data sets' published sizes.
# A projection, not a measurement: rehearsal peak + these arrays at full size.
FLOAT32, UINT8 = 4, 1
FULL_DATA: dict[str, list[tuple[str, int, int]]] = {
    "00_setup_check": [],
    "01_feature_extraction": [("cached mixed7 features, 150 px (7 x 7 x 768 float32), PetImages' ~25,000 images",
                               25_000, 7 * 7 * 768 * FLOAT32)],
    "02_fine_tuning": [],  # 3,000 files streamed from disk by tf.data
    "03_cifar10_resnet50_upsampling": [("CIFAR-10 images (uint8) and their preprocessed float32 copies", 60_000,
                                        32 * 32 * 3 * (UINT8 + FLOAT32)),
                                       ("linear-probe images (float32) and features (1,280 float32)", 12_000,
                                        32 * 32 * 3 * FLOAT32 + 1280 * FLOAT32)],
    "04_object_localization": [("75 x 75 canvases (uint8), train and test", 70_000, 75 * 75 * UINT8)],
    "05_bird_boxes": [("bird photos at 224 px (uint8), train and test", 6_033, 224 * 224 * 3 * UINT8),
                      ("mirrored training copies (uint8)", 3_000, 224 * 224 * 3 * UINT8),
                      ("frozen features (7 x 7 x 1,280 float32): mirrored train, validation, 500 test", 6_500,
                       7 * 7 * 1280 * FLOAT32)],
    "06_transferability": [("CIFAR-10 images (uint8) and per-task copies", 120_000, 32 * 32 * 3 * UINT8)],
    "07_iou_losses_at_scale": [("regression cases: anchors, targets, five final box sets, errors (float32)",
                                1_715_000, 4 * FLOAT32 * 9)],
}
FIT_GIB = 12  # Colab's RAM


def projected_mb(notebook: str, peak_mb: float) -> float:
    """A full run's memory: this rehearsal's peak plus the arrays ``FULL_DATA`` lists at full size."""
    if notebook not in FULL_DATA:
        raise ValueError(f"no full-size projection for {notebook}; known: {', '.join(FULL_DATA)}")
    return peak_mb + sum(count * size for _, count, size in FULL_DATA[notebook]) / 2**20


def summary(metrics: Path) -> str:
    """A markdown table of the rehearsals recorded in ``metrics``: seconds, peak and projected memory."""
    import json

    rows = ["| notebook | rehearsal (s) | peak memory (MB) | projected for `full` (MB) | fits 12 GiB |",
            "|---|---|---|---|---|"]
    for path in sorted(Path(metrics).glob("*.json")):
        record = json.loads(path.read_text())
        if not record.get("rehearsal"):
            continue
        projected = projected_mb(record["notebook"], record["peak_memory_mb"])
        rows.append(f"| {record['notebook']} | {record['wall_time_s']:.0f} | {record['peak_memory_mb']:,.0f} | "
                    f"{projected:,.0f} | {'yes' if projected <= FIT_GIB * 1024 else 'NO'} |")
    return "\n".join(rows)


NBVAL = ["-m", "pytest", "--nbval-lax", "--nbval-cell-timeout=600", "-p", "no:cacheprovider"]


def passes(data: Path | None, build: Path = Path("build")) -> dict[str, dict[str, str]]:
    """``make rehearse``'s passes: name -> environment. The stand-ins always; ``data`` where it exists."""
    common = {ENV_VAR: "1", "ACV_PROFILE": "full", "ACV_OFFLINE": "1"}
    out = {"stand-ins": {**common, "ACV_BUILD_DIR": str(build / "rehearsal"), "ACV_DATA_DIR": ""}}
    if data is not None and Path(data).is_dir():
        out[f"data in {data}"] = {**common, "ACV_BUILD_DIR": str(build / "rehearsal-real"),
                                  "ACV_DATA_DIR": str(Path(data).resolve())}
    return out


def run(notebooks: list[str], data: Path | None, build: Path = Path("build")) -> int:
    """Every pass of ``passes`` under nbval, side by side; then each pass's result and its table.

    The passes run at the same time: a rehearsal spends much of its time tracing each new
    model's step in one Python thread, so on two cores one pass traces while the other computes.
    """
    import subprocess
    import sys
    import time

    started = time.perf_counter()
    running = {}
    for name, env in passes(data, build).items():
        Path(env["ACV_BUILD_DIR"]).mkdir(parents=True, exist_ok=True)
        log = Path(env["ACV_BUILD_DIR"]) / "nbval.log"
        environment = {**os.environ, **env}
        if not env["ACV_DATA_DIR"]:
            environment.pop("ACV_DATA_DIR")  # the stand-ins: no data folder at all
        with log.open("w") as out:  # the child keeps its own copy of the file descriptor
            running[name] = (subprocess.Popen([sys.executable, *NBVAL, *notebooks], env=environment,
                                              stdout=out, stderr=subprocess.STDOUT), log, env)
    worst = 0
    for name, (process, log, env) in running.items():
        code = process.wait()
        lines = log.read_text().splitlines()
        outcome = next((line.strip("= ") for line in reversed(lines)
                        if line.startswith("=") and (" passed" in line or " failed" in line)), "no result")
        print(f"rehearsal on the {name}: {outcome} (log: {log})")
        if code:
            print("\n".join(line for line in lines if line.startswith(("FAILED", "ERROR"))))
        table = summary(Path(env["ACV_BUILD_DIR"]) / "metrics")
        print(table)
        worst = max(worst, code, int("| NO |" in table))
    if data is not None and not Path(data).is_dir():
        print(f"no data folder at {data}: rehearsed on the stand-ins only")
    print(f"make rehearse: {len(running)} pass(es) side by side in {time.perf_counter() - started:.0f} s")
    return worst


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Rehearse notebooks (run) or summarise recorded rehearsals.")
    sub = parser.add_subparsers(dest="command", required=True)
    summarise = sub.add_parser("summary", help="the table of the rehearsals recorded in a metrics folder")
    summarise.add_argument("metrics", type=Path)
    rehearse = sub.add_parser("run", help="every notebook in full, rehearsed, on the stand-ins and on --data")
    rehearse.add_argument("notebooks", nargs="+")
    rehearse.add_argument("--data", type=Path, default=None, help="a data folder laid out as ACV_DATA_DIR expects")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.notebooks, args.data)
    table = summary(args.metrics)
    print(table)
    return 0 if "| NO |" not in table else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
