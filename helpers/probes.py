"""Looking inside a frozen network: linear probes on its features, and the image patches that excite a unit.

    fit_probe(features, labels, cs)          ->  (fitted classifier, chosen C): standardised features,
                                                 logistic regression, C chosen by 3-fold cross-validation
    receptive_field(model, input_size)       ->  ReceptiveField: which input pixels one unit of
                                                 ``model``'s output map sees, found from its gradient
    selective_units(maps, n, k)              ->  the n channels whose strongest responses stand out most
    strongest(maps, k)                       ->  per channel, the k (image, row, col) where it responds most
    crop(image, row, col, field)             ->  the pixels that unit sees, cut from the image
    multiply_adds(model, input_size, names)  ->  the convolutions' multiply-adds per image up to each named layer

A linear probe (Alain and Bengio, 2016) asks how much of a task a layer's features already
hold: the better a linear classifier does on them, the more directly they encode the task.
The strongest patches (Zeiler and Fergus, 2014) show what a unit responds to.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

CV_FOLDS = 3


def fit_probe(features, labels, cs, max_iter: int = 2000, quick: bool = False):
    """Standardised features, then logistic regression with C chosen from ``cs`` by 3-fold CV on these images.

    features: (N, D) float; labels: (N,) int. Standardising puts every layer's features on the
    same scale, so one grid of C is as fair to each; the images a probe is scored on choose
    nothing. Where a class has fewer than 3 images (a rehearsal's one batch) or ``cs`` holds
    one value, the first C is taken without cross-validation. quick=True, for features that
    measure nothing (a network with random weights, whose features the solver would chase for
    minutes): the first C, 200 iterations, and no warning that they did not converge.
    Returns (classifier, C).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features, labels = np.asarray(features), np.asarray(labels)
    if features.ndim != 2 or len(features) != len(labels) or len(features) == 0:
        raise ValueError(f"fit_probe needs (N, D) features and (N,) labels; got {features.shape} and {labels.shape}")
    cs = tuple(cs)
    if not cs or min(cs) <= 0:
        raise ValueError(f"cs must hold at least one positive C; got {cs}")
    if len(np.unique(labels)) < 2:
        raise ValueError(f"a probe needs at least two classes; every label is {labels[0]}")

    def probe_with(c, iterations=max_iter):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=iterations))

    if quick:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # capped on purpose
            return probe_with(cs[0], 200).fit(features, labels), cs[0]
    smallest_class = np.unique(labels, return_counts=True)[1].min()
    if len(cs) == 1 or smallest_class < CV_FOLDS:
        best_c = cs[0]
    else:
        cv_accuracy = {c: cross_val_score(probe_with(c), features, labels, cv=CV_FOLDS).mean() for c in cs}
        best_c = max(cv_accuracy, key=cv_accuracy.get)
    return probe_with(best_c).fit(features, labels), best_c


class FieldTooLarge(ValueError):
    """A unit's field covers the whole input it was measured on."""


@dataclass(frozen=True)
class ReceptiveField:
    """Which input pixels the unit at (row, col) of a feature map sees: a square of ``size`` pixels
    whose top-left corner is at ``offset + stride * (row, col)`` (it may start or end outside the image)."""

    size: int
    stride: int
    offset: int

    def box(self, row: int, col: int) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) in input pixels, bottom and right exclusive; not clipped."""
        top, left = self.offset + self.stride * row, self.offset + self.stride * col
        return top, left, top + self.size, left + self.size


def _gradient_support(model: keras.Model, image: np.ndarray, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
    """The input rows and columns that the unit at (row, col) of ``model``'s output reaches by its gradient."""
    import tensorflow as tf

    x = tf.Variable(image[None])
    with tf.GradientTape() as tape:
        out = model(x, training=False)  # (1, h, w, c)
        unit = tf.reduce_sum(out[0, row, col, :])
    reached = np.abs(tape.gradient(unit, x).numpy()[0]).sum(axis=-1) > 0  # (H, W)
    return np.flatnonzero(reached.any(axis=1)), np.flatnonzero(reached.any(axis=0))


def receptive_field(model: keras.Model, input_size: int, seed: int = 0, inputs: int = 3) -> ReceptiveField:
    """The (theoretical) receptive field of one unit of ``model``'s output map (B, h, w, c), measured.

    The gradient of a unit with respect to an input image is non-zero only on pixels the unit can
    see; a ReLU that is off, or a max-pooling window's losers, hide a few of them for one image, so
    the support is taken over ``inputs`` random images together. Its extent is the field's size;
    the unit beside it shows the stride. This is every pixel that *can* reach the unit: most of a
    unit's response comes from the middle of it (the effective field, Luo et al., 2016, is smaller).
    The model must take ``input_size``; a larger input than the images keeps a deep unit's field from
    being cut by the edge (FieldTooLarge says when it still is).
    """
    h, w = model.compute_output_shape((1, input_size, input_size, model.input_shape[-1]))[1:3]
    if h < 2 or w < 2:
        raise ValueError(f"the output map is {h}x{w} at {input_size} px: take a larger input_size to see two units")
    middle = h // 2
    rng = np.random.default_rng(seed)
    rows, cols, next_cols = np.array([], int), np.array([], int), np.array([], int)
    for _ in range(inputs):
        image = rng.normal(size=(input_size, input_size, model.input_shape[-1])).astype("float32")
        r, c = _gradient_support(model, image, middle, middle)
        rows, cols = np.union1d(rows, r), np.union1d(cols, c)
        next_cols = np.union1d(next_cols, _gradient_support(model, image, middle, middle + 1)[1])
    if rows[0] == 0 or cols[0] == 0 or next_cols[0] == cols[0]:  # the middle unit's field is cut by the edge
        raise FieldTooLarge(f"the middle unit's field reaches past the edge of a {input_size}x{input_size} input: "
                            f"it is larger than the input can show (a larger input_size measures it)")
    size = int(max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1)
    stride = int(round(((next_cols[0] + next_cols[-1]) - (cols[0] + cols[-1])) / 2))
    if stride < 1:
        raise ValueError(f"could not measure the stride between two units (got {stride})")
    offset = int(round((rows[0] + rows[-1]) / 2 - (size - 1) / 2 - stride * middle))
    return ReceptiveField(size, stride, offset)


def strongest(maps: np.ndarray, k: int) -> np.ndarray:
    """For each channel, the ``k`` places where it responds most: (C, k, 3) [image, row, col], strongest first.

    maps: (N, h, w, C) one layer's activations for N images. A channel's k strongest come from
    k different images (each image's peak only), so that one image cannot fill a whole row.
    """
    maps = np.asarray(maps)
    if maps.ndim != 4:
        raise ValueError(f"maps must be (N, h, w, C) activations; got shape {maps.shape}")
    n, h, w, c = maps.shape
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of images ({n}); got {k}")
    flat = maps.reshape(n, h * w, c)                      # (N, h*w, C)
    peak_place = flat.argmax(axis=1)                       # (N, C): where in each image
    peak_value = flat.max(axis=1)                          # (N, C)
    images = np.argsort(-peak_value, axis=0, kind="stable")[:k].T  # (C, k) images, strongest first
    places = np.take_along_axis(peak_place.T, images, axis=1)       # (C, k)
    return np.stack([images, places // w, places % w], axis=-1)     # (C, k, 3)


def selective_units(maps: np.ndarray, n: int, k: int) -> np.ndarray:
    """The ``n`` channels whose strongest responses stand furthest above their usual one: (n,) indices.

    maps: (N, h, w, C). Per channel, each image's peak response; the channel's score is the mean of
    its ``k`` largest peaks over the median peak. A channel that answers strongly to a few images and
    little to most scores high; one that is strong everywhere, or silent everywhere, does not.
    """
    maps = np.asarray(maps)
    if maps.ndim != 4:
        raise ValueError(f"maps must be (N, h, w, C) activations; got shape {maps.shape}")
    if not 1 <= k <= len(maps) or not 1 <= n <= maps.shape[-1]:
        raise ValueError(f"k must be in 1..{len(maps)} images and n in 1..{maps.shape[-1]} channels; got k={k}, n={n}")
    peaks = maps.max(axis=(1, 2))                                   # (N, C)
    strongest_k = -np.sort(-peaks, axis=0)[:k].mean(axis=0)         # (C,)
    usual = np.median(peaks, axis=0)                                # (C,)
    score = np.where(usual > 0, strongest_k / np.where(usual > 0, usual, 1), np.where(strongest_k > 0, np.inf, 0))
    return np.argsort(-score, kind="stable")[:n]


def crop(image: np.ndarray, row: int, col: int, field: ReceptiveField) -> np.ndarray:
    """The part of ``image`` (H, W, ...) that the unit at (row, col) sees, clipped at the image's edges."""
    top, left, bottom, right = field.box(row, col)
    height, width = image.shape[:2]
    top, left, bottom, right = max(top, 0), max(left, 0), min(bottom, height), min(right, width)
    if top >= bottom or left >= right:
        raise ValueError(f"the unit at ({row}, {col}) sees none of a {height}x{width} image ({field})")
    return image[top:bottom, left:right]


def multiply_adds(model: keras.Model, input_size: int, names) -> dict[str, int]:
    """The multiply-adds of every convolution up to each of ``names``, per image of ``input_size`` pixels a side.

    A convolution's count is out_height * out_width * kernel_height * kernel_width * in_channels *
    filters (dense layers, pooling and BatchNormalization are left out: the convolutions are the
    bulk). ``model.layers`` is in an order where every layer comes after those it reads, and an
    Inception block joins all of its branches, so the convolutions before a block's layer are the
    ones it runs. A count, not a timing: it does not depend on what else the machine is doing.
    """
    order = {layer.name: i for i, layer in enumerate(model.layers)}
    missing = [name for name in names if name not in order]
    if missing:
        raise ValueError(f"no layer named {missing} in {model.name}")
    channels = model.input_shape[-1]
    per_layer = []  # (index, multiply-adds)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, keras.layers.Conv2D):
            h, w = keras.Model(model.input, layer.output).compute_output_shape((1, input_size, input_size, channels))[1:3]
            kh, kw = layer.kernel_size
            per_layer.append((i, h * w * kh * kw * layer.input.shape[-1] * layer.filters))
    return {name: int(sum(count for i, count in per_layer if i <= order[name])) for name in names}
