"""Zheng et al.'s box-regression simulation ("Distance-IoU Loss", AAAI 2020), its regression cases.

    anchors, targets, points = regression_cases(n_points=5000)   # the paper: 1,715,000 cases

The setup, as in the paper and its authors' simulation code:

- 7 target boxes of area 1 with aspect ratios (width : height) 1:4, 1:3, 1:2,
  1:1, 2:1, 3:1, 4:1, all centred at (10, 10);
- ``n_points`` anchor centres scattered uniformly over a disc of radius 3
  around (10, 10) (the paper: 5,000);
- at each centre, for each target, anchors of 7 areas (0.5, 0.67, 0.75, 1,
  1.33, 1.5 and 2 times the target's) and the same 7 aspect ratios.

That is n_points x 7 x 7 x 7 regression cases, each an anchor to be moved onto
its target by gradient descent. Boxes are ``center_xywh``: (x, y, width, height).
``step_sizes`` gives the paper's schedule, ``l1_error`` its error measure.
"""

from __future__ import annotations

import numpy as np

CENTRE = (10.0, 10.0)
RADIUS = 3.0
ASPECT_RATIOS = (1 / 4, 1 / 3, 1 / 2, 1.0, 2.0, 3.0, 4.0)  # width / height, targets and anchors alike
ANCHOR_SCALES = (0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0)     # anchor area / target area
CASES_PER_POINT = len(ASPECT_RATIOS) * len(ANCHOR_SCALES) * len(ASPECT_RATIOS)  # 343


def _sizes(area: float, ratio: float) -> tuple[float, float]:
    """Width and height of a box of ``area`` with width / height = ``ratio``."""
    return float(np.sqrt(area * ratio)), float(np.sqrt(area / ratio))


def regression_cases(n_points: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(anchors, targets, points)``.

    anchors, targets: (n_points * 343, 4) float32 center_xywh, case by case
    (point, then target, then scale, then anchor ratio); points: (n_points, 2),
    the anchor centres, so that case i belongs to point i // 343.
    """
    if n_points < 1:
        raise ValueError(f"n_points must be at least 1; got {n_points}")
    rng = np.random.default_rng(seed)
    radius = RADIUS * np.sqrt(rng.random(n_points))  # sqrt: uniform over the disc's area, not its radius
    angle = 2 * np.pi * rng.random(n_points)
    points = np.stack([CENTRE[0] + radius * np.cos(angle), CENTRE[1] + radius * np.sin(angle)], axis=1)

    per_point_targets, per_point_sizes = [], []  # the 343 (target, anchor size) pairs every point shares
    for target_ratio in ASPECT_RATIOS:
        target = (*CENTRE, *_sizes(1.0, target_ratio))
        for scale in ANCHOR_SCALES:
            for anchor_ratio in ASPECT_RATIOS:
                per_point_targets.append(target)
                per_point_sizes.append(_sizes(scale, anchor_ratio))
    targets = np.tile(np.array(per_point_targets), (n_points, 1))             # (N, 4)
    sizes = np.tile(np.array(per_point_sizes), (n_points, 1))                 # (N, 2)
    centres = np.repeat(points, CASES_PER_POINT, axis=0)                      # (N, 2)
    anchors = np.concatenate([centres, sizes], axis=1)                        # (N, 4)
    return anchors.astype(np.float32), targets.astype(np.float32), points


def step_sizes(iterations: int) -> np.ndarray:
    """The paper's learning rates: 0.1 for the first 80 % of the iterations, 0.01 for the next
    10 %, 0.001 for the last 10 % (160 / 20 / 20 of 200). (iterations,) float32."""
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1; got {iterations}")
    k = np.arange(iterations)
    return np.where(k < 0.8 * iterations, 0.1, np.where(k < 0.9 * iterations, 0.01, 0.001)).astype(np.float32)


def l1_error(boxes, targets) -> np.ndarray:
    """The paper's regression error of each case: |x - x'| + |y - y'| + |w - w'| + |h - h'|. (N,)."""
    return np.abs(np.asarray(boxes, np.float64) - np.asarray(targets, np.float64)).sum(axis=-1)


def error_by_point(errors, n_points: int) -> np.ndarray:
    """Per-case errors (N,) summed over the 343 cases of each anchor centre: (n_points,)."""
    return np.asarray(errors, np.float64).reshape(n_points, CASES_PER_POINT).sum(axis=1)
