"""CIFAR-10 (the course's lab 2), offline-first; pickled batches read safely."""

from __future__ import annotations

import io
import pickle
import tarfile
from collections.abc import Callable

import numpy as np

from ..sources import DATA_DIR_VAR, data_dir, download_guard
from .common import Dataset, load_in_order, sha256_of

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)
# The CIFAR-10 stand-in draws one pattern per class; its names say which.
CIFAR10_STANDIN_CLASSES = (
    "disc", "ring", "square", "frame", "triangle",
    "cross", "h-stripes", "v-stripes", "diagonal", "checker",
)


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickles CIFAR-10's batches and refuses anything else.

    A pickle can run arbitrary code when loaded; the batches only need numpy
    arrays, so only numpy's array reconstruction is allowed.
    """

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR-10 batch")


def _read_cifar_batch(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch -> (images (N, 32, 32, 3) uint8, labels (N,)); ``where`` names it in errors."""
    try:
        batch = _ArraysOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
        data = np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        labels = np.asarray(batch[b"labels"], np.int64)
    except pickle.UnpicklingError as exc:
        if "refusing" in str(exc):
            raise  # a pickle that asks for more than arrays: say exactly that
        raise ValueError(f"{where} is not a readable CIFAR-10 batch ({exc}); download cifar-10-python.tar.gz "
                         f"again from {CIFAR10_URL}") from None
    except (EOFError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{where} is not a readable CIFAR-10 batch ({type(exc).__name__}: {exc}); download "
                         f"cifar-10-python.tar.gz again from {CIFAR10_URL}") from None
    if len(data) != len(labels):
        raise ValueError(f"{where} holds {len(data)} images but {len(labels)} labels; download it again from {CIFAR10_URL}")
    return data, labels


def _cifar_from_members(read: Callable[[str], bytes], where: str):
    parts = [_read_cifar_batch(read(f"data_batch_{i}"), f"{where}/data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = _read_cifar_batch(read("test_batch"), f"{where}/test_batch")
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    return x_train, y_train, x_test, y_test


def _cifar_local():
    folder = data_dir()
    if folder is None:
        return None
    archive = folder / "cifar-10-python.tar.gz"
    batches = folder / "cifar-10-batches-py"
    if archive.is_file():
        digest = sha256_of(archive)
        if digest != CIFAR10_SHA256:
            raise ValueError(
                f"{archive}: sha256 {digest} does not match the published {CIFAR10_SHA256}; "
                f"download it again from {CIFAR10_URL}"
            )
        with tarfile.open(archive, "r:gz") as tar:
            def read(member):
                return tar.extractfile(f"cifar-10-batches-py/{member}").read()
            return _cifar_from_members(read, str(archive)), str(archive)
    if batches.is_dir():
        missing = [m for m in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"] if not (batches / m).is_file()]
        if missing:
            raise ValueError(f"{batches}: no {', '.join(missing)}; the folder holds data_batch_1..5 and test_batch "
                             f"(download cifar-10-python.tar.gz again from {CIFAR10_URL})")
        return _cifar_from_members(lambda m: (batches / m).read_bytes(), str(batches)), str(batches)
    return None


def _cifar_keras():
    import keras

    hint = f"Copy cifar-10-python.tar.gz (or its cifar-10-batches-py folder) into ${DATA_DIR_VAR}"
    with download_guard(CIFAR10_URL, hint):
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    return (x_train, y_train, x_test, y_test), f"keras.datasets.cifar10 ({CIFAR10_URL})"


def synthetic_patterns(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` 32x32 RGB uint8 images of 10 pattern classes (CIFAR-10's shapes).

    Each class is one pattern (see ``CIFAR10_STANDIN_CLASSES``) drawn at a
    random place, size and colour over a noisy colour gradient, so that the
    task needs convolutional features but is learnable from a few thousand
    images. Deterministic for a given ``seed``.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float32)  # (32, 32) each
    cx = rng.uniform(10, 22, n)[:, None, None]
    cy = rng.uniform(10, 22, n)[:, None, None]
    r = rng.uniform(6, 10, n)[:, None, None]
    dx, dy = xx[None] - cx, yy[None] - cy  # (n, 32, 32)
    dist = np.sqrt(dx**2 + dy**2)
    inside = (np.abs(dx) < r) & (np.abs(dy) < r)
    masks = {
        0: dist < r,
        1: (dist < r) & (dist > 0.55 * r),
        2: inside,
        3: inside & ~((np.abs(dx) < 0.55 * r) & (np.abs(dy) < 0.55 * r)),
        4: (dy < r) & (dy > -r) & (np.abs(dx) < (dy + r) / 2),
        5: inside & ((np.abs(dx) < 0.3 * r) | (np.abs(dy) < 0.3 * r)),
        6: inside & ((yy[None] // 3) % 2 == 0),
        7: inside & ((xx[None] // 3) % 2 == 0),
        8: inside & (((xx[None] + yy[None]) // 3) % 2 == 0),
        9: inside & (((xx[None] // 4) + (yy[None] // 4)) % 2 == 0),
    }
    mask = np.zeros((n, 32, 32), bool)
    for k, m in masks.items():
        mask |= m & (labels == k)[:, None, None]

    base = rng.uniform(0, 160, (n, 1, 1, 3))
    slope = rng.uniform(-2, 2, (n, 1, 1, 3))
    background = base + slope * xx[None, :, :, None] + rng.normal(0, 18, (n, 32, 32, 3))
    colour = rng.uniform(60, 255, (n, 1, 1, 3))
    images = np.where(mask[..., None], colour + rng.normal(0, 12, (n, 32, 32, 3)), background)
    return np.clip(images, 0, 255).astype(np.uint8), labels.astype(np.int64)


def _cifar_standin(n_train: int = 5000, n_test: int = 1000):
    x_train, y_train = synthetic_patterns(n_train, seed=1)
    x_test, y_test = synthetic_patterns(n_test, seed=2)
    detail = f"synthetic 32x32 patterns, 10 classes ({n_train:,} train / {n_test:,} test)"
    return (x_train, y_train, x_test, y_test), detail


def load_cifar10(source: str = "auto") -> Dataset:
    """CIFAR-10: x (N, 32, 32, 3) uint8 0..255, y (N,) int64 0..9."""
    arrays, src = load_in_order(
        "cifar10", source, _cifar_local, _cifar_keras, _cifar_standin,
        local_hint=f"put cifar-10-python.tar.gz or cifar-10-batches-py/ into ${DATA_DIR_VAR}",
    )
    x_train, y_train, x_test, y_test = arrays
    names = CIFAR10_CLASSES if src.real else CIFAR10_STANDIN_CLASSES
    return Dataset(
        np.asarray(x_train, np.uint8), np.asarray(y_train, np.int64).reshape(-1),
        np.asarray(x_test, np.uint8), np.asarray(y_test, np.int64).reshape(-1),
        names, src,
    )

