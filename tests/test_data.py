import pickle
import tarfile

import numpy as np
import pytest

from helpers import data
from helpers.sources import SourceUnavailable


def test_mnist_standin_has_mnist_shapes_and_says_it_is_a_standin(data_dir):
    ds = data.load_mnist()
    assert ds.x_train.shape[1:] == (28, 28) and ds.x_train.dtype == np.uint8
    assert ds.y_train.dtype == np.int64 and set(np.unique(ds.y_train)) == set(range(10))
    assert len(ds.x_train) + len(ds.x_test) == 1797
    assert ds.x_train.max() > 200, "digits are scaled to 0..255 like MNIST"
    assert ds.source.kind == "standin" and not ds.source.real
    assert any("ACV_DATA_DIR" in why for why in ds.source.skipped)


def test_mnist_standin_digits_sit_in_a_centred_20x20_box(data_dir):
    ds = data.load_mnist(source="standin")
    border = np.concatenate([ds.x_train[:, :4].ravel(), ds.x_train[:, 24:].ravel()])
    assert border.max() == 0


def test_mnist_from_acv_data_dir_is_used_first(data_dir):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 255, (20, 28, 28), dtype=np.uint8), "y_train": np.arange(20) % 10,
        "x_test": rng.integers(0, 255, (5, 28, 28), dtype=np.uint8), "y_test": np.arange(5),
    }
    np.savez(data_dir / "mnist.npz", **arrays)
    ds = data.load_mnist()
    assert ds.source.kind == "local" and ds.source.real
    np.testing.assert_array_equal(ds.x_test, arrays["x_test"])


def test_mnist_with_wrong_shapes_is_rejected_by_name(data_dir):
    np.savez(data_dir / "mnist.npz", x_train=np.zeros((2, 32, 32)), y_train=np.zeros(2),
             x_test=np.zeros((2, 32, 32)), y_test=np.zeros(2))
    with pytest.raises(ValueError, match=r"mnist\.npz.*\(N, 28, 28\)"):
        data.load_mnist()


def test_forced_local_without_files_says_where_to_put_them(data_dir):
    with pytest.raises(SourceUnavailable, match="mnist.npz into \\$ACV_DATA_DIR"):
        data.load_mnist(source="local")


def test_forced_keras_offline_names_the_url_and_the_alternative(data_dir):
    with pytest.raises(SourceUnavailable) as info:
        data.load_cifar10(source="keras")
    assert data.CIFAR10_URL in str(info.value) and "ACV_DATA_DIR" in str(info.value)


def test_unknown_source_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'web'.*auto, local, keras, standin"):
        data.load_mnist(source="web")


def _fake_cifar_batches(folder, n=4):
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": rng.integers(0, 255, (n, 3072), dtype=np.uint8), b"labels": list(range(n))}
        (folder / name).write_bytes(pickle.dumps(batch))


def test_cifar_batches_folder_is_read_channels_last(data_dir):
    _fake_cifar_batches(data_dir / "cifar-10-batches-py")
    ds = data.load_cifar10()
    assert ds.source.kind == "local"
    assert ds.x_train.shape == (20, 32, 32, 3) and ds.x_test.shape == (4, 32, 32, 3)
    raw = pickle.loads((data_dir / "cifar-10-batches-py" / "test_batch").read_bytes())[b"data"]
    # CIFAR stores 1024 red, then 1024 green, then 1024 blue values per image.
    assert ds.x_test[0, 0, 1, 1] == raw[0, 1024 + 1]
    assert ds.class_names == data.CIFAR10_CLASSES


def test_cifar_archive_is_read_after_its_hash_matches(data_dir, tmp_path, monkeypatch):
    _fake_cifar_batches(tmp_path / "cifar-10-batches-py")
    archive = data_dir / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    with pytest.raises(ValueError, match="sha256 .* does not match"):
        data.load_cifar10()
    monkeypatch.setattr(data.cifar10, "CIFAR10_SHA256", data.sha256_of(archive))
    assert data.load_cifar10().x_train.shape == (20, 32, 32, 3)


def test_a_booby_trapped_batch_is_refused(data_dir):
    class Payload:
        def __reduce__(self):
            import os
            return (os.system, ("echo pwned",))

    folder = data_dir / "cifar-10-batches-py"
    _fake_cifar_batches(folder)
    (folder / "data_batch_1").write_bytes(pickle.dumps({b"data": Payload(), b"labels": []}))
    with pytest.raises(pickle.UnpicklingError, match="refusing to load .*system"):
        data.load_cifar10()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_cifar_standin_is_deterministic_balanced_and_learnable():
    x1, y1 = data.synthetic_patterns(500, seed=3)
    x2, y2 = data.synthetic_patterns(500, seed=3)
    np.testing.assert_array_equal(x1, x2)
    assert x1.shape == (500, 32, 32, 3) and x1.dtype == np.uint8
    assert np.bincount(y1).tolist() == [50] * 10
    # A linear model on raw pixels must beat chance clearly, or the stand-in
    # would teach nothing; it must not be trivial either.
    from sklearn.linear_model import LogisticRegression

    x_train, y_train = data.synthetic_patterns(2000, seed=4)
    clf = LogisticRegression(max_iter=100, tol=1e-2).fit(x_train.reshape(2000, -1) / 255.0, y_train)
    acc = clf.score(x1.reshape(500, -1) / 255.0, y1)
    assert 0.2 < acc < 0.95, acc


def test_subset_keeps_the_source():
    ds = data.load_mnist(source="standin").subset(10, 5)
    assert len(ds.x_train) == 10 and len(ds.y_test) == 5 and ds.source.kind == "standin"


def test_boxed_images_split_carves_the_last_examples_off():
    from helpers.data import BoxedImages

    images = np.arange(10 * 4 * 4, dtype=np.uint8).reshape(10, 4, 4)
    boxed = BoxedImages(images, np.tile(np.array([0.1, 0.1, 0.5, 0.5], np.float32), (10, 1)), np.arange(10))
    train, val = boxed.split(3)
    assert len(train.labels) == 7 and val.labels.tolist() == [7, 8, 9]
    assert np.array_equal(val.images, images[7:]) and train.box_format == val.box_format == "rel_xyxy"
    with pytest.raises(ValueError, match="0 < n_last < 10; got 10"):
        boxed.split(10)


def test_canvas_pipeline_draws_a_new_place_each_epoch_with_the_digit_inside_its_box():
    rng = np.random.default_rng(0)
    digits = rng.integers(1, 256, (6, 28, 28)).astype(np.uint8)  # no zero pixel: the patch is the digit
    labels = np.arange(6)
    batches = iter(data.canvas_pipeline(digits, labels, batch_size=6, seed=3))
    seen = {}
    for _ in range(2):  # two epochs of one batch each
        images, targets = next(batches)
        images, labels_out, boxes_out = images.numpy(), targets["classification"].numpy(), targets["bounding_box"].numpy()
        assert images.shape == (6, 75, 75, 1) and images.dtype == np.uint8 and boxes_out.shape == (6, 4)
        for image, label, box in zip(images[..., 0], labels_out, boxes_out):
            x0, y0, x1, y1 = np.round(box * 75).astype(int)
            assert (x1 - x0, y1 - y0) == (28, 28) and 0 <= x0 <= 47 and 0 <= y0 <= 47  # the course's [0, 48)
            np.testing.assert_array_equal(image[y0:y1, x0:x1], digits[label])      # rows are y
            assert image.sum() == digits[label].astype(int).sum()                  # nothing outside the box
            seen.setdefault(int(label), []).append((x0, y0))
    assert sorted(seen) == list(range(6))
    assert any(len(set(places)) == 2 for places in seen.values()), "each epoch should draw new places"


def test_canvas_pipeline_refuses_an_empty_batch_and_fills_a_batch_larger_than_the_digits():
    with pytest.raises(ValueError, match="batch_size must be 1 or more"):
        data.canvas_pipeline(np.zeros((4, 28, 28), np.uint8), np.arange(4), batch_size=0)
    images, targets = next(iter(data.canvas_pipeline(np.ones((4, 28, 28), np.uint8), np.arange(4), batch_size=10)))
    assert images.shape == (10, 75, 75, 1)  # repeat comes before batch: a batch spans passes over the digits
