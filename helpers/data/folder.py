"""Your own photos as a data set: ``folder/<class>/*.jpg``, two or more classes.

    load_image_folder(folder, image_size)  ->  Dataset: every readable photo resized to
                                               image_size x image_size, each class split into
                                               training and test photos

Files that cannot be trained on (empty, not a JPEG, truncated: as in PetImages) are skipped and
counted in the source's detail; a folder without that layout gets an error that shows the layout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sources import Source
from .common import Dataset, read_rgb, resize_all
from .pets import readable_images, skipped_summary

SUFFIXES = (".jpg", ".jpeg")
MIN_PER_CLASS = 4  # at least one test photo, one validation photo and two to train on
LAYOUT = "folder/<class>/*.jpg with two or more class folders, e.g. photos/cats/1.jpg and photos/dogs/1.jpg"


def _decoded(path: Path, image_size: int) -> np.ndarray | None:
    """(S, S, 3) uint8, squashed to a square as image_dataset_from_directory does; None if it will not decode."""
    try:
        return resize_all([read_rgb(path)], image_size)[0]
    except OSError:  # a JPEG whose header and end marker look right but whose middle is broken
        return None


def _class_photos(root: Path, image_size: int):
    """{class name: (n, S, S, 3) uint8} for each subfolder holding photos, and the skipped files by reason."""
    photos, skipped = {}, {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        readable, bad = readable_images(folder, SUFFIXES)
        for why, paths in bad.items():
            skipped.setdefault(why, []).extend(paths)
        decoded = []
        for path in readable:
            image = _decoded(path, image_size)
            if image is None:
                skipped.setdefault("undecodable", []).append(path)
            else:
                decoded.append(image)
        if decoded or bad:
            photos[folder.name] = np.stack(decoded) if decoded else np.zeros((0, image_size, image_size, 3), np.uint8)
    return photos, skipped


def load_image_folder(folder, image_size: int, test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """``folder/<class>/*.jpg`` -> Dataset of (N, S, S, 3) uint8 photos, classes in alphabetical order.

    Each class's photos are shuffled with ``seed``; ``test_fraction`` of them (at least one) become
    test photos. Raises FileNotFoundError for a folder that does not exist and ValueError for one
    without the layout or with a class of fewer than ``MIN_PER_CLASS`` readable photos.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}")
    root = Path(folder).expanduser()
    if not root.is_dir():
        state = "does not exist" if not root.exists() else "is a file, not a folder"
        raise FileNotFoundError(f"{str(root)!r} {state}; expected {LAYOUT}")
    photos, skipped = _class_photos(root, image_size)
    loose = sorted(p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if len([name for name, x in photos.items() if len(x)]) < 2:
        found = ", ".join(f"{name}/ ({len(x)})" for name, x in photos.items()) or "no class folder with photos"
        extra = f"; {len(loose)} photos lie directly in it ({', '.join(loose[:3])}...)" if loose else ""
        raise ValueError(f"{root}: found {found}{extra}; expected {LAYOUT}")
    few = {name: len(x) for name, x in photos.items() if len(x) < MIN_PER_CLASS}
    if few:
        raise ValueError(f"{root}: each class needs at least {MIN_PER_CLASS} readable photos (one to test, one to "
                         f"validate, two to train on); these have fewer: {few}"
                         + (f" ({skipped_summary(skipped, sum(map(len, photos.values())))})" if skipped else ""))
    rng = np.random.default_rng(seed)
    parts = {"train": ([], []), "test": ([], [])}
    for label, x in enumerate(photos.values()):
        order = rng.permutation(len(x))
        n_test = max(1, round(len(x) * test_fraction))
        for split, index in (("test", order[:n_test]), ("train", order[n_test:])):
            parts[split][0].append(x[index])
            parts[split][1].append(np.full(len(index), label, np.int64))
    (x_train, y_train), (x_test, y_test) = ((np.concatenate(a), np.concatenate(b)) for a, b in parts.values())
    total = len(x_train) + len(x_test) + sum(map(len, skipped.values()))
    detail = f"{root}, {len(photos)} classes, {len(x_train)} training / {len(x_test)} test photos; {skipped_summary(skipped, total)}"
    return Dataset(x_train, y_train, x_test, y_test, tuple(photos), Source(f"your photos ({root.name})", "local", detail, True))
