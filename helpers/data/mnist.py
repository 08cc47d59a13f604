"""MNIST digits (the course's lab 3), offline-first."""

from __future__ import annotations

import numpy as np

from ..sources import DATA_DIR_VAR, data_dir, download_guard
from .common import Dataset, load_in_order

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def _mnist_local():
    folder = data_dir()
    if folder is None or not (folder / "mnist.npz").is_file():
        return None
    path = folder / "mnist.npz"
    with np.load(path, allow_pickle=False) as f:
        arrays = (f["x_train"], f["y_train"], f["x_test"], f["y_test"])
    if arrays[0].shape[1:] != (28, 28):
        raise ValueError(f"{path}: x_train has shape {arrays[0].shape}; expected (N, 28, 28) as in Keras's mnist.npz")
    return arrays, str(path)


def _mnist_keras():
    import keras

    hint = f"Copy mnist.npz (sha256 {MNIST_SHA256[:12]}...) into ${DATA_DIR_VAR} or ~/.keras/datasets/"
    with download_guard(MNIST_URL, hint):
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return (x_train, y_train, x_test, y_test), f"keras.datasets.mnist ({MNIST_URL})"


def _digits_28x28() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 8x8 digits (0..16), as MNIST-like 28x28 uint8.

    MNIST centres each digit in a 20x20 box inside a 28x28 frame; we do the same.
    """
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    out = np.zeros((len(digits.images), 28, 28), dtype=np.uint8)
    for i, img in enumerate(digits.images):  # img: (8, 8) float in 0..16
        big = Image.fromarray((img * (255.0 / 16.0)).astype(np.float32), mode="F")
        big = np.asarray(big.resize((20, 20), Image.Resampling.BILINEAR))
        out[i, 4:24, 4:24] = np.clip(big, 0, 255).astype(np.uint8)
    return out, digits.target.astype(np.int64)


def _mnist_standin():
    images, labels = _digits_28x28()
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order]
    n_test = 360  # 20 % of 1,797, the rest for training
    arrays = (images[n_test:], labels[n_test:], images[:n_test], labels[:n_test])
    return arrays, "scikit-learn's 1,797 handwritten 8x8 digits, upscaled to 28x28 (1,437 train / 360 test)"


def load_mnist(source: str = "auto") -> Dataset:
    """MNIST digits: x (N, 28, 28) uint8 0..255, y (N,) int64 0..9."""
    arrays, src = load_in_order(
        "mnist", source, _mnist_local, _mnist_keras, _mnist_standin,
        local_hint=f"put Keras's mnist.npz into ${DATA_DIR_VAR}",
    )
    x_train, y_train, x_test, y_test = arrays
    return Dataset(
        np.asarray(x_train, np.uint8), np.asarray(y_train, np.int64).reshape(-1),
        np.asarray(x_test, np.uint8), np.asarray(y_test, np.int64).reshape(-1),
        tuple(str(d) for d in range(10)), src,
    )

