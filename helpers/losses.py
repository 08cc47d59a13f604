"""Keras losses and metrics for box regression, built on ``helpers.boxes``.

Losses (``1 - score``, per box; Keras averages over the batch). A predicted
box's corners are put in order first (``boxes.sort_corners``), as in the GIoU
paper, so that an inverted prediction still gets a gradient:

    IoULoss   1 - IoU    in [0, 1]; no gradient while the boxes do not overlap
    GIoULoss  1 - GIoU   in [0, 2)
    DIoULoss  1 - DIoU   in [0, 2)
    CIoULoss  1 - CIoU

Metrics:

    BoxMeanIoU              the mean IoU of predicted against true boxes
    BoxIoUAbove(threshold)  the fraction of boxes whose IoU reaches ``threshold``

(Not to be confused with ``keras.metrics.MeanIoU``, which scores segmentation
masks class by class, not boxes.)

All are registered for serialization: a model compiled with them saves to
``.keras`` and loads again.
"""

from __future__ import annotations

import keras

from . import boxes

PACKAGE = "acv"


class _BoxLoss(keras.losses.Loss):
    score = staticmethod(boxes.iou)
    default_name = "box_loss"

    def __init__(self, box_format: str = "xyxy", name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name or self.default_name, reduction=reduction, dtype=dtype)
        self.box_format = boxes.check_format(box_format)

    def call(self, y_true, y_pred):
        # y_true, y_pred: (batch, ..., 4) -> (batch, ...)
        y_true = keras.ops.convert_to_tensor(y_true)
        y_pred = keras.ops.cast(keras.ops.convert_to_tensor(y_pred), y_true.dtype)
        # As in the GIoU paper, a predicted box is scored by the corners it spans,
        # in order: an inverted prediction would otherwise count as empty and get
        # no gradient at all. Both go to xyxy in their own unit (relative stays
        # relative: the scores do not depend on the unit).
        y_pred = boxes.sort_corners(y_pred, self.box_format)
        y_true = boxes.sort_corners(y_true, self.box_format)
        return 1.0 - self.score(y_true, y_pred, "xyxy")

    def get_config(self):
        return {**super().get_config(), "box_format": self.box_format}


@keras.saving.register_keras_serializable(package=PACKAGE)
class IoULoss(_BoxLoss):
    """1 - IoU. Zero gradient when the boxes do not overlap: training can stall."""

    score = staticmethod(boxes.iou)
    default_name = "iou_loss"


@keras.saving.register_keras_serializable(package=PACKAGE)
class GIoULoss(_BoxLoss):
    """1 - GIoU: also pulls non-overlapping boxes together."""

    score = staticmethod(boxes.giou)
    default_name = "giou_loss"


@keras.saving.register_keras_serializable(package=PACKAGE)
class DIoULoss(_BoxLoss):
    """1 - DIoU: adds the distance between the centres."""

    score = staticmethod(boxes.diou)
    default_name = "diou_loss"


@keras.saving.register_keras_serializable(package=PACKAGE)
class CIoULoss(_BoxLoss):
    """1 - CIoU: adds the centre distance and the aspect-ratio difference."""

    score = staticmethod(boxes.ciou)
    default_name = "ciou_loss"


LOSSES = {"iou": IoULoss, "giou": GIoULoss, "diou": DIoULoss, "ciou": CIoULoss}


@keras.saving.register_keras_serializable(package=PACKAGE)
class BoxMeanIoU(keras.metrics.Mean):
    """Mean IoU of predicted boxes against true boxes, both (batch, 4)."""

    def __init__(self, box_format: str = "xyxy", name: str = "mean_iou", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.box_format = boxes.check_format(box_format)

    def _values(self, y_true, y_pred):
        y_true = keras.ops.convert_to_tensor(y_true, dtype=self.dtype)
        return boxes.iou(y_true, keras.ops.cast(y_pred, y_true.dtype), self.box_format)

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._values(y_true, y_pred), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "box_format": self.box_format}


@keras.saving.register_keras_serializable(package=PACKAGE)
class BoxIoUAbove(BoxMeanIoU):
    """Fraction of boxes whose IoU with the true box is at least ``threshold``.

    The course counts "good" boxes at IoU >= 0.6 (digits) and >= 0.5 (birds).
    """

    def __init__(self, threshold: float = 0.6, box_format: str = "xyxy", name: str | None = None, dtype=None):
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1]; got {threshold}")
        name = name or f"iou_ge_{threshold:g}".replace(".", "_")
        super().__init__(box_format=box_format, name=name, dtype=dtype)
        self.threshold = float(threshold)

    def _values(self, y_true, y_pred):
        hits = super()._values(y_true, y_pred) >= self.threshold
        return keras.ops.cast(hits, self.dtype)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


CORNER_FORMATS = ("xyxy", "yxyx", "rel_xyxy", "rel_yxyx")


@keras.saving.register_keras_serializable(package=PACKAGE)
class OrderedCorners(keras.layers.Layer):
    """Put a box head's output corners in order: min first, max second.

    Placed after ``Dense(4)``, it makes every prediction a valid box by
    construction: the box that the loss scored is the box the model outputs,
    and an IoU-family loss never sees an inverted box. Input and output are
    (..., 4) in a corner format (xyxy, yxyx or their relative versions).
    """

    def __init__(self, box_format: str = "xyxy", **kwargs):
        super().__init__(**kwargs)
        if box_format not in CORNER_FORMATS:
            raise ValueError(f"OrderedCorners needs a corner format; got {box_format!r}, expected one of: {', '.join(CORNER_FORMATS)}")
        self.box_format = box_format

    def call(self, x):
        # Both corner formats keep (first, second) pairs at positions (0, 2) and (1, 3).
        low = keras.ops.minimum(x[..., :2], x[..., 2:])
        high = keras.ops.maximum(x[..., :2], x[..., 2:])
        return keras.ops.concatenate([low, high], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "box_format": self.box_format}
