"""Localization data as the course's lab 3 makes it: a digit pasted on a black canvas."""

from __future__ import annotations

import numpy as np

from .common import BoxedImages


def paste_on_canvas(digits: np.ndarray, labels: np.ndarray, canvas: int = 75, seed: int = 0,
                    copies: int = 1) -> BoxedImages:
    """Paste each (h, w) digit onto a black ``canvas`` x ``canvas`` image, as the course does.

    The top-left corner (xmin, ymin) is drawn uniformly from the integers in
    [0, canvas - w]; for MNIST on 75x75 that is [0, 48). The box is the pasted
    patch, [xmin, ymin, xmin + w, ymin + h] / canvas. ``copies`` > 1 pastes every
    digit that many times at different places (more examples from few digits).
    """
    digits = np.asarray(digits)
    if digits.ndim != 3:
        raise ValueError(f"digits must be (N, h, w) grey images; got shape {digits.shape}")
    n, h, w = digits.shape
    if h > canvas or w > canvas:
        raise ValueError(f"a {h}x{w} digit does not fit on a {canvas}x{canvas} canvas")
    digits, labels = np.tile(digits, (copies, 1, 1)), np.tile(np.asarray(labels), copies)
    rng = np.random.default_rng(seed)
    xmin = rng.integers(0, canvas - w + 1, len(digits))
    ymin = rng.integers(0, canvas - h + 1, len(digits))
    images = np.zeros((len(digits), canvas, canvas), np.uint8)
    for i, (x, y) in enumerate(zip(xmin, ymin)):
        images[i, y:y + h, x:x + w] = digits[i]
    boxes = np.stack([xmin, ymin, xmin + w, ymin + h], axis=1).astype(np.float32) / canvas
    return BoxedImages(images, boxes, labels.astype(np.int64))

