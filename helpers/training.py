"""Small training utilities the notebooks share: epoch timing and parameter counts."""

from __future__ import annotations

import time

import keras
import numpy as np


class EpochTimer(keras.callbacks.Callback):
    """Records the wall time of every epoch (``seconds``) and every training batch.

    The first epoch includes tracing the model into a graph; ``steady_epoch_s``
    leaves it out when there is more than one epoch.
    """

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self.batch_seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._epoch_start)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.batch_seconds.append(time.perf_counter() - self._batch_start)

    @property
    def steady_epoch_s(self) -> float:
        """Mean seconds per epoch, without the first one when there are several."""
        if not self.seconds:
            raise ValueError("no epoch has finished yet")
        return float(np.mean(self.seconds[1:] if len(self.seconds) > 1 else self.seconds))

    @property
    def steady_step_s(self) -> float:
        """Median seconds per training step (the median ignores the tracing step)."""
        if not self.batch_seconds:
            raise ValueError("no training step has finished yet")
        return float(np.median(self.batch_seconds))


def parameter_counts(model: keras.Model) -> dict[str, int]:
    """Trainable and frozen (non-trainable) parameter counts of ``model``."""
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    frozen = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return {"trainable": trainable, "frozen": frozen, "total": trainable + frozen}


def describe_parameters(model: keras.Model) -> str:
    counts = parameter_counts(model)
    share = counts["trainable"] / counts["total"] if counts["total"] else 0.0
    return (f"{model.name}: {counts['total']:,} parameters, {counts['trainable']:,} trainable "
            f"({share:.1%}), {counts['frozen']:,} frozen")


def set_batchnorm_momentum(model: keras.Model, momentum: float) -> int:
    """Set the momentum of every BatchNormalization layer in ``model`` (nested ones too).

    ``weights.application`` uses it for models built with random weights (why:
    see ``weights.SCRATCH_BN_MOMENTUM``). Returns how many layers were changed.
    """
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1); got {momentum}")
    layers = [layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in layers:
        layer.momentum = momentum
    return len(layers)


def _all_layers(model):
    """Every layer of ``model``, descending into nested models."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def recompute_batchnorm_statistics(model: keras.Model, images, batch_size: int = 32) -> int:
    """Replace every BatchNormalization layer's moving mean and variance by their average over ``images``.

    images: (N, ...) what ``model`` takes, run through it in training mode one batch at a time;
    batch k gets weight 1/(k+1) (momentum k/(k+1)), so after the last batch each moving
    statistic is the plain mean of the per-batch statistics. Trainable weights do not change.
    Layers that are frozen (trainable False) run in inference mode and keep their statistics.
    Returns how many batches were run. Used to test whether stale moving averages, not the
    weights, explain a model that is good in training mode and poor in inference mode.
    """
    if len(images) == 0 or batch_size < 1:
        raise ValueError(f"need at least one image and batch_size >= 1; got {len(images)} images, batch_size {batch_size}")
    layers = [layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    saved = [layer.momentum for layer in layers]
    batches = 0
    try:
        for start in range(0, len(images), batch_size):
            for layer in layers:
                layer.momentum = batches / (batches + 1)  # new = old * momentum + batch * (1 - momentum)
            model(images[start:start + batch_size], training=True)
            batches += 1
    finally:
        for layer, momentum in zip(layers, saved):
            layer.momentum = momentum
    return batches


def epochs_to_reach(curve, target: float) -> int | None:
    """The first epoch (1, 2, ...) whose value in ``curve`` (one per epoch) is at least ``target``; None if none is."""
    values = np.asarray(curve, dtype=float)
    if values.ndim != 1 or np.isnan(values).any():
        raise ValueError(f"curve must be one finite number per epoch; got shape {values.shape} with NaN: {np.isnan(values).any()}")
    reached = np.flatnonzero(values >= target)
    return int(reached[0]) + 1 if reached.size else None
