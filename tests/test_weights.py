import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from helpers import weights
from helpers.sources import SourceUnavailable

TINY = dict(include_top=False, input_shape=(32, 32, 3), alpha=0.35)
# Real MobileNetV2 weights laid beside the project for offline checks (read-only; never copied into the repo).
SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "data" / "models"
TINY_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
needs_shared_weights = pytest.mark.skipif(not (SHARED_MODELS / TINY_FILE).is_file(),
                                          reason=f"no real weights in {SHARED_MODELS}")


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.delenv("ACV_DATA_DIR", raising=False)
    return home


def test_offline_auto_builds_random_weights_and_says_where_it_looked(empty_keras_home):
    model, source = weights.application(keras.applications.MobileNetV2, **TINY)
    assert isinstance(model, keras.Model)
    assert source.kind == "random" and not source.real
    assert TINY_FILE in source.skipped[0]
    assert "ACV_OFFLINE" in source.skipped[1]


def test_forced_imagenet_offline_raises_with_advice(empty_keras_home):
    with pytest.raises(SourceUnavailable, match=f"{TINY_FILE}.*ACV_DATA_DIR/models/ or ~/.keras/models/"):
        weights.application(keras.applications.MobileNetV2, weights="imagenet", **TINY)


def test_unknown_weights_value_lists_the_choices():
    with pytest.raises(ValueError, match="'imagenet21k'.*auto, imagenet, random"):
        weights.application(keras.applications.MobileNetV2, weights="imagenet21k", **TINY)


def test_cached_weights_are_listed(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("ACV_DATA_DIR", raising=False)
    assert weights.cached_weight_files() == []
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "resnet50_notop.h5").write_bytes(b"")
    assert weights.cached_weight_files() == ["resnet50_notop.h5"]


def test_random_weights_come_with_a_batchnorm_momentum_for_short_scratch_runs():
    model, source = weights.application(keras.applications.MobileNetV2, weights="random", **TINY)
    momenta = {layer.momentum for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)}
    assert momenta == {weights.SCRATCH_BN_MOMENTUM}
    assert "momentum 0.9" in source.detail


def _file_keras_asks_for(monkeypatch, constructor, **kwargs) -> str:
    """Build with weights="imagenet" and catch the file name Keras's loader requests."""
    from keras.src.utils import file_utils

    class Asked(Exception):
        pass

    def fake_get_file(fname, *args, **kw):
        raise Asked(fname)

    monkeypatch.setattr(file_utils, "get_file", fake_get_file)
    with pytest.raises(Asked) as asked:
        constructor(weights="imagenet", **kwargs)
    return str(asked.value)


@pytest.mark.parametrize("constructor, kwargs", [
    (keras.applications.MobileNetV2, dict(include_top=False, input_shape=(96, 96, 3))),
    (keras.applications.MobileNetV2, dict(include_top=False, input_shape=(64, 64, 3))),
    (keras.applications.MobileNetV2, dict(include_top=False, input_shape=(160, 160, 3), alpha=0.35)),
    (keras.applications.MobileNetV2, dict(include_top=True)),
    (keras.applications.ResNet50, dict(include_top=False, input_shape=(64, 64, 3))),
    (keras.applications.ResNet50, dict(include_top=True)),
    (keras.applications.InceptionV3, dict(include_top=False, input_shape=(150, 150, 3))),
])
def test_weight_file_name_is_the_one_keras_asks_for(monkeypatch, constructor, kwargs):
    assert weights.weight_file_name(constructor, **kwargs) == _file_keras_asks_for(monkeypatch, constructor, **kwargs)


def test_weight_file_name_is_none_for_applications_it_does_not_know():
    assert weights.weight_file_name(keras.applications.VGG16, include_top=False) is None


def test_data_dir_models_come_before_the_keras_cache(empty_keras_home, data_dir):
    (data_dir / "models").mkdir()
    for folder in (data_dir / "models", empty_keras_home / "models"):
        (folder / TINY_FILE).write_bytes(b"not empty")
    assert weights.find_weight_file(TINY_FILE) == (data_dir / "models" / TINY_FILE, "local")
    (data_dir / "models" / TINY_FILE).unlink()
    assert weights.find_weight_file(TINY_FILE) == (empty_keras_home / "models" / TINY_FILE, "keras cache")
    (empty_keras_home / "models" / TINY_FILE).write_bytes(b"")  # an interrupted download: empty
    assert weights.find_weight_file(TINY_FILE) is None


def _first_kernel(model) -> np.ndarray:
    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    return conv.kernel.numpy()


@needs_shared_weights
def test_keras_cache_is_used_offline(empty_keras_home):
    # What a learner does: copy the file into ~/.keras/models, then run with ACV_OFFLINE=1 (set by conftest).
    shutil.copy(SHARED_MODELS / TINY_FILE, empty_keras_home / "models" / TINY_FILE)
    model, source = weights.application(keras.applications.MobileNetV2, **TINY)
    assert source.real and source.kind == "keras cache"
    assert str(empty_keras_home / "models" / TINY_FILE) in source.detail
    assert "224-px weights" in source.detail  # 32 px has no weights of its own
    random_model, _ = weights.application(keras.applications.MobileNetV2, weights="random", **TINY)
    assert not np.allclose(_first_kernel(model), _first_kernel(random_model))


@needs_shared_weights
def test_data_dir_models_load_the_same_weights_as_the_cache(empty_keras_home, monkeypatch):
    monkeypatch.setenv("ACV_DATA_DIR", str(SHARED_MODELS.parent))
    from_data_dir, source = weights.application(keras.applications.MobileNetV2, weights="imagenet", **TINY)
    assert source.kind == "local" and source.real
    shutil.copy(SHARED_MODELS / TINY_FILE, empty_keras_home / "models" / TINY_FILE)
    monkeypatch.delenv("ACV_DATA_DIR")
    from_cache, _ = weights.application(keras.applications.MobileNetV2, weights="imagenet", **TINY)
    for a, b in zip(from_data_dir.get_weights(), from_cache.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_status_names_each_file_and_where_it_was_found(empty_keras_home, data_dir):
    status = weights.weights_status()
    assert set(status) == {"InceptionV3", "MobileNetV2", "ResNet50", "ResNet50 to conv4_block6_out"}
    assert not status["ResNet50"][1].real
    assert "no resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5 in $ACV_DATA_DIR/models/" in status["ResNet50"][1].detail
    (data_dir / "models").mkdir()
    (data_dir / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"h5")
    notebooks, source = weights.weights_status()["ResNet50"]
    assert notebooks == "03" and source.real and source.kind == "local"


def test_resnet50_cut_prefers_its_own_file_then_the_whole_network_then_random(empty_keras_home, data_dir):
    path, source = weights.find_resnet50_cut_weights()
    assert path is None and not source.real
    assert f"neither {weights.RESNET50_TO_CUT_FILE} nor resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in source.detail
    model, source = weights.resnet50_to_conv4((64, 64, 3))  # offline, nothing on disk: random
    assert model.output.shape == (None, 4, 4, 1024) and model.layers[-1].name == weights.RESNET50_CUT
    assert not source.real
    (data_dir / "models").mkdir()
    (data_dir / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"h5")
    assert weights.find_resnet50_cut_weights()[0].name == "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    (data_dir / "models" / weights.RESNET50_TO_CUT_FILE).write_bytes(b"h5")
    path, source = weights.find_resnet50_cut_weights()
    assert path.name == weights.RESNET50_TO_CUT_FILE and source.real and "exact through conv4_block6_out" in source.detail
    assert weights.weights_status()["ResNet50 to conv4_block6_out"] == ("03's probe", source)


SHARED_CUT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "models" / weights.RESNET50_TO_CUT_FILE


@pytest.mark.skipif(not SHARED_CUT.is_file(), reason="no ResNet50 file exact to conv4 beside the checkout")
def test_resnet50_cut_loads_the_partial_file_and_its_features_tell_images_apart(empty_keras_home, data_dir):
    (data_dir / "models").mkdir()
    (data_dir / "models" / weights.RESNET50_TO_CUT_FILE).symlink_to(SHARED_CUT)
    model, source = weights.resnet50_to_conv4((64, 64, 3))
    assert source.real
    images = np.random.default_rng(0).uniform(-100, 150, (4, 64, 64, 3)).astype("float32")  # caffe-preprocessed range
    features = model.predict(images, verbose=0).mean(axis=(1, 2))  # (4, 1024)
    assert features.std(axis=0).mean() > 1e-3, "stage 4 is exact, so different images give different features"
    random_model, _ = weights.resnet50_to_conv4((64, 64, 3), weights="random")
    assert not np.allclose(model.get_layer("conv4_block6_3_conv").get_weights()[0],
                           random_model.get_layer("conv4_block6_3_conv").get_weights()[0])


def test_unreachable_host_falls_back_without_keras_printing_a_download(empty_keras_home, monkeypatch, capfd):
    monkeypatch.delenv("ACV_OFFLINE")
    monkeypatch.setattr(weights, "reachable", lambda host, *a, **k: False)
    _, source = weights.application(keras.applications.MobileNetV2, **TINY)
    assert not source.real and "storage.googleapis.com is not reachable" in source.skipped[1]
    assert "Downloading data from" not in capfd.readouterr().out


def test_retracing_warnings_are_dropped_and_other_tensorflow_warnings_kept(caplog):
    import logging

    logger = logging.getLogger("tensorflow")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        logger.warning("5 out of the last 13 calls to <function f> triggered tf.function retracing. Tracing is expensive")
        logger.warning("something a learner should see")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["something a learner should see"]


def test_imagenet_argument_is_a_local_path_then_imagenet_then_none(empty_keras_home, data_dir, monkeypatch):
    (data_dir / "models").mkdir()
    (data_dir / "models" / TINY_FILE).write_bytes(b"not empty")
    argument, source = weights.imagenet_argument(keras.applications.MobileNetV2, **TINY)
    assert argument == str(data_dir / "models" / TINY_FILE) and source.real
    (data_dir / "models" / TINY_FILE).unlink()
    argument, source = weights.imagenet_argument(keras.applications.MobileNetV2, **TINY)  # conftest: offline
    assert argument is None and not source.real and "ACV_OFFLINE is set" in source.notice()
    monkeypatch.delenv("ACV_OFFLINE")
    monkeypatch.setattr(weights, "reachable", lambda host: True)
    argument, source = weights.imagenet_argument(keras.applications.MobileNetV2, **TINY)
    assert argument == "imagenet" and source.kind == "imagenet"
    monkeypatch.setattr(weights, "reachable", lambda host: False)
    argument, source = weights.imagenet_argument(keras.applications.MobileNetV2, **TINY)
    assert argument is None and f"{weights.WEIGHTS_HOST} is not reachable" in source.notice()
