"""``make rehearse``: every notebook's full profile rehearsed (helpers/course/rehearsal.py), on the
stand-ins and on a data folder side by side, and the memory a full run would need.

    python -m tools.rehearse run --data DIR notebooks/*.ipynb
    python -m tools.rehearse summary build/rehearsal/metrics
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from helpers.course.rehearsal import ENV_VAR

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
                                       ("linear-probe images (float32) and ResNet50 features (1,024 float32)", 12_000,
                                        32 * 32 * 3 * FLOAT32 + 1024 * FLOAT32)],
    "04_object_localization": [("75 x 75 canvases (uint8), train and test", 70_000, 75 * 75 * UINT8)],
    "05_bird_boxes": [("bird photos at 224 px (uint8), train and test", 6_033, 224 * 224 * 3 * UINT8),
                      ("mirrored training copies (uint8)", 3_000, 224 * 224 * 3 * UINT8),
                      ("frozen features (7 x 7 x 1,280 float32): mirrored train, validation, 500 test", 6_500,
                       7 * 7 * 1280 * FLOAT32)],
    "06_transferability": [("CIFAR-10 images (uint8) and per-task copies", 120_000, 32 * 32 * 3 * UINT8)],
    "08_what_layers_learned": [("cats and dogs at 150 px (uint8), train and held out", 3_000, 150 * 150 * 3 * UINT8),
                               ("birds at 150 px (uint8), Caltech birds 2010's train and test", 6_033, 150 * 150 * 3 * UINT8),
                               ("pooled features of mixed0..mixed8 (5,952 float32 an image)", 9_033, 5_952 * FLOAT32),
                               ("three depths' maps for the patch search (1,000 images, float32)", 1_000,
                                (72 * 72 * 64 + 16 * 16 * 256 + 7 * 7 * 768) * FLOAT32),
                               ("CIFAR-10 for the downstreaming (uint8)", 60_000, 32 * 32 * 3 * UINT8),
                               ("deer vs horses at 150 px (uint8): train, validation, test", 12_000, 150 * 150 * 3 * UINT8)],
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
    sys.exit(main())
