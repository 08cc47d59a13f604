"""The CUB_200_2011 reader, on small folders written by the tests in the official layout."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import boxes, data
from helpers.sources import SourceUnavailable

# (class folder, width, height, box x, y, w, h in pixels, 1 = train)
IMAGES = [
    ("001.Black_footed_Albatross", 80, 60, (10, 5, 40, 30), 1),
    ("001.Black_footed_Albatross", 60, 80, (0, 0, 60, 80), 0),
    ("002.Laysan_Albatross", 100, 50, (50, 10, 25, 20), 1),
    ("002.Laysan_Albatross", 40, 40, (5.5, 6.5, 20, 10), 0),
    ("003.Sooty_Albatross", 64, 48, (30, 20, 34, 28), 1),
]


def write_cub(root: Path, images=IMAGES) -> Path:
    """A CUB_200_2011 folder: each image grey, with its box painted white."""
    cub = root / "CUB_200_2011"
    lines = {name: [] for name in data.cub.CUB_FILES}
    classes = sorted({folder for folder, *_ in images})
    for image_id, (folder, width, height, (x, y, w, h), train) in enumerate(images, start=1):
        pixels = np.full((height, width, 3), 60, np.uint8)
        pixels[int(y):int(y + h), int(x):int(x + w)] = 255
        (cub / "images" / folder).mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(cub / "images" / folder / f"bird_{image_id}.jpg", quality=95)
        lines["images.txt"].append(f"{image_id} {folder}/bird_{image_id}.jpg")
        lines["image_class_labels.txt"].append(f"{image_id} {classes.index(folder) + 1}")
        lines["train_test_split.txt"].append(f"{image_id} {train}")
        lines["bounding_boxes.txt"].append(f"{image_id} {float(x)} {float(y)} {float(w)} {float(h)}")
    lines["classes.txt"] = [f"{i} {name}" for i, name in enumerate(classes, start=1)]
    for name, rows in lines.items():
        (cub / name).write_text("\n".join(rows) + "\n")
    return cub


def test_cub_in_acv_data_dir_is_found_first_with_the_official_split(data_dir):
    write_cub(data_dir)
    birds = data.load_birds(image_size=32)
    assert birds.source.name == "CUB_200_2011" and birds.source.kind == "local" and birds.source.real
    assert "official split and boxes" in birds.source.detail and "first 3 train / 2 test" in birds.source.detail
    assert birds.train.images.shape == (3, 32, 32, 3) and birds.train.images.dtype == np.uint8
    assert birds.train.box_format == "rel_yxyx" and birds.train.boxes.dtype == np.float32
    assert sorted(birds.train.labels.tolist()) == [0, 1, 2] and sorted(birds.test.labels.tolist()) == [0, 1]


def test_cub_boxes_are_pixel_xywh_turned_into_relative_yxyx(data_dir):
    write_cub(data_dir)
    birds = data.load_birds(image_size=32)
    expected = {}  # class -> rel_yxyx of its training image, computed by hand from IMAGES
    for folder, width, height, (x, y, w, h), train in IMAGES:
        if train:
            expected[folder[:3]] = [y / height, x / width, (y + h) / height, (x + w) / width]
    for label, box in zip(birds.train.labels, birds.train.boxes):
        np.testing.assert_allclose(box, expected[f"{label + 1:03d}"], atol=1e-6)


def test_cub_boxes_frame_the_white_patch_after_resizing(data_dir):
    write_cub(data_dir)
    birds = data.load_birds(image_size=64)
    for image, box in zip(birds.test.images, boxes.convert(birds.test.boxes, "rel_yxyx", "yxyx", (64, 64))):
        y1, x1, y2, x2 = np.round(box).astype(int)
        inside = image[y1 + 2:y2 - 2, x1 + 2:x2 - 2].mean()
        assert inside > 200, "the box should cover the white patch"


def test_cub_subsets_take_the_first_images_of_a_fixed_shuffled_order(data_dir):
    write_cub(data_dir)
    full, part = data.load_birds(image_size=16), data.load_birds(image_size=16, n_train=2, n_test=1)
    np.testing.assert_array_equal(part.train.boxes, full.train.boxes[:2])
    np.testing.assert_array_equal(part.test.labels, full.test.labels[:1])


def _break(cub: Path, name: str, line: int, text: str) -> None:
    rows = (cub / name).read_text().splitlines()
    rows[line - 1] = text
    (cub / name).write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize("name, line, text, message", [
    ("bounding_boxes.txt", 2, "2 0.0 0.0 60.0", r"bounding_boxes.txt:2: expected 5 fields, got 4"),
    ("bounding_boxes.txt", 3, "3 50 ten 25 20", r"bounding_boxes.txt:3: cannot read '3 50 ten 25 20'"),
    ("bounding_boxes.txt", 4, "4 5.5 6.5 -20 10", r"bounding_boxes.txt:4: box .* has no positive width"),
    ("bounding_boxes.txt", 5, "5 30 20 60 28", r"bounding_boxes.txt:5: box .* reaches outside its 64x48 image .* by more than 10%"),
    ("train_test_split.txt", 3, "1 1", r"train_test_split.txt:3: image id 1 appears a second time"),
    ("image_class_labels.txt", 1, "", r"image_class_labels.txt: no line for image id 1"),
])
def test_malformed_cub_files_are_named_with_their_line(data_dir, name, line, text, message):
    cub = write_cub(data_dir)
    _break(cub, name, line, text)
    with pytest.raises(ValueError, match=message):
        data.load_birds(image_size=16)


def test_missing_cub_file_or_image_is_named(data_dir):
    cub = write_cub(data_dir)
    (cub / "images" / "002.Laysan_Albatross" / "bird_3.jpg").unlink()
    with pytest.raises(ValueError, match="bird_3.jpg: listed in .*images.txt but not found"):
        data.load_birds(image_size=16)
    (cub / "train_test_split.txt").unlink()
    with pytest.raises(ValueError, match="train_test_split.txt: missing; a CUB_200_2011 folder holds"):
        data.load_birds(image_size=16)


def test_box_on_the_image_edge_within_rounding_is_clipped(data_dir):
    cub = write_cub(data_dir)
    _break(cub, "bounding_boxes.txt", 5, "5 30 20 37 30")  # 3 px (5 %) and 2 px past the right and bottom edges
    birds = data.load_birds(image_size=16)
    assert birds.train.boxes.max() == pytest.approx(1.0)


def test_forced_local_without_birds_names_the_cub_archive(data_dir):
    with pytest.raises(SourceUnavailable, match=r"CUB_200_2011.tgz .* giving \$ACV_DATA_DIR/CUB_200_2011/"):
        data.load_birds(image_size=16, source="local")


def _fake_get_file(monkeypatch, served: dict):
    """keras.utils.get_file that 'downloads' from ``served`` (url -> a folder prepared by the test) or fails."""
    import urllib.error

    import keras

    calls = []

    def get_file(fname, origin, extract=False, **kwargs):
        calls.append(origin)
        if origin not in served:
            raise urllib.error.URLError("no route to host")
        assert extract, "the archive must be unpacked"
        return str(served[origin])
    monkeypatch.setattr(keras.utils, "get_file", get_file)
    monkeypatch.delenv("ACV_OFFLINE", raising=False)
    return calls


def test_online_the_courses_prepared_folder_comes_first_read_without_downloading(data_dir, tmp_path, monkeypatch):
    from helpers.data import birds as birds_module

    unpacked = tmp_path / "cache" / "caltech_birds2010_011.zip_extracted"
    (unpacked / "data" / "caltech_birds2010" / "0.1.1").mkdir(parents=True)
    (unpacked / "data" / "caltech_birds2010" / "0.1.1" / "dataset_info.json").write_text("{}")
    calls = _fake_get_file(monkeypatch, {data.birds.COURSE_BIRDS_URL: unpacked})
    seen = {}
    tiny = data.BoxedImages(np.zeros((2, 32, 32, 3), np.uint8), np.tile([0.1, 0.2, 0.6, 0.7], (2, 1)).astype(np.float32),
                            np.zeros(2, np.int64), box_format="rel_yxyx")

    def from_tfds(folder, download, image_size, n_train, n_test):
        seen.update(folder=folder, download=download)
        return tiny, tiny
    monkeypatch.setattr(birds_module, "_birds_from_tfds", from_tfds)
    birds = data.load_birds(image_size=32, n_train=2, n_test=2)
    assert calls == [data.birds.COURSE_BIRDS_URL], "the course's folder is tried first, and nothing after it"
    assert seen == {"folder": unpacked / "data", "download": False}, "TFDS reads the prepared folder, downloads nothing"
    assert birds.source.kind == "download" and birds.source.real and "course's prepared TFDS folder" in birds.source.detail


def test_online_cub_200_2011_follows_when_the_courses_folder_fails(data_dir, tmp_path, monkeypatch):
    unpacked = tmp_path / "cache" / "CUB_200_2011.tgz_extracted"
    write_cub(unpacked)
    calls = _fake_get_file(monkeypatch, {data.cub.CUB_URL: unpacked})
    birds = data.load_birds(image_size=32)
    assert calls == [data.birds.COURSE_BIRDS_URL, data.cub.CUB_URL]
    assert birds.source.name == "CUB_200_2011" and birds.source.kind == "download" and birds.source.real
    assert birds.train.images.shape == (3, 32, 32, 3)


def test_when_both_downloads_fail_the_stand_in_says_why(data_dir, monkeypatch):
    _fake_get_file(monkeypatch, {})
    birds = data.load_birds(image_size=32, n_train=4, n_test=2)
    assert birds.source.kind == "standin" and not birds.source.real
    why = " ".join(birds.source.skipped)
    assert "caltech_birds2010_011.zip" in why and "CUB_200_2011.tgz" in why, why
