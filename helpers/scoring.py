"""Scoring box predictions beyond one threshold.

The course counts boxes at one IoU threshold (0.6 for the digits, 0.5 for the
birds). The field scores over many:

- the **success curve** (tracking benchmarks): for every threshold t in [0, 1],
  the share of boxes with IoU >= t. Its area is the mean IoU, since
  integral_0^1 P(IoU >= t) dt = E[IoU] for any IoU in [0, 1];
- the **COCO-style average**: the share at IoU >= t averaged over
  t = 0.50, 0.55, ..., 0.95, so that a model is rewarded for tight boxes, not
  only for passable ones.

With exactly one object and one prediction per image (this week's setting),
each prediction is either a true positive (IoU >= t) or a false positive, and
each object either found or missed, so at every threshold precision and recall
are both that share. COCO's AP also ranks predictions by a confidence, which
these models do not give; ``coco_style_average`` is the threshold-averaged share,
not a full AP.

All functions take ``ious``: a 1-D array of IoU values in [0, 1] (NaN is refused).
"""

from __future__ import annotations

import numpy as np

COCO_THRESHOLDS = tuple(round(0.5 + 0.05 * k, 2) for k in range(10))  # 0.50, 0.55, ..., 0.95


def _checked(ious) -> np.ndarray:
    ious = np.asarray(ious, dtype=np.float64)
    if ious.ndim != 1 or ious.size == 0:
        raise ValueError(f"ious must be a non-empty 1-D array of IoU values; got shape {ious.shape}")
    bad = ~np.isfinite(ious) | (ious < 0) | (ious > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"ious[{i}] = {ious[i]} is not an IoU in [0, 1]")
    return ious


def reached(ious, thresholds) -> np.ndarray:
    """(N, T): 1.0 where box i's IoU is at or above threshold t, else 0.0.

    The per-box view of a success curve (its mean over boxes), for comparing two models' curves
    on the same boxes (``stats.simultaneous_band``).
    """
    ious = _checked(ious)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if thresholds.ndim != 1 or thresholds.size == 0:
        raise ValueError(f"thresholds must be a non-empty 1-D array; got shape {thresholds.shape}")
    return (ious[:, None] >= thresholds[None, :]).astype(np.float64)  # (N, 1) vs (1, T) -> (N, T)


def share_at_least(ious, thresholds) -> np.ndarray:
    """For each threshold t, the share of ``ious`` at or above t: (T,) in [0, 1]."""
    return reached(ious, thresholds).mean(axis=0)  # (N, T) -> (T,)


def success_curve(ious, steps: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """``(thresholds, shares)``: thresholds 0..1 in ``steps`` even steps, and the share of boxes at or above each."""
    if steps < 2:
        raise ValueError(f"steps must be at least 2; got {steps}")
    thresholds = np.linspace(0.0, 1.0, steps)
    return thresholds, share_at_least(ious, thresholds)


def success_area(ious, steps: int = 1001) -> float:
    """The area under the success curve (trapezoids over ``steps`` thresholds): the mean IoU,
    up to the grid's resolution (at most 1 / (steps - 1) away)."""
    thresholds, shares = success_curve(ious, steps)
    return float(np.sum((shares[1:] + shares[:-1]) / 2 * np.diff(thresholds)))


def coco_style_average(ious, thresholds=COCO_THRESHOLDS) -> float:
    """The share of boxes at IoU >= t, averaged over t = 0.50, 0.55, ..., 0.95 (see the module's notes)."""
    return float(share_at_least(ious, thresholds).mean())


def summary(ious) -> dict[str, float]:
    """The numbers a notebook records for one model: mean IoU, the shares at 0.5 and 0.75, the COCO-style average."""
    ious = _checked(ious)
    return {"mean_iou": float(ious.mean()), "share_iou_ge_0_5": float(np.mean(ious >= 0.5)),
            "share_iou_ge_0_75": float(np.mean(ious >= 0.75)), "coco_style_average": coco_style_average(ious)}
