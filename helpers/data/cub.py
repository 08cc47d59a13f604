"""Caltech-UCSD Birds-200-2011 (CUB), read from the folder its official archive unpacks to.

    CUB_200_2011/
      images.txt              <image id> <class folder>/<file>.jpg
      image_class_labels.txt  <image id> <class id, 1-based>
      train_test_split.txt    <image id> <1 = train, 0 = test>
      bounding_boxes.txt      <image id> <x> <y> <width> <height>, pixels of the image
      classes.txt             <class id> <class folder>
      images/<class folder>/<file>.jpg

The course's assignment uses Caltech-UCSD Birds 2010 through TensorFlow Datasets,
whose download is broken upstream; CUB-200-2011 is the same kind of photo with
the same kind of box, and its archive is published by Caltech.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import boxes as box_ops
from .common import BoxedImages, read_rgb, resize_all

CUB_NAME = "CUB_200_2011"
CUB_URL = "https://data.caltech.edu/records/65de6-vp158/files/CUB_200_2011.tgz"
CUB_FILES = ("images.txt", "image_class_labels.txt", "train_test_split.txt", "bounding_boxes.txt", "classes.txt")
# The published boxes of a few images reach past the image's edge (9 of the
# 1,402 in classes 1-25, by up to 6.4 % of the width). Corners up to this
# fraction of the image's side outside are clipped to the image; further out
# the box cannot belong to this image, and that is an error.
EDGE_TOLERANCE = 0.1


def read_table(path: Path, types: tuple) -> dict[int, tuple]:
    """``<id> <field> ...`` lines -> {id: (fields converted by ``types``)}.

    A line with the wrong number of fields, a value that does not convert, or a
    repeated id raises ``ValueError`` naming the file and the line.
    """
    if not path.is_file():
        raise ValueError(f"{path}: missing; a CUB_200_2011 folder holds {', '.join(CUB_FILES)}")
    rows: dict[int, tuple] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 1 + len(types):
            raise ValueError(f"{path}:{number}: expected {1 + len(types)} fields, got {len(fields)}: {line!r}")
        try:
            key = int(fields[0])
            values = tuple(kind(value) for kind, value in zip(types, fields[1:]))
        except ValueError:
            raise ValueError(f"{path}:{number}: cannot read {line!r} as <id> "
                             f"{' '.join(t.__name__ for t in types)}") from None
        if key in rows:
            raise ValueError(f"{path}:{number}: image id {key} appears a second time")
        rows[key] = values
    return rows


def _line_of(path: Path, image_id: int) -> int:
    """The 1-based line of ``path`` that describes ``image_id`` (for error messages)."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.split()[:1] == [str(image_id)]:
            return number
    return 0


def _image_size(path: Path) -> tuple[int, int]:
    """(height, width) of an image file, from its header only."""
    from PIL import Image

    with Image.open(path) as image:
        return image.height, image.width


def read_cub(root: Path, image_size: int, n_train: int | None = None,
             n_test: int | None = None) -> tuple[BoxedImages, BoxedImages]:
    """The official train and test splits of a CUB_200_2011 folder.

    Returns two ``BoxedImages``: images (N, S, S, 3) uint8 resized to
    ``image_size`` (squashed, as the course does: relative boxes stay valid),
    boxes (N, 4) float32 ``rel_yxyx`` (TensorFlow Datasets' order, so the
    notebooks treat both bird sources alike), labels (N,) int64 = class id - 1.
    Each split is in a fixed shuffled order (seed 0), so that its first images
    span the classes (the files list them class by class); ``n_train`` /
    ``n_test`` keep the first images of that order (None keeps all), and only
    those are decoded. Every box is checked either way.
    """
    tables = {
        "images.txt": read_table(root / "images.txt", (str,)),
        "image_class_labels.txt": read_table(root / "image_class_labels.txt", (int,)),
        "train_test_split.txt": read_table(root / "train_test_split.txt", (int,)),
        "bounding_boxes.txt": read_table(root / "bounding_boxes.txt", (float, float, float, float)),
    }
    ids = sorted(tables["images.txt"])
    for name, table in tables.items():
        missing = sorted(set(ids) - set(table))
        if missing:
            raise ValueError(f"{root / name}: no line for image id {missing[0]} "
                             f"({len(missing)} of the {len(ids)} ids in images.txt are missing)")

    paths = [root / "images" / tables["images.txt"][i][0] for i in ids]
    absent = next((p for p in paths if not p.is_file()), None)
    if absent is not None:
        raise ValueError(f"{absent}: listed in {root / 'images.txt'} but not found")
    hw = np.array([_image_size(p) for p in paths], np.float64)                   # (N, 2) height, width
    xywh = np.array([tables["bounding_boxes.txt"][i] for i in ids], np.float64)  # (N, 4) pixels
    rel_xyxy = _relative_boxes(root / "bounding_boxes.txt", ids, xywh, hw)  # (N, 4), clipped to 0..1
    labels = np.array([tables["image_class_labels.txt"][i][0] - 1 for i in ids], np.int64)
    is_train = np.array([tables["train_test_split.txt"][i][0] == 1 for i in ids])

    splits = []
    for mask, n in ((is_train, n_train), (~is_train, n_test)):
        index = np.flatnonzero(mask)
        index = index[np.random.default_rng(0).permutation(len(index))][:n]
        splits.append(BoxedImages(
            resize_all([read_rgb(paths[i]) for i in index], image_size),
            box_ops.convert(rel_xyxy[index], "rel_xyxy", "rel_yxyx").astype(np.float32),
            labels[index], box_format="rel_yxyx"))
    return splits[0], splits[1]


def _relative_boxes(path: Path, ids: list[int], xywh: np.ndarray, hw: np.ndarray) -> np.ndarray:
    """Pixel ``xywh`` boxes -> ``rel_xyxy``, checked: inverted or outside the image is an error."""
    empty = ~np.isfinite(xywh).all(1) | (xywh[:, 2] <= 0) | (xywh[:, 3] <= 0)
    if empty.any():
        row = int(np.flatnonzero(empty)[0])
        raise ValueError(f"{path}:{_line_of(path, ids[row])}: box x, y, width, height {xywh[row].tolist()} "
                         f"has no positive width and height")
    xyxy = box_ops.convert(xywh, "xywh", "xyxy")                       # (N, 4) pixels
    limits = np.stack([hw[:, 1], hw[:, 0], hw[:, 1], hw[:, 0]], axis=1)  # (N, 4) width, height, ...
    relative = xyxy / limits
    outside = ((relative < -EDGE_TOLERANCE) | (relative > 1 + EDGE_TOLERANCE)).any(1)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise ValueError(f"{path}:{_line_of(path, ids[row])}: box x, y, width, height {xywh[row].tolist()} "
                         f"reaches outside its {int(hw[row, 1])}x{int(hw[row, 0])} image (width x height) "
                         f"by more than {EDGE_TOLERANCE:.0%} of a side")
    return box_ops.validate(np.clip(relative, 0.0, 1.0), "rel_xyxy")


def find_cub(folder: Path) -> Path | None:
    """``folder/CUB_200_2011`` when it holds ``images.txt``, else None."""
    root = folder / CUB_NAME
    return root if (root / "images.txt").is_file() else None
