"""Data loaders, offline-first.

Each loader tries its sources in this order, unless ``source=`` forces one:

1. ``local``:   the upstream files a learner copied into ``$ACV_DATA_DIR``;
2. ``keras``:   Keras's cache (``~/.keras/datasets``) or its download, which
                gives up quickly when there is no network;
3. ``standin``: data made from what installed packages ship (scikit-learn's
                handwritten digits) or generated deterministically, with the
                same shapes and dtypes as the real thing.

Every loader returns a ``Dataset`` whose ``source`` says which one was used.
A forced source that cannot be used raises ``SourceUnavailable`` with the URL
and the ``$ACV_DATA_DIR`` alternative.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .sources import DATA_DIR_VAR, Source, SourceUnavailable, data_dir, download_guard, reachable


MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
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


@dataclass(frozen=True)
class Dataset:
    """Arrays of one data set plus where they came from.

    x_*: uint8 images, (N, H, W) for grey, (N, H, W, 3) for colour, 0..255
    y_*: int64 class indices, (N,)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: Source

    def describe(self) -> str:
        return (
            f"{self.source.name} ({self.source.kind}): "
            f"x_train {self.x_train.shape} {self.x_train.dtype}, y_train {self.y_train.shape}, "
            f"x_test {self.x_test.shape}, y_test {self.y_test.shape}, "
            f"{len(self.class_names)} classes"
        )

    def subset(self, n_train: int | None = None, n_test: int | None = None) -> "Dataset":
        """The first ``n_train`` / ``n_test`` examples (None keeps all)."""
        return Dataset(
            self.x_train[:n_train], self.y_train[:n_train],
            self.x_test[:n_test], self.y_test[:n_test],
            self.class_names, self.source,
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_in_order(
    name: str,
    source: str,
    local: Callable[[], tuple[tuple, str] | None],
    keras_loader: Callable[[], tuple[tuple, str]],
    standin: Callable[[], tuple[tuple, str]],
    local_hint: str,
    remote_kind: str = "keras",
) -> tuple[tuple, Source]:
    """Try local -> keras -> standin (or just the forced one).

    Each callable returns ``(arrays, detail)``; ``local`` returns None when
    nothing is there, ``keras_loader`` raises ``SourceUnavailable``.
    """
    valid = ("auto", "local", remote_kind, "standin")
    if source not in valid:
        raise ValueError(f"unknown source {source!r} for {name}; expected one of: {', '.join(valid)}")
    skipped: list[str] = []

    if source in ("auto", "local"):
        found = local()
        if found is not None:
            return found[0], Source(name, "local", found[1], real=True)
        if source == "local":
            raise SourceUnavailable(f"{name}: no local copy. {local_hint}")
        skipped.append(f"no local copy ({local_hint})")

    if source in ("auto", remote_kind):
        try:
            arrays, detail = keras_loader()
            return arrays, Source(name, remote_kind, detail, real=True)
        except SourceUnavailable as exc:
            if source == remote_kind:
                raise
            skipped.append(str(exc).split(". ")[0])

    arrays, detail = standin()
    return arrays, Source(name, "standin", detail, real=False, skipped=tuple(skipped))


# ----------------------------------------------------------------------------
# MNIST


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
    arrays, src = _load_in_order(
        "mnist", source, _mnist_local, _mnist_keras, _mnist_standin,
        local_hint=f"put Keras's mnist.npz into ${DATA_DIR_VAR}",
    )
    x_train, y_train, x_test, y_test = arrays
    return Dataset(
        np.asarray(x_train, np.uint8), np.asarray(y_train, np.int64).reshape(-1),
        np.asarray(x_test, np.uint8), np.asarray(y_test, np.int64).reshape(-1),
        tuple(str(d) for d in range(10)), src,
    )


# ----------------------------------------------------------------------------
# CIFAR-10


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


def _read_cifar_batch(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    batch = _ArraysOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
    data = np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return data, np.asarray(batch[b"labels"], np.int64)


def _cifar_from_members(read: Callable[[str], bytes]):
    parts = [_read_cifar_batch(read(f"data_batch_{i}")) for i in range(1, 6)]
    x_test, y_test = _read_cifar_batch(read("test_batch"))
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
            return _cifar_from_members(read), str(archive)
    if batches.is_dir():
        return _cifar_from_members(lambda m: (batches / m).read_bytes()), str(batches)
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
    arrays, src = _load_in_order(
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


LOADERS = {"mnist": load_mnist, "cifar10": load_cifar10}


def local_status() -> dict[str, str]:
    """For each data set, whether ``$ACV_DATA_DIR`` holds it (for the setup check)."""
    folder = data_dir()
    checks = {
        "mnist": ["mnist.npz"],
        "cifar10": ["cifar-10-python.tar.gz", "cifar-10-batches-py"],
        "cats_and_dogs_filtered": ["cats_and_dogs_filtered"],
        "petimages": ["PetImages"],
        "caltech_birds2010": [BIRDS_NAME],
    }
    if folder is None:
        return {name: f"${DATA_DIR_VAR} is not set" for name in checks}
    return {
        name: next((f"found {folder / p}" for p in paths if (folder / p).exists()), f"not in {folder}")
        for name, paths in checks.items()
    }


# ----------------------------------------------------------------------------
# Localization: a digit on a canvas (the course's lab 3)


@dataclass(frozen=True)
class BoxedImages:
    """Images with one object each, its box and its class.

    images: (N, H, W) or (N, H, W, 3) uint8 0..255
    boxes:  (N, 4) float32 in ``box_format`` (for the canvas digits rel_xyxy:
            [xmin, ymin, xmax, ymax] / image size)
    labels: (N,) int64 class indices
    """

    images: np.ndarray
    boxes: np.ndarray
    labels: np.ndarray
    box_format: str = "rel_xyxy"

    def subset(self, n: int | None) -> "BoxedImages":
        """The first ``n`` examples (None keeps all)."""
        return BoxedImages(self.images[:n], self.boxes[:n], self.labels[:n], self.box_format)


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


# ----------------------------------------------------------------------------
# Cats vs dogs (the course's lab 1) and other two-class photo sets

FILTERED_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
PETIMAGES_URL = (
    "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/"
    "kagglecatsanddogs_5340.zip"
)
PETS_VARIANTS = ("filtered", "petimages")


@dataclass(frozen=True)
class LabelledImages:
    """A two-split image classification set, as files on disk or arrays in memory.

    *_x: (N,) file paths (str), or (N, H, W, 3) uint8 images
    *_y: (N,) int64 class indices
    Call ``dataset(...)`` for a batched ``tf.data.Dataset`` of float32 0..255
    images resized to ``image_size``.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    class_names: tuple[str, ...]
    source: Source

    def describe(self) -> str:
        kind = "files" if self.train_x.dtype.kind in "US" else f"arrays {self.train_x.shape[1:]}"
        counts = np.bincount(self.train_y, minlength=len(self.class_names)).tolist()
        return (f"{self.source.name} ({self.source.kind}): {len(self.train_x):,} train / "
                f"{len(self.val_x):,} validation {kind}, classes {self.class_names}, train counts {counts}")

    def subset(self, n_train: int | None = None, n_val: int | None = None) -> "LabelledImages":
        """The first ``n_train`` / ``n_val`` examples (loaders shuffle, so classes stay mixed)."""
        return LabelledImages(self.train_x[:n_train], self.train_y[:n_train], self.val_x[:n_val],
                              self.val_y[:n_val], self.class_names, self.source)

    def dataset(self, split: str, image_size: int, batch_size: int, shuffle: bool = False, seed: int = 0):
        """Batches of (images (B, S, S, 3) float32 0..255, labels (B,)) for ``split``."""
        import tensorflow as tf

        if split not in ("train", "val"):
            raise ValueError(f"unknown split {split!r}; expected 'train' or 'val'")
        x, y = (self.train_x, self.train_y) if split == "train" else (self.val_x, self.val_y)
        size = (image_size, image_size)

        def from_file(path, label):
            image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
            return tf.image.resize(image, size), label

        def from_array(image, label):
            return tf.image.resize(tf.cast(image, tf.float32), size), label

        ds = tf.data.Dataset.from_tensor_slices((x, y))
        if shuffle:
            ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        ds = ds.map(from_file if x.dtype.kind in "US" else from_array, num_parallel_calls=tf.data.AUTOTUNE)
        return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _is_readable_jpeg(path: Path) -> bool:
    """Non-empty and carries a JFIF header: PetImages holds zero-length files (666.jpg,
    11702.jpg) and files that are not JPEGs, which would stop training midway."""
    if path.stat().st_size == 0:
        return False
    with open(path, "rb") as handle:
        return b"JFIF" in handle.read(10)


def _shuffled(paths: list[Path], labels: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(len(paths))
    return np.array([str(paths[i]) for i in order]), np.array(labels, np.int64)[order]


def _filtered_from(root: Path):
    """``cats_and_dogs_filtered/{train,validation}/{cats,dogs}/*.jpg`` -> arrays."""
    out = []
    for split in ("train", "validation"):
        paths, labels = [], []
        for label, animal in enumerate(("cats", "dogs")):
            found = sorted((root / split / animal).glob("*.jpg"))
            paths += found
            labels += [label] * len(found)
        if not paths:
            raise ValueError(f"{root}: no images under {split}/cats and {split}/dogs; is this cats_and_dogs_filtered?")
        out += list(_shuffled(paths, labels, seed=0))
    return tuple(out)


def _petimages_from(root: Path, val_fraction: float = 0.1):
    """``PetImages/{Cat,Dog}/*.jpg`` -> readable files, shuffled, split 90/10."""
    paths, labels = [], []
    for label, animal in enumerate(("Cat", "Dog")):
        found = [p for p in sorted((root / animal).glob("*.jpg")) if _is_readable_jpeg(p)]
        paths += found
        labels += [label] * len(found)
    if not paths:
        raise ValueError(f"{root}: no readable images under Cat/ and Dog/; is this PetImages?")
    x, y = _shuffled(paths, labels, seed=0)
    n_val = int(round(len(x) * val_fraction))
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]


def _find_dir(top: Path, name: str) -> Path | None:
    if (top / name).is_dir():
        return top / name
    return next((p for p in top.rglob(name) if p.is_dir()), None)


def _pets_local(variant: str):
    folder = data_dir()
    name = "cats_and_dogs_filtered" if variant == "filtered" else "PetImages"
    if folder is None or not (folder / name).is_dir():
        return None
    reader = _filtered_from if variant == "filtered" else _petimages_from
    return reader(folder / name), str(folder / name)


def _pets_keras(variant: str):
    import keras

    url, name = (FILTERED_URL, "cats_and_dogs_filtered") if variant == "filtered" else (PETIMAGES_URL, "PetImages")
    fname = url.rsplit("/", 1)[-1]
    hint = f"Unzip {fname} into ${DATA_DIR_VAR} (giving ${DATA_DIR_VAR}/{name}/), or copy the zip into ~/.keras/datasets/"
    with download_guard(url, hint):
        path = Path(keras.utils.get_file(fname, origin=url, extract=True))
    # Keras >= 3.6 extracts into a folder of its own ("<fname>_extracted"); older
    # versions extracted beside the archive. Look in both places.
    root = next((d for d in (_find_dir(path, name) if path.is_dir() else None,
                             _find_dir(path.parent, name)) if d is not None), None)
    if root is None:
        raise SourceUnavailable(f"{fname} was downloaded to {path} but holds no {name}/ folder. {hint}")
    reader = _filtered_from if variant == "filtered" else _petimages_from
    return reader(root), f"keras.utils.get_file ({url})"


def sample_photos() -> list[np.ndarray]:
    """scikit-learn's two bundled photos (a temple, a flower), (427, 640, 3) uint8 each."""
    from sklearn.datasets import load_sample_images

    return [np.asarray(img, np.uint8) for img in load_sample_images().images]


def random_crops(photo: np.ndarray, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random square crops of ``photo``, 25-90 % of its height, resized to ``size``."""
    from PIL import Image

    height, width = photo.shape[:2]
    out = np.empty((n, size, size, 3), np.uint8)
    for i in range(n):
        side = int(rng.uniform(0.25, 0.9) * height)
        top, left = rng.integers(0, height - side + 1), rng.integers(0, width - side + 1)
        crop = Image.fromarray(photo[top:top + side, left:left + side]).resize((size, size), Image.Resampling.BILINEAR)
        out[i] = np.asarray(crop)
        if rng.random() < 0.5:
            out[i] = out[i, :, ::-1]
    return out


def _pets_standin(n_train: int, n_val: int, image_size: int):
    """Two classes of natural-texture crops: the temple photo against the flower photo.

    Half of the images are turned grey so that colour alone does not give the class away.
    """
    rng = np.random.default_rng(0)
    temple, flower = sample_photos()

    def make(n):
        half = n // 2
        x = np.concatenate([random_crops(temple, half, image_size, rng), random_crops(flower, n - half, image_size, rng)])
        grey = rng.random(n) < 0.5
        x[grey] = x[grey].mean(axis=-1, keepdims=True).astype(np.uint8)
        y = np.array([0] * half + [1] * (n - half), np.int64)
        order = rng.permutation(n)
        return x[order], y[order]

    train_x, train_y = make(n_train)
    val_x, val_y = make(n_val)
    detail = (f"random crops of scikit-learn's two sample photos (temple vs flower), {image_size}x{image_size}, "
              f"{n_train:,} train / {n_val:,} validation")
    return (train_x, train_y, val_x, val_y), detail


def load_cats_vs_dogs(variant: str = "filtered", source: str = "auto", standin_size: tuple[int, int] = (2000, 1000),
                      image_size: int = 150) -> LabelledImages:
    """Cats vs dogs: ``filtered`` (2,000 train / 1,000 validation, TensorFlow's tutorial)
    or ``petimages`` (Microsoft's 25,000 images, split 90/10, as the course).

    The stand-in (``standin_size`` = (n_train, n_val) arrays at ``image_size``) is
    temple-vs-flower photo crops: a two-class photo task, but not cats and dogs.
    """
    if variant not in PETS_VARIANTS:
        raise ValueError(f"unknown cats-vs-dogs variant {variant!r}; expected one of: {', '.join(PETS_VARIANTS)}")
    name = "cats_and_dogs_filtered" if variant == "filtered" else "PetImages"
    arrays, src = _load_in_order(
        f"cats_vs_dogs ({variant})", source,
        lambda: _pets_local(variant), lambda: _pets_keras(variant),
        lambda: _pets_standin(*standin_size, image_size),
        local_hint=f"unzip it into ${DATA_DIR_VAR}/{name}/",
    )
    names = ("cat", "dog") if src.real else ("temple", "flower")
    return LabelledImages(*arrays, class_names=names, source=src)


# ----------------------------------------------------------------------------
# Caltech-UCSD Birds 2010 (the course's assignment)

BIRDS_NAME = "caltech_birds2010"
BIRDS_HOST = "drive.google.com"  # where TFDS's caltech_birds2010 builder downloads from


@dataclass(frozen=True)
class BoxedSplits:
    """Train and test ``BoxedImages`` plus where they came from."""

    train: BoxedImages
    test: BoxedImages
    source: Source

    def describe(self) -> str:
        return (f"{self.source.name} ({self.source.kind}): train {self.train.images.shape}, "
                f"test {self.test.images.shape}, boxes in {self.train.box_format}")


def _resize_all(images, size: int) -> np.ndarray:
    """Images of any sizes -> (N, size, size, 3) uint8. Plain resizing, as the course:
    relative boxes stay valid because both axes scale with the image."""
    from PIL import Image

    out = np.empty((len(images), size, size, 3), np.uint8)
    for i, image in enumerate(images):
        out[i] = np.asarray(Image.fromarray(np.asarray(image)).convert("RGB").resize((size, size), Image.Resampling.BILINEAR))
    return out


def _birds_from_tfds(data_dir_: Path | None, download: bool, image_size: int, n_train, n_test):
    import tensorflow_datasets as tfds

    splits = []
    for split, n in (("train", n_train), ("test", n_test)):
        ds = tfds.load(BIRDS_NAME, split=split if n is None else f"{split}[:{n}]",
                       data_dir=None if data_dir_ is None else str(data_dir_), download=download)
        images, boxes, labels = [], [], []
        for example in tfds.as_numpy(ds):
            images.append(example["image"])
            boxes.append(example["bbox"])      # normalized [ymin, xmin, ymax, xmax]
            labels.append(example["label"])
        splits.append(BoxedImages(_resize_all(images, image_size), np.array(boxes, np.float32),
                                  np.array(labels, np.int64), box_format="rel_yxyx"))
    return tuple(splits)


def _birds_local(image_size, n_train, n_test):
    folder = data_dir()
    if folder is None or not (folder / BIRDS_NAME).is_dir():
        return None
    return _birds_from_tfds(folder, False, image_size, n_train, n_test), f"prepared TFDS folder {folder / BIRDS_NAME}"


def _birds_tfds(image_size, n_train, n_test):
    hint = (f"Its download is known to fail on a checksum: put a prepared TFDS folder "
            f"{BIRDS_NAME}/ into ${DATA_DIR_VAR}")
    url = f"tensorflow_datasets {BIRDS_NAME} download"
    try:
        with download_guard(url, hint):
            if not reachable(BIRDS_HOST):
                raise SourceUnavailable(f"could not download {url}: {BIRDS_HOST} is not reachable. {hint}")
            return _birds_from_tfds(None, True, image_size, n_train, n_test), f"tfds.load('{BIRDS_NAME}')"
    except (SourceUnavailable, ImportError):
        raise  # a missing package is a set-up problem to fix, not an unavailable source
    except Exception as exc:  # noqa: BLE001 - TFDS raises many kinds; all mean "not available"
        raise SourceUnavailable(f"could not get {BIRDS_NAME} through TFDS ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:200]}). {hint}") from None


def paste_objects_on_photos(n: int, image_size: int, seed: int) -> BoxedImages:
    """``n`` photo-texture images with one pasted object each, boxes known exactly.

    Background: a random crop of one of scikit-learn's sample photos. Object: an
    elliptical patch cut from the other photo, 20-60 % of the image per side,
    with a dark rim so that it has an edge. Boxes are rel_yxyx, like TFDS's.
    """
    rng = np.random.default_rng(seed)
    photos = sample_photos()
    images = np.empty((n, image_size, image_size, 3), np.uint8)
    boxes = np.empty((n, 4), np.float32)
    for i in range(n):
        k = int(rng.integers(0, 2))
        background = random_crops(photos[k], 1, image_size, rng)[0]
        h, w = (rng.uniform(0.2, 0.6, 2) * image_size).astype(int)
        patch = random_crops(photos[1 - k], 1, max(h, w), rng)[0][:h, :w]
        top, left = int(rng.integers(0, image_size - h + 1)), int(rng.integers(0, image_size - w + 1))
        yy, xx = np.mgrid[0:h, 0:w]
        r = ((yy + 0.5 - h / 2) / (h / 2)) ** 2 + ((xx + 0.5 - w / 2) / (w / 2)) ** 2  # ellipse: r <= 1
        region = background[top:top + h, left:left + w]
        region[r <= 1] = patch[r <= 1]
        region[(r > 0.8) & (r <= 1)] //= 3  # the rim
        images[i] = background
        boxes[i] = np.array([top, left, top + h, left + w], np.float32) / image_size
    return BoxedImages(images, boxes, np.zeros(n, np.int64), box_format="rel_yxyx")


def _birds_standin(image_size, n_train, n_test):
    n_train, n_test = n_train or 3000, n_test or 3033
    splits = (paste_objects_on_photos(n_train, image_size, seed=1), paste_objects_on_photos(n_test, image_size, seed=2))
    detail = (f"elliptical photo patches pasted on crops of scikit-learn's sample photos, {image_size}x{image_size}, "
              f"{n_train:,} train / {n_test:,} test, boxes exact")
    return splits, detail


def load_birds(image_size: int = 224, n_train: int | None = None, n_test: int | None = None,
               source: str = "auto") -> BoxedSplits:
    """Caltech-UCSD Birds 2010 with boxes: images (N, S, S, 3) uint8, boxes rel_yxyx.

    Sources: ``local`` (a prepared TFDS folder ``caltech_birds2010/`` in
    ``$ACV_DATA_DIR``, read with ``download=False``), ``tfds`` (TFDS's own
    download, which is known to fail on a checksum), ``standin``.
    """
    splits, src = _load_in_order(
        BIRDS_NAME, source,
        lambda: _birds_local(image_size, n_train, n_test),
        lambda: _birds_tfds(image_size, n_train, n_test),
        lambda: _birds_standin(image_size, n_train, n_test),
        local_hint=f"put a prepared TFDS folder {BIRDS_NAME}/ into ${DATA_DIR_VAR}",
        remote_kind="tfds",
    )
    return BoxedSplits(splits[0], splits[1], src)
