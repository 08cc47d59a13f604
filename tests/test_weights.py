import keras
import pytest

from helpers import weights
from helpers.sources import SourceUnavailable

TINY = dict(include_top=False, input_shape=(32, 32, 3), alpha=0.35)


def test_offline_auto_builds_random_weights_and_says_so():
    model, source = weights.application(keras.applications.MobileNetV2, **TINY)
    assert isinstance(model, keras.Model)
    assert source.kind == "random" and not source.real
    assert "ACV_OFFLINE" in source.skipped[0]


def test_forced_imagenet_offline_raises_with_advice():
    with pytest.raises(SourceUnavailable, match="~/.keras/models"):
        weights.application(keras.applications.MobileNetV2, weights="imagenet", **TINY)


def test_unknown_weights_value_lists_the_choices():
    with pytest.raises(ValueError, match="'imagenet21k'.*auto, imagenet, random"):
        weights.application(keras.applications.MobileNetV2, weights="imagenet21k", **TINY)


def test_cached_weights_are_listed(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert weights.cached_weight_files() == []
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "resnet50_notop.h5").write_bytes(b"")
    assert weights.cached_weight_files() == ["resnet50_notop.h5"]


def test_random_weights_come_with_a_batchnorm_momentum_for_short_scratch_runs():
    model, source = weights.application(keras.applications.MobileNetV2, weights="random", **TINY)
    momenta = {layer.momentum for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)}
    assert momenta == {weights.SCRATCH_BN_MOMENTUM}
    assert "momentum 0.9" in source.detail
