"""Pretrained Keras applications, offline-first.

``application(keras.applications.ResNet50, include_top=False, ...)`` returns
the model with ImageNet weights when the Keras cache holds them or the
download works, else the same architecture with random weights, plus a
``Source`` that says which. The notebooks print that source: transfer learning
without pretrained weights is just training from scratch.
"""

from __future__ import annotations

from typing import Callable

from .sources import Source, SourceUnavailable, download_guard, keras_home
from .training import set_batchnorm_momentum

WEIGHTS = ("auto", "imagenet", "random")
WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
# Keras's applications average their BatchNormalization statistics with momentum
# 0.99 or 0.999, made for long ImageNet runs. From random weights a model trains
# from scratch, and in a few epochs those moving statistics (which evaluation
# uses) would barely leave their initial values: training accuracy 0.99,
# validation 0.5, as notebook 02 measured. Random-weight builds get this instead.
SCRATCH_BN_MOMENTUM = 0.9


def application(constructor: Callable, weights: str = "auto", **kwargs):
    """Build ``constructor(**kwargs)`` with the best weights available.

    weights: "auto" (ImageNet if reachable, else random), "imagenet" (raise
    ``SourceUnavailable`` if not reachable) or "random". A model built with
    random weights gets BatchNormalization momentum ``SCRATCH_BN_MOMENTUM``
    (see above); its ``Source`` says so.
    Returns ``(model, Source)``.
    """
    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; expected one of: {', '.join(WEIGHTS)}")
    name = f"{constructor.__name__} weights"
    skipped: tuple[str, ...] = ()
    if weights in ("auto", "imagenet"):
        hint = (
            "Run once on a machine with internet so that Keras caches the weights in "
            "~/.keras/models/, then copy that folder here"
        )
        try:
            with download_guard(WEIGHTS_URL + constructor.__name__.lower(), hint):
                model = constructor(weights="imagenet", **kwargs)
            return model, Source(name, "imagenet", "ImageNet weights (Keras cache or download)", real=True)
        except SourceUnavailable as exc:
            if weights == "imagenet":
                raise
            skipped = (str(exc).split(". ")[0],)
    model = constructor(weights=None, **kwargs)
    set_batchnorm_momentum(model, SCRATCH_BN_MOMENTUM)
    detail = (f"random initialisation, no pretrained features; BatchNormalization momentum "
              f"{SCRATCH_BN_MOMENTUM} for training from scratch")
    return model, Source(name, "random", detail, real=False, skipped=skipped)


def cached_weight_files() -> list[str]:
    """Names of the weight files in Keras's cache (``~/.keras/models``)."""
    folder = keras_home() / "models"
    return sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []
