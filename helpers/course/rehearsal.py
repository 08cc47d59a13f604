"""A rehearsal: a notebook's code paths under any profile, in minutes, before a long run.

    ACV_REHEARSAL=1 ACV_PROFILE=full make run        # or: make rehearse (tools/rehearse.py)

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
rehearsal records. This module is what runs inside a notebook's kernel;
``tools/rehearse.py`` drives ``make rehearse`` and projects the memory of a full run.
"""

from __future__ import annotations

import os
import resource
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
        elif key == "seeds" or key.endswith("_seeds"):  # "down_seeds" too
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
