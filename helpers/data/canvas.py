"""Localization data as the course's lab 3 makes it: a digit pasted on a black canvas."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .common import BoxedImages


def paste_on_canvas(digits: np.ndarray, labels: np.ndarray, canvas: int = 75, seed: int = 0,
                    copies: int = 1, sizes: tuple[int, int] | None = None) -> BoxedImages:
    """Paste each (h, w) digit onto a black ``canvas`` x ``canvas`` image, once, at a fixed place.

    The top-left corner (xmin, ymin) is drawn uniformly from the integers in
    [0, canvas - w], as the course draws it; for MNIST on 75x75 that is [0, 48). (The course
    draws a new place every epoch: ``canvas_pipeline`` does that.) The box is the pasted
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


def canvas_pipeline(digits: np.ndarray, labels: np.ndarray, batch_size: int, canvas: int = 75, seed: int = 0,
                    shuffle_buffer: int = 5000):
    """An endless ``tf.data`` pipeline, as the course's lab 3: a new position each time a digit is drawn.

    Yields (images (B, canvas, canvas, 1) uint8, {"classification": (B,) int64, "bounding_box": (B, 4)
    rel_xyxy float32}). Unlike ``paste_on_canvas``, which fixes one position per digit, every epoch
    shows every digit somewhere else: the augmentation is an endless supply of positions. Pass
    ``steps_per_epoch`` to ``fit``, since the pipeline never ends.

    The steps, in the order the course uses them and what each is for:
    ``shuffle`` (a buffer of ``shuffle_buffer`` digits, reshuffled every epoch), ``repeat`` (endless),
    ``map`` (pasting, on parallel CPU threads), ``batch(drop_remainder=True)`` (every batch the same
    size: what XLA and TPUs need) and ``prefetch`` (the next batches are prepared while the
    accelerator trains on this one).
    """
    import tensorflow as tf

    digits = np.asarray(digits)
    if digits.ndim != 3 or digits.shape[1] > canvas or digits.shape[2] > canvas:
        raise ValueError(f"digits must be (N, h, w) grey images no larger than {canvas}x{canvas}; got {digits.shape}")
    if batch_size < 1 or not len(digits):
        raise ValueError(f"batch_size must be 1 or more and digits not empty; got batch_size {batch_size}, "
                         f"{len(digits)} digits")  # (a batch may hold more than one pass over the digits: repeat comes first)
    h, w = digits.shape[1:]
    generator = tf.random.Generator.from_seed(seed)  # one stream for every position drawn

    def paste(digit, label):
        xmin = generator.uniform((), 0, canvas - w + 1, dtype=tf.int32)  # [0, 48) for MNIST on 75x75
        ymin = generator.uniform((), 0, canvas - h + 1, dtype=tf.int32)
        image = tf.image.pad_to_bounding_box(digit[..., None], ymin, xmin, canvas, canvas)  # (canvas, canvas, 1)
        box = tf.cast(tf.stack([xmin, ymin, xmin + w, ymin + h]), tf.float32) / canvas
        return image, {"classification": label, "bounding_box": box}

    ds = tf.data.Dataset.from_tensor_slices((digits, np.asarray(labels, np.int64)))
    ds = ds.shuffle(min(shuffle_buffer, len(digits)), seed=seed, reshuffle_each_iteration=True).repeat()
    ds = ds.map(paste, num_parallel_calls=1)  # one thread: the generator's draws then follow one order
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
