"""Recording a notebook's headline numbers.

``start(notebook, profile)`` (called by ``helpers.start``) opens a run;
``record(data=..., weights=..., **numbers)`` writes
``build/metrics/<notebook>.json`` with the numbers, the profile, where the
data and weights came from, the versions and the wall time so far. ``make run``
builds its summary table from these files.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..sources import ROOT, Source
from . import profile, rehearsal

BUILD_VAR = "ACV_BUILD_DIR"


def build_dir() -> Path:
    """``$ACV_BUILD_DIR``, else ``build/``; relative paths are taken from the repository root.

    (A notebook's kernel runs in ``notebooks/``, the runner in the root: both
    must find the same folder.)
    """
    value = os.environ.get(BUILD_VAR, "").strip()
    return ROOT / value if value else ROOT / "build"


@dataclass
class Run:
    notebook: str
    profile: str
    started: float = field(default_factory=time.perf_counter)
    numbers: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # the profile's values (cfg), recorded with the numbers

    @property
    def path(self) -> Path:
        return build_dir() / "metrics" / f"{self.notebook}.json"


_current: Run | None = None


def start(notebook: str, profile: str, settings: dict[str, Any] | None = None) -> Run:
    global _current
    _current = Run(notebook, profile, settings=plain(dict(settings or {})))
    return _current


def current() -> Run:
    if _current is None:
        raise RuntimeError("no run started: call helpers.start(notebook) in the notebook's setup cell first")
    return _current


def plain(value: Any) -> Any:
    """numpy scalars and arrays, tuples, nested dicts and intervals (``as_dict``) -> JSON-ready values."""
    if hasattr(value, "as_dict") and not isinstance(value, Source):
        return plain(value.as_dict())
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"refusing to record a non-finite number: {value}")
    return value


def sources_of(data: Source | dict[str, Source] | None, weights: Source | dict[str, Source] | None) -> dict[str, dict]:
    """{"data": ..., "weights": ...} or {"data:<name>": ..., "weights:<name>": ...}, as a record keeps them."""
    found: dict[str, dict] = {}
    for kind, given in (("data", data), ("weights", weights)):
        if isinstance(given, Source):
            found[kind] = given.as_dict()
        elif isinstance(given, dict):
            found.update({f"{kind}:{key}": src.as_dict() for key, src in given.items()})
    return found


def record(*, data: Source | dict[str, Source] | None = None, weights: Source | dict[str, Source] | None = None,
           **numbers: Any) -> Path:
    """Add ``numbers`` to this notebook's record and write it; returns the path.

    data: the ``Source`` of the data set (or a dict name -> Source when a
    notebook uses several); weights: the pretrained weights' ``Source`` (or a
    dict name -> Source).
    Calling it again adds or replaces numbers.
    """
    import keras
    import tensorflow as tf

    run = current()
    run.numbers.update(plain(numbers))
    run.sources.update(sources_of(data, weights))

    payload = {
        "notebook": run.notebook,
        "profile": run.profile,
        "numbers": run.numbers,
        "settings": run.settings,
        "sources": run.sources,
        "all_sources_real": all(s["real"] for s in run.sources.values()),
        "rehearsal": rehearsal.active(),
        # cpu with profile.REFERENCE's values (make reference), or a learner's own run
        "reference_run": run.profile == "cpu" and profile.reference_active(),
        "peak_memory_mb": round(rehearsal.peak_memory_mb(), 1),
        "wall_time_s": round(time.perf_counter() - run.started, 2),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
        },
    }
    run.path.parent.mkdir(parents=True, exist_ok=True)
    run.path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return run.path


def read(notebook: str) -> dict | None:
    """The last record written by ``notebook`` (None if it has not run yet)."""
    path = build_dir() / "metrics" / f"{notebook}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def flatten(numbers: dict, prefix: str = "") -> dict[str, object]:
    """Flatten nested numbers to 'a.b' keys, keeping only scalars."""
    flat: dict[str, object] = {}
    for key, value in numbers.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, (int, float, str, bool)):
            flat[name] = value
    return flat


def format_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def load_all(folder: Path | None = None) -> list[dict]:
    """Every recorded run under ``build/metrics``, sorted by notebook."""
    folder = folder or build_dir() / "metrics"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
