"""Localization data as the course's lab 3 makes it: a digit pasted on a black canvas."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .common import BoxedImages


def paste_on_canvas(digits: np.ndarray, labels: np.ndarray, canvas: int = 75, seed: int = 0,
                    copies: int = 1, sizes: tuple[int, int] | None = None) -> BoxedImages:
    """Paste each (h, w) digit onto a black ``canvas`` x ``canvas`` image, as the course does.

    The top-left corner (xmin, ymin) is drawn uniformly from the integers in
    [0, canvas - w]; for MNIST on 75x75 that is [0, 48). The box is the pasted
    patch, [xmin, ymin, xmin + w, ymin + h] / canvas. ``copies`` > 1 pastes every
    digit that many times at different places (more examples from few digits).
    ``sizes=(lo, hi)`` first resizes each digit to s x s pixels, s drawn uniformly
    from the integers in [lo, hi] (bilinear), so that the boxes differ in size.
    """
    digits = np.asarray(digits)
    if digits.ndim != 3:
        raise ValueError(f"digits must be (N, h, w) grey images; got shape {digits.shape}")
    if copies < 1:
        raise ValueError(f"copies must be 1 or more; got {copies}")
    n, h, w = digits.shape
    if sizes is not None:
        lo, hi = sizes
        if not 1 <= lo <= hi <= canvas:
            raise ValueError(f"sizes must be (lo, hi) with 1 <= lo <= hi <= canvas = {canvas}; got {sizes}")
    elif h > canvas or w > canvas:
        raise ValueError(f"a {h}x{w} digit does not fit on a {canvas}x{canvas} canvas")
    digits, labels = np.tile(digits, (copies, 1, 1)), np.tile(np.asarray(labels), copies)
    rng = np.random.default_rng(seed)
    if sizes is None:
        heights, widths = np.full(len(digits), h), np.full(len(digits), w)
        xmin = rng.integers(0, canvas - w + 1, len(digits))  # (N,)
        ymin = rng.integers(0, canvas - h + 1, len(digits))
    else:
        heights = widths = rng.integers(sizes[0], sizes[1] + 1, len(digits))  # (N,) square patches
        xmin = rng.integers(0, canvas - widths + 1)  # (N,) each in [0, canvas - its size]
        ymin = rng.integers(0, canvas - heights + 1)
    images = np.zeros((len(digits), canvas, canvas), np.uint8)
    for i, (x, y, dh, dw) in enumerate(zip(xmin, ymin, heights, widths)):
        patch = digits[i] if (dh, dw) == (h, w) else np.asarray(
            Image.fromarray(digits[i]).resize((int(dw), int(dh)), Image.Resampling.BILINEAR))
        images[i, y:y + dh, x:x + dw] = patch
    boxes = np.stack([xmin, ymin, xmin + widths, ymin + heights], axis=1).astype(np.float32) / canvas
    return BoxedImages(images, boxes, labels.astype(np.int64))
