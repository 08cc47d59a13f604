"""Every notebook's first and last cells: ``start`` (profile, seed, versions, GPU advice) and ``finish``."""

from __future__ import annotations

import dataclasses
import platform
import warnings
from collections.abc import Mapping
from types import MappingProxyType

from .. import distribute, sources
from ..sources import ROOT
from . import checks, lessons, rehearsal, report, results
from . import profile as profiles

# The oldest versions `make test-oldest` runs every notebook with (pyproject.toml, [tool.acv.oldest]):
# Keras 3.8 brought keras.utils.bounding_boxes (05); TensorFlow 2.18 is the first on NumPy 2 (older: untested).
MIN_VERSIONS = {"tensorflow": (2, 18), "keras": (3, 8)}


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seed Python, NumPy and TensorFlow; optionally make TF ops deterministic.

    With ``deterministic`` two runs on the same machine give identical numbers
    (CI relies on it); it can make some GPU ops slower, so ``full`` leaves it off.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:2] if p.isdigit())


def environment() -> dict[str, str]:
    """Versions and devices, as text."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras backend": keras.backend.backend(),
        "devices": ", ".join(d.name for d in gpus) if gpus else "CPU only",
    }


def gpu_advice() -> str:
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return "GPU found: the 'auto' profile runs the course's full settings."
    return (
        "No GPU found: that is fine, the 'cpu' profile is sized for a laptop. For the "
        "course's full settings open the notebook in Colab (Runtime > Change runtime type "
        "> GPU) or install TensorFlow with CUDA on a GPU machine "
        "(pip install 'tensorflow[and-cuda]==2.21.0') and set ACV_PROFILE=full."
    )


def start(notebook: str, profile: str | None = None, verbose: bool = True) -> profiles.Settings:
    """Resolve the profile, seed everything, start the run record, print the setup.

    Returns the notebook's ``Settings`` (``cfg.epochs``, ``cfg.batch_size``, ...).
    """
    cfg = profiles.settings(notebook, profile)
    # Keras warns on every fit() over a tf.data.Dataset that its default shuffle=True is
    # ignored; our datasets shuffle themselves, so the warning is only noise for learners.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")
    # The strategy first: a multi-worker one must exist before TensorFlow runs anything.
    cfg, device_lines = for_devices(cfg)
    seed_everything(cfg.seed, cfg.deterministic)
    report.start(notebook, cfg.profile, settings=cfg.values)  # the settings go into the record
    if cfg.rehearsal:
        rehearsal.install()
        print(f"REHEARSAL ({rehearsal.ENV_VAR}=1): the {cfg.profile} profile's code paths with each data set cut to "
              f"one batch and one epoch per fit; nothing it measures is a result.")
    env = environment()
    for name, minimum in MIN_VERSIONS.items():
        if _version_tuple(env[name]) < minimum:
            raise RuntimeError(
                f"{name} {env[name]} is too old; these notebooks need {'.'.join(map(str, minimum))}+ "
                f"(run 'make setup' to install the pinned versions)"
            )
    if verbose:
        if sources.data_dir_problem():
            print(f"WARNING: {sources.data_dir_problem()}.")
        for key, value in env.items():
            print(f"{key:>14}: {value}")
        print(gpu_advice())
        print(cfg.table())
        print("\n".join(device_lines))
    return cfg


def for_devices(cfg: profiles.Settings) -> tuple[profiles.Settings, list[str]]:
    """``cfg`` for this process's strategy and GPU, and the lines that say so.

    Adds ``cfg.replicas`` and ``cfg.jit_compile`` (for ``compile``), and scales every
    ``*batch_size`` to the global batch (per replica x replicas; unchanged on one device).
    """
    chosen = distribute.strategy()
    n = distribute.replicas(chosen)
    fast = distribute.accelerate(cfg.profile, chosen)
    values = {**cfg.values, "replicas": n, "jit_compile": fast.jit_compile}
    lines = [f"      strategy: {distribute.describe(chosen)} (helpers/distribute.py; README, 'Scaling up')",
             f"         speed: {fast.line()}"]
    batches = {k: v for k, v in cfg.values.items() if k.endswith("batch_size") and v}
    if n > 1:
        values.update({k: distribute.global_batch(v, chosen) for k, v in batches.items()})
        lines.append("   global batch: " + ", ".join(f"{k} {v} per replica x {n} = {values[k]}" for k, v in batches.items())
                     + "; learning rates are the course's")
    return dataclasses.replace(cfg, values=MappingProxyType(values)), lines


def finish(*, data=None, weights=None, **numbers) -> None:
    """The last cell: check the notebook's claims, record its numbers, print its headline and exercises.

    data, weights: the ``Source`` (or a dict name -> Source) of what the run used; numbers: what it
    measured, by the names its claims read (``helpers/course/lessons.py``). The profile's settings
    were recorded by ``start``. A claim that does not hold raises before anything is recorded.
    """
    from .. import exercises

    run = report.current()
    measured = as_recorded(run.notebook, numbers, run.settings)
    checks.check_table(lessons.CLAIMS.get(run.notebook, ()), measured, run.settings,
                       {**run.sources, **report.sources_of(data, weights)}, run.profile)
    path = report.record(data=data, weights=weights, **measured)
    print(f"recorded in {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if run.notebook in lessons.HEADLINES:
        results.conclusion()
    prefix = run.notebook.split("_")[0]
    if any(i.split(".")[0] == prefix for i in exercises.ids()):
        exercises.progress(prefix)  # this notebook's exercises you have passed


def _shaped(value, number_key: str):
    """``value`` without its per-image results, its numeric keys written as ``number_key`` ("x{}")."""
    if isinstance(value, Mapping):
        return {(number_key.format(k) if isinstance(k, int) and not isinstance(k, bool) else k): _shaped(v, number_key)
                for k, v in value.items() if k not in lessons.PER_IMAGE}
    return value


def as_recorded(notebook: str, numbers: dict, settings: Mapping) -> dict:
    """``numbers`` as ``finish`` records them: plain JSON values (``report.plain``), per-image results
    left out (``lessons.PER_IMAGE``), numeric keys written as ``lessons.NUMBER_KEYS`` says, and the
    numbers ``lessons.DERIVED`` names added."""
    measured = report.plain(_shaped(numbers, lessons.NUMBER_KEYS.get(notebook, "{}")))
    fields = {**settings, **measured}
    for name, expression in lessons.DERIVED.get(notebook, {}).items():
        terms = [checks.value_at(measured, term.format_map(fields)) for term in expression.split(" - ")]
        measured[name] = terms[0] if len(terms) == 1 else terms[0] - terms[1]
    return measured
