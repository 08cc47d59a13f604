"""Caltech-UCSD Birds with boxes (the course's assignment), offline-first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..sources import DATA_DIR_VAR, SourceUnavailable, data_dir, download_guard
from .common import BoxedImages, BoxedSplits, find_extracted, load_in_order, random_crops, resize_all, sample_photos
from .cub import CUB_NAME, CUB_URL, find_cub, read_cub, read_table

BIRDS_NAME = "caltech_birds2010"
# The course's assignment downloads this prepared TFDS folder and loads it with download=False
# (TFDS's own download of caltech_birds2010 fails on a checksum). Its sha256 is not pinned here:
# it could not be read offline; the folder's dataset_info.json is checked instead.
COURSE_BIRDS_URL = "https://storage.googleapis.com/tensorflow-3-public/datasets/caltech_birds2010_011.zip"


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
        splits.append(BoxedImages(resize_all(images, image_size), np.array(boxes, np.float32),
                                  np.array(labels, np.int64), box_format="rel_yxyx"))
    return tuple(splits)


def _birds_local(image_size, n_train, n_test):
    """CUB_200_2011/ first (its official layout), then a prepared TFDS caltech_birds2010/."""
    folder = data_dir()
    if folder is None:
        return None
    cub_root = find_cub(folder)
    if cub_root is not None:
        train, test = read_cub(cub_root, image_size, n_train, n_test)
        detail = (f"{CUB_NAME} from {cub_root}: official split and boxes, the first "
                  f"{len(train.labels):,} train / {len(test.labels):,} test images of a fixed shuffle")
        return (train, test), detail
    if not (folder / BIRDS_NAME).is_dir():
        return None
    return _birds_from_tfds(folder, False, image_size, n_train, n_test), f"prepared TFDS folder {folder / BIRDS_NAME}"


def _prepared_tfds_folder(root: Path) -> Path | None:
    """The data_dir holding a prepared TFDS ``caltech_birds2010/<version>/dataset_info.json``, or None."""
    for info in sorted(root.rglob("dataset_info.json")):
        version_dir = info.parent
        if version_dir.parent.name == BIRDS_NAME:
            return version_dir.parent.parent
    return None


def _birds_downloaded(image_size, n_train, n_test):
    """The course's prepared folder, else CUB-200-2011's archive, through Keras's download cache."""
    import keras

    hint = (f"put {CUB_NAME}/ (from {CUB_URL}) or a prepared TFDS folder {BIRDS_NAME}/ into ${DATA_DIR_VAR}")
    failures = []
    for url in (COURSE_BIRDS_URL, CUB_URL):
        fname = url.rsplit("/", 1)[-1]
        try:
            with download_guard(url, hint):
                path = Path(keras.utils.get_file(fname, origin=url, extract=True))
        except SourceUnavailable as exc:
            failures.append(str(exc).split(". ")[0])
            continue
        if url == COURSE_BIRDS_URL:
            folder = _prepared_tfds_folder(path if path.is_dir() else path.parent)
            if folder is None:
                failures.append(f"{fname} unpacked to {path} holds no {BIRDS_NAME}/<version>/dataset_info.json")
                continue
            return (_birds_from_tfds(folder, False, image_size, n_train, n_test),
                    f"the course's prepared TFDS folder ({url}), read with download=False")
        unpacked = find_extracted(path, CUB_NAME)
        cub_root = None if unpacked is None else find_cub(unpacked.parent)  # the official layout, checked
        if cub_root is None:
            failures.append(f"{fname} unpacked to {path} holds no {CUB_NAME}/ in its official layout")
            continue
        train, test = read_cub(cub_root, image_size, n_train, n_test)
        return (train, test), f"{CUB_NAME} from {url}: official split and boxes"
    raise SourceUnavailable("; ".join(failures) + f". {hint}")


def paste_objects_on_photos(n: int, image_size: int, seed: int) -> BoxedImages:
    """``n`` photo-texture images with one pasted object each, boxes known exactly.

    Background: a random crop of one of scikit-learn's sample photos. Object: an
    elliptical patch cut from the other photo, 20-60 % of the image per side,
    with a dark rim so that it has an edge. Boxes are rel_yxyx, like TFDS's; the
    label is the photo the object was cut from (0 or 1), a class to tell apart.
    """
    rng = np.random.default_rng(seed)
    photos = sample_photos()
    images = np.empty((n, image_size, image_size, 3), np.uint8)
    boxes = np.empty((n, 4), np.float32)
    labels = np.empty(n, np.int64)
    for i in range(n):
        k = int(rng.integers(0, 2))
        labels[i] = 1 - k
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
    return BoxedImages(images, boxes, labels, box_format="rel_yxyx")


def _birds_standin(image_size, n_train, n_test):
    n_train, n_test = n_train or 3000, n_test or 3033
    splits = (paste_objects_on_photos(n_train, image_size, seed=1), paste_objects_on_photos(n_test, image_size, seed=2))
    detail = (f"elliptical photo patches pasted on crops of scikit-learn's sample photos, {image_size}x{image_size}, "
              f"{n_train:,} train / {n_test:,} test, boxes exact")
    return splits, detail


def example_photo() -> tuple[Path, str]:
    """A photo file to try a box model on: ``(path, what it is)``.

    The last test image of CUB-200-2011 when ``$ACV_DATA_DIR`` holds it (a bird the
    models never trained on), else scikit-learn's bundled flower photo (no bird: the
    box then shows what the model makes of an image unlike its training data).
    """
    folder = data_dir()
    root = find_cub(folder) if folder is not None else None
    if root is not None:
        split = read_table(root / "train_test_split.txt", (int,))
        test_ids = [i for i, (is_train,) in sorted(split.items()) if is_train == 0]
        if test_ids:
            name = read_table(root / "images.txt", (str,))[test_ids[-1]][0]
            return root / "images" / name, f"a {CUB_NAME} test photo"
    import sklearn.datasets

    return Path(sklearn.datasets.__file__).parent / "images" / "flower.jpg", "scikit-learn's sample flower (no bird)"


def load_birds(image_size: int = 224, n_train: int | None = None, n_test: int | None = None,
               source: str = "auto") -> BoxedSplits:
    """Caltech-UCSD birds with boxes: images (N, S, S, 3) uint8, boxes rel_yxyx.

    Sources: ``local`` (in ``$ACV_DATA_DIR``: ``CUB_200_2011/`` as its official
    archive unpacks, else a prepared TFDS folder ``caltech_birds2010/`` read with
    ``download=False``), ``download`` (the course's prepared TFDS folder, as its
    assignment downloads it, else CUB-200-2011's archive; TFDS's own download of
    Caltech-UCSD Birds 2010 is known to fail on a checksum), ``standin``. The
    ``Source``'s name says which bird set it is.
    """
    splits, src = load_in_order(
        BIRDS_NAME, source,
        lambda: _birds_local(image_size, n_train, n_test),
        lambda: _birds_downloaded(image_size, n_train, n_test),
        lambda: _birds_standin(image_size, n_train, n_test),
        local_hint=(f"unpack {CUB_URL.rsplit('/', 1)[-1]} ({CUB_URL}) into ${DATA_DIR_VAR}, giving "
                    f"${DATA_DIR_VAR}/{CUB_NAME}/, or put a prepared TFDS folder {BIRDS_NAME}/ there"),
        remote_kind="download",
    )
    if CUB_NAME in src.detail.split(" ")[0]:
        src = replace(src, name=CUB_NAME)
    return BoxedSplits(splits[0], splits[1], src)

