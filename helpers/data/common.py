"""What every data loader shares: the result types, the source order, photos for stand-ins."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..sources import Source, SourceUnavailable


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

    def subset(self, n_train: int | None = None, n_test: int | None = None) -> Dataset:
        """The first ``n_train`` / ``n_test`` examples (None keeps all)."""
        return Dataset(
            self.x_train[:n_train], self.y_train[:n_train],
            self.x_test[:n_test], self.y_test[:n_test],
            self.class_names, self.source,
        )


def batches(arrays: tuple, batch_size: int, shuffle: bool = False, seed: int = 0,
            map_fn: Callable | None = None):
    """A batched, prefetched ``tf.data.Dataset`` of ``arrays`` (a tuple of (N, ...) arrays).

    shuffle=True draws a new order every epoch from ``seed``. The order depends only on N, the
    seed and TensorFlow's global seed, not on what the arrays hold: under the same global seed,
    two calls give the same order epoch by epoch, so a head trained on cached features (N, ...)
    sees them in the order its twin saw the images (N, H, W, 3) they came from.
    map_fn, when given, runs on each element after the shuffle (decoding, resizing).
    """
    import tensorflow as tf

    lengths = {len(array) for array in arrays}
    if len(lengths) != 1:
        raise ValueError(f"batches needs arrays of one length; got lengths {sorted(lengths)}")
    ds = tf.data.Dataset.from_tensor_slices(tuple(arrays))
    if shuffle:
        ds = ds.shuffle(lengths.pop(), seed=seed, reshuffle_each_iteration=True)
    if map_fn is not None:
        ds = ds.map(map_fn, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_in_order(
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

    def subset(self, n: int | None) -> BoxedImages:
        """The first ``n`` examples (None keeps all)."""
        return BoxedImages(self.images[:n], self.boxes[:n], self.labels[:n], self.box_format)

    def split(self, n_last: int) -> tuple[BoxedImages, BoxedImages]:
        """(all but the last ``n_last`` examples, the last ``n_last``): a validation split carved off."""
        if not 0 < n_last < len(self.labels):
            raise ValueError(f"n_last must leave examples on both sides: 0 < n_last < {len(self.labels)}; got {n_last}")
        rest = len(self.labels) - n_last
        return (BoxedImages(self.images[:rest], self.boxes[:rest], self.labels[:rest], self.box_format),
                BoxedImages(self.images[rest:], self.boxes[rest:], self.labels[rest:], self.box_format))



@dataclass(frozen=True)
class BoxedSplits:
    """Train and test ``BoxedImages`` plus where they came from."""

    train: BoxedImages
    test: BoxedImages
    source: Source

    def describe(self) -> str:
        return (f"{self.source.name} ({self.source.kind}): train {self.train.images.shape}, "
                f"test {self.test.images.shape}, boxes in {self.train.box_format}")


def read_rgb(path: Path) -> np.ndarray:
    """A photo file -> (H, W, 3) uint8 RGB (greyscale and CMYK converted)."""
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def resize_all(images, size: int) -> np.ndarray:
    """Images of any sizes -> (N, size, size, 3) uint8. Plain resizing, as the course:
    relative boxes stay valid because both axes scale with the image."""
    from PIL import Image

    out = np.empty((len(images), size, size, 3), np.uint8)
    for i, image in enumerate(images):
        out[i] = np.asarray(Image.fromarray(np.asarray(image)).convert("RGB").resize((size, size), Image.Resampling.BILINEAR))
    return out




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




def find_extracted(path: Path, name: str) -> Path | None:
    """The folder ``name`` inside what ``keras.utils.get_file(..., extract=True)`` returned, or None.

    Keras >= 3.6 extracts into a folder of its own ("<fname>_extracted"); older versions
    extracted beside the archive. Looks in both places, at any depth.
    """
    for top in ([path] if path.is_dir() else []) + [path.parent]:
        if (top / name).is_dir():
            return top / name
        found = next((p for p in top.rglob(name) if p.is_dir()), None)
        if found is not None:
            return found
    return None
