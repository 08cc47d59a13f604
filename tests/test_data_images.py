"""Image-folder loaders: cats vs dogs (filtered and PetImages) and the canvas digits."""

import numpy as np
import pytest
from PIL import Image

from helpers import data
from helpers.sources import SourceUnavailable


def _jpeg(path, colour):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")


def test_filtered_folder_in_acv_data_dir_is_used(data_dir):
    root = data_dir / "cats_and_dogs_filtered"
    for split, n in (("train", 3), ("validation", 2)):
        for animal, colour in (("cats", "red"), ("dogs", "blue")):
            for i in range(n):
                _jpeg(root / split / animal / f"{animal}.{i}.jpg", colour)
    ds = data.load_cats_vs_dogs("filtered")
    assert ds.source.kind == "local" and ds.class_names == ("cat", "dog")
    assert len(ds.train_x) == 6 and len(ds.val_x) == 4
    assert sorted(np.bincount(ds.train_y).tolist()) == [3, 3]
    images, labels = next(iter(ds.dataset("train", image_size=24, batch_size=6)))
    assert images.shape == (6, 24, 24, 3) and images.dtype.name == "float32"
    # The folder name decides the label: red images are cats (0).
    red = images.numpy()[:, 12, 12, 0] > 128
    np.testing.assert_array_equal(labels.numpy() == 0, red)


def test_petimages_skips_empty_and_non_jpeg_files_and_splits_90_10(data_dir):
    root = data_dir / "PetImages"
    for animal in ("Cat", "Dog"):
        for i in range(10):
            _jpeg(root / animal / f"{i}.jpg", "green")
    (root / "Cat" / "666.jpg").write_bytes(b"")               # zero-length, as in the archive
    (root / "Dog" / "11702.jpg").write_bytes(b"GIF89a junk")   # not a JPEG
    ds = data.load_cats_vs_dogs("petimages")
    assert len(ds.train_x) + len(ds.val_x) == 20
    assert len(ds.val_x) == 2
    assert sorted(ds.val_y.tolist()) == [0, 1], "each class split 90/10 on its own, as the course does"
    assert not any(p.endswith(("666.jpg", "11702.jpg")) for p in list(ds.train_x) + list(ds.val_x))


def test_wrong_folder_layout_is_explained(data_dir):
    (data_dir / "cats_and_dogs_filtered" / "train").mkdir(parents=True)
    with pytest.raises(ValueError, match="no images under train/cats and train/dogs"):
        data.load_cats_vs_dogs("filtered")


def test_offline_standin_is_two_balanced_photo_classes(data_dir):
    ds = data.load_cats_vs_dogs("filtered", standin_size=(40, 20), image_size=32)
    assert ds.source.kind == "standin" and ds.class_names == ("temple", "flower")
    assert ds.train_x.shape == (40, 32, 32, 3) and ds.train_x.dtype == np.uint8
    assert np.bincount(ds.train_y).tolist() == [20, 20]
    images, _ = next(iter(ds.dataset("val", image_size=48, batch_size=5)))
    assert images.shape == (5, 48, 48, 3)


def test_cached_features_in_batches_come_in_the_order_their_images_did(data_dir):
    # 01 trains a head on cached features as the control of the same head trained through the
    # base: its epochs must visit the images in the same order as the images' own dataset.
    import tensorflow as tf

    ds = data.load_cats_vs_dogs("filtered", standin_size=(40, 20), image_size=32)
    features = np.arange(len(ds.train_y), dtype=np.float32)[:, None] * 10  # (N, 1): any content
    tf.random.set_seed(3)
    images = ds.dataset("train", image_size=32, batch_size=8, shuffle=True, seed=42)  # 32 px: not resized
    flat = ds.train_x.reshape(len(ds.train_x), -1).astype(np.float32)

    def index_of(image):  # which training image this is
        return int(np.flatnonzero((flat == image.reshape(-1)).all(axis=1))[0])

    image_orders = [[index_of(image) for batch, _ in images for image in batch.numpy()] for _ in range(2)]
    tf.random.set_seed(3)
    cached = data.batches((features, ds.train_y), 8, shuffle=True, seed=42)
    feature_epochs = [np.concatenate([f.numpy()[:, 0] for f, _ in cached]) for _ in range(2)]
    assert image_orders == [(epoch / 10).astype(int).tolist() for epoch in feature_epochs]
    assert feature_epochs[0].tolist() != feature_epochs[1].tolist()  # a new order each epoch
    assert feature_epochs[0].tolist() != sorted(feature_epochs[0].tolist())
    with pytest.raises(ValueError, match=r"one length; got lengths \[3, 40\]"):
        data.batches((features[:3], ds.train_y), 8)


def test_forced_download_offline_names_the_archive(data_dir):
    with pytest.raises(SourceUnavailable, match="kagglecatsanddogs_5340.zip.*ACV_DATA_DIR"):
        data.load_cats_vs_dogs("petimages", source="keras")


def test_unknown_variant_and_split_list_the_valid_ones(data_dir):
    with pytest.raises(ValueError, match="'kaggle'; expected one of: filtered, petimages"):
        data.load_cats_vs_dogs("kaggle")
    with pytest.raises(ValueError, match="'test'; expected 'train' or 'val'"):
        data.load_cats_vs_dogs(standin_size=(4, 2), image_size=8).dataset("test", 8, 2)


def test_paste_on_canvas_puts_the_digit_inside_its_box():
    digits = np.zeros((50, 28, 28), np.uint8)
    digits[:, 10:18, 12:16] = 255
    out = data.paste_on_canvas(digits, np.arange(50) % 10, canvas=75, seed=3, copies=2)
    assert out.images.shape == (100, 75, 75) and out.boxes.shape == (100, 4)
    px = np.round(out.boxes * 75).astype(int)
    assert np.all(px[:, 2] - px[:, 0] == 28) and np.all(px[:, 3] - px[:, 1] == 28)
    assert px[:, :2].min() >= 0 and px[:, :2].max() <= 47, "offsets in [0, 48) as the course"
    for image, (x1, y1, x2, y2) in zip(out.images, px):
        assert image[y1:y2, x1:x2].sum() == image.sum() == digits[0].sum()
    with pytest.raises(ValueError, match="does not fit on a 20x20 canvas"):
        data.paste_on_canvas(digits, np.zeros(50), canvas=20)


def test_paste_on_canvas_with_sizes_scales_each_digit_and_its_box():
    digits = np.full((400, 28, 28), 200, np.uint8)  # a solid patch: its box is exactly its ink
    out = data.paste_on_canvas(digits, np.zeros(400), canvas=75, seed=1, sizes=(14, 56))
    px = np.round(out.boxes * 75).astype(int)
    side = px[:, 2] - px[:, 0]
    assert np.array_equal(side, px[:, 3] - px[:, 1]), "square patches"
    assert side.min() == 14 and side.max() == 56 and len(np.unique(side)) > 30, "every size in [14, 56] drawn"
    assert px[:, 2:].max() <= 75 and px[:, :2].min() >= 0, "every patch on the canvas"
    for image, (x1, y1, x2, y2) in zip(out.images, px):
        assert np.count_nonzero(image) == np.count_nonzero(image[y1:y2, x1:x2]) == (x2 - x1) * (y2 - y1)
    fixed = data.paste_on_canvas(digits[:5], np.zeros(5), seed=1)
    assert np.array_equal(np.round(fixed.boxes * 75)[:, 2] - np.round(fixed.boxes * 75)[:, 0], [28] * 5)
    for bad in ((0, 20), (30, 20), (14, 76)):
        with pytest.raises(ValueError, match=r"sizes must be \(lo, hi\) with 1 <= lo <= hi <= canvas = 75"):
            data.paste_on_canvas(digits, np.zeros(400), sizes=bad)


def test_birds_standin_boxes_are_exact_and_in_tfds_order(data_dir):
    import time

    started = time.perf_counter()
    birds = data.load_birds(image_size=64, n_train=12, n_test=6)
    assert time.perf_counter() - started < 20, "offline, the TFDS attempt must give up quickly"
    assert birds.source.kind == "standin" and birds.train.box_format == "rel_yxyx"
    assert birds.train.images.shape == (12, 64, 64, 3) and birds.test.boxes.shape == (6, 4)
    assert set(birds.train.labels.tolist()) == {0, 1}  # which photo the object was cut from: two classes to probe
    from helpers import boxes
    boxes.validate(birds.train.boxes, "rel_yxyx")
    # The pasted ellipse has a dark rim (a third of its brightness), which touches the
    # box's left and right edges on the middle row: the box frames the object exactly.
    for image, box in zip(birds.train.images, birds.train.boxes):
        y1, x1, y2, x2 = np.round(box * 64).astype(int)
        assert 0 <= y1 < y2 <= 64 and 0 <= x1 < x2 <= 64
        middle = y1 + (y2 - y1) // 2
        assert image[middle, x1].max() <= 85 and image[middle, x2 - 1].max() <= 85


def test_birds_forced_download_offline_explains_the_prepared_folder(data_dir):
    with pytest.raises(SourceUnavailable, match="prepared TFDS folder caltech_birds2010/"):
        data.load_birds(image_size=32, n_train=2, n_test=2, source="download")
    with pytest.raises(ValueError, match="expected one of: auto, local, download, standin"):
        data.load_birds(source="keras")


def test_local_status_lists_every_data_set(data_dir):
    (data_dir / "PetImages").mkdir()
    status = data.local_status()
    assert set(status) == {"mnist", "cifar10", "cats_and_dogs_filtered", "petimages", "birds"}
    assert status["petimages"].startswith("found") and status["mnist"].startswith("not in")
    assert status["petimages"].endswith("(notebook 01 (full))") and "notebook 04 uses a download" in status["mnist"]
