"""Cats vs dogs (the course's lab 1 and TensorFlow's tutorial), offline-first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..sources import DATA_DIR_VAR, Source, SourceUnavailable, data_dir, download_guard
from .common import batches, find_extracted, load_in_order, random_crops, sample_photos

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

    def subset(self, n_train: int | None = None, n_val: int | None = None) -> LabelledImages:
        """The first ``n_train`` / ``n_val`` examples (loaders shuffle, so classes stay mixed)."""
        return LabelledImages(self.train_x[:n_train], self.train_y[:n_train], self.val_x[:n_val],
                              self.val_y[:n_val], self.class_names, self.source)

    def dataset(self, split: str, image_size: int, batch_size: int, shuffle: bool = False, seed: int = 0,
                interpolation: str = "bilinear"):
        """Batches of (images (B, S, S, 3) float32 0..255, labels (B,)) for ``split``.

        interpolation: how each image is resized to S x S, "bilinear" (``image_dataset_from_directory``'s
        default) or "nearest" (what the legacy ``flow_from_directory`` did, as the course's lab 1).
        """
        import tensorflow as tf

        if split not in ("train", "val"):
            raise ValueError(f"unknown split {split!r}; expected 'train' or 'val'")
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"unknown interpolation {interpolation!r}; expected 'bilinear' or 'nearest'")
        x, y = (self.train_x, self.train_y) if split == "train" else (self.val_x, self.val_y)
        size = (image_size, image_size)

        def from_file(path, label):
            image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
            return tf.cast(tf.image.resize(image, size, method=interpolation), tf.float32), label

        def from_array(image, label):
            return tf.cast(tf.image.resize(tf.cast(image, tf.float32), size, method=interpolation), tf.float32), label

        return batches((x, y), batch_size, shuffle=shuffle, seed=seed,
                       map_fn=from_file if x.dtype.kind in "US" else from_array)


def why_unreadable(path: Path) -> str | None:
    """Why a ``.jpg`` file cannot be trained on, or None when it can.

    PetImages holds zero-length files (666.jpg, 11702.jpg), files with a ``.jpg``
    name that are not JPEGs, and truncated JPEGs, which TensorFlow's decoder
    rejects in the middle of an epoch. CMYK and greyscale JPEGs are fine:
    ``decode_image(..., channels=3)`` turns both into RGB.
    """
    size = path.stat().st_size
    if size == 0:
        return "empty"
    with open(path, "rb") as handle:
        head = handle.read(3)
        handle.seek(max(size - 32, 0))
        tail = handle.read()
    if head != b"\xff\xd8\xff":  # every JPEG starts with the SOI marker and a segment
        return "not a JPEG"
    if b"\xff\xd9" not in tail:  # ... and ends with the EOI marker (a few padding bytes may follow)
        return "truncated"
    return None


def readable_images(folder: Path, suffixes: tuple[str, ...] = (".jpg",)) -> tuple[list[Path], dict[str, list[Path]]]:
    """The files of ``folder`` (not its subfolders) ending in ``suffixes`` that can be trained on, sorted,
    and those that cannot, by reason (``why_unreadable``)."""
    readable, skipped = [], {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes):
        why = why_unreadable(path)
        if why is None:
            readable.append(path)
        else:
            skipped.setdefault(why, []).append(path)
    return readable, skipped


def skipped_summary(skipped: dict[str, list[Path]], total: int) -> str:
    """One line: how many files were skipped, for which reason, and the first few of each."""
    if not skipped:
        return f"all {total:,} files readable"
    parts = [f"{len(paths)} {why} ({', '.join(f'{p.parent.name}/{p.name}' for p in paths[:3])}"
             f"{', ...' if len(paths) > 3 else ''})" for why, paths in sorted(skipped.items())]
    return f"skipped {sum(map(len, skipped.values()))} of {total:,} files: " + "; ".join(parts)


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
    """``PetImages/{Cat,Dog}/*.jpg`` -> (readable files, each class split 90/10 as the course does, shuffled;
    a line on what was skipped)."""
    split = {"train": ([], []), "val": ([], [])}
    skipped, total = {}, 0
    rng = np.random.default_rng(0)
    for label, animal in enumerate(("Cat", "Dog")):
        readable, bad = readable_images(root / animal) if (root / animal).is_dir() else ([], {})
        total += len(readable) + sum(map(len, bad.values()))
        for why, paths in bad.items():
            skipped.setdefault(why, []).extend(paths)
        n_train = int(len(readable) * (1 - val_fraction))  # the course: int(len(files) * 0.9) per class
        order = rng.permutation(len(readable))
        for name, part in (("train", order[:n_train]), ("val", order[n_train:])):
            split[name][0].extend(readable[i] for i in part)
            split[name][1].extend([label] * len(part))
    if not split["train"][0]:
        raise ValueError(f"{root}: no readable images under Cat/ and Dog/; is this PetImages? ({skipped_summary(skipped, total)})")
    train_x, train_y = _shuffled(*split["train"], seed=0)
    val_x, val_y = _shuffled(*split["val"], seed=1)
    return (train_x, train_y, val_x, val_y), skipped_summary(skipped, total)


def _pets_local(variant: str):
    folder = data_dir()
    name = "cats_and_dogs_filtered" if variant == "filtered" else "PetImages"
    if folder is None or not (folder / name).is_dir():
        return None
    return _read_pets(variant, folder / name, str(folder / name))


def _pets_keras(variant: str):
    import keras

    url, name = (FILTERED_URL, "cats_and_dogs_filtered") if variant == "filtered" else (PETIMAGES_URL, "PetImages")
    fname = url.rsplit("/", 1)[-1]
    hint = f"Unzip {fname} into ${DATA_DIR_VAR} (giving ${DATA_DIR_VAR}/{name}/), or copy the zip into ~/.keras/datasets/"
    with download_guard(url, hint):
        path = Path(keras.utils.get_file(fname, origin=url, extract=True))
    root = find_extracted(path, name)
    if root is None:
        raise SourceUnavailable(f"{fname} was downloaded to {path} but holds no {name}/ folder. {hint}")
    return _read_pets(variant, root, f"keras.utils.get_file ({url})")


def _read_pets(variant: str, root: Path, where: str):
    """(arrays, detail) for either variant; PetImages' detail says which files were skipped and why."""
    if variant == "filtered":
        return _filtered_from(root), where
    arrays, skipped = _petimages_from(root)
    return arrays, f"{where}; {skipped}"


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
    arrays, src = load_in_order(
        f"cats_vs_dogs ({variant})", source,
        lambda: _pets_local(variant), lambda: _pets_keras(variant),
        lambda: _pets_standin(*standin_size, image_size),
        local_hint=f"unzip it into ${DATA_DIR_VAR}/{name}/",
    )
    names = ("cat", "dog") if src.real else ("temple", "flower")
    return LabelledImages(*arrays, class_names=names, source=src)

