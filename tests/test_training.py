import keras
import numpy as np
import pytest

from helpers import training


def _model():
    inputs = keras.Input((4,))
    frozen = keras.layers.Dense(3, name="frozen")
    frozen.trainable = False
    x = frozen(inputs)
    x = keras.layers.BatchNormalization()(x)  # 3 gamma + 3 beta trainable, 6 moving stats frozen
    return keras.Model(inputs, keras.layers.Dense(1)(x), name="tiny")


def test_parameter_counts_split_trainable_and_frozen():
    counts = training.parameter_counts(_model())
    # frozen Dense 4*3+3 = 15 and the moving mean and variance (6) are frozen;
    # gamma, beta (6) and the last Dense 3+1 = 4 train.
    assert counts == {"trainable": 10, "frozen": 21, "total": 31}
    assert "10 trainable (32.3%)" in training.describe_parameters(_model())


def test_epoch_timer_records_every_epoch_and_step():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    timer = training.EpochTimer()
    model.fit(np.zeros((32, 4)), np.zeros(32), batch_size=8, epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.seconds) == 3 and len(timer.batch_seconds) == 12
    assert timer.steady_epoch_s == pytest.approx(np.mean(timer.seconds[1:]))
    assert timer.steady_step_s > 0
    with pytest.raises(ValueError, match="no epoch"):
        _ = training.EpochTimer().steady_epoch_s


def test_set_batchnorm_momentum_reaches_nested_layers_and_changes_training():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization()])
    inputs = keras.Input((3,))
    outer = keras.Model(inputs, keras.layers.BatchNormalization()(inner(inputs)))
    assert training.set_batchnorm_momentum(outer, 0.5) == 2
    bn = inner.layers[0]
    assert bn.momentum == 0.5
    outer.compile(optimizer="sgd", loss="mse")
    outer.fit(np.full((8, 3), 4.0, "float32"), np.zeros((8, 3)), batch_size=8, epochs=1, verbose=0)
    # One update with momentum 0.5 moves the moving mean half way to the batch mean (4).
    np.testing.assert_allclose(bn.moving_mean.numpy(), 2.0, rtol=1e-5)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\); got 1.5"):
        training.set_batchnorm_momentum(outer, 1.5)


def test_recompute_batchnorm_statistics_averages_the_batches_and_keeps_the_weights():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.BatchNormalization(momentum=0.99)(inputs))
    bn = model.layers[-1]
    x = np.array([[0.0, 10.0], [2.0, 10.0], [4.0, 30.0], [6.0, 30.0]], "float32")
    gamma = bn.gamma.numpy().copy()
    assert training.recompute_batchnorm_statistics(model, x, batch_size=2) == 2
    # batch means (1, 10) and (5, 30): averaged (3, 20); batch variances (1, 0) and (1, 0): averaged (1, 0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [3.0, 20.0], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.0, 0.0], atol=1e-6)
    np.testing.assert_array_equal(bn.gamma.numpy(), gamma)
    assert bn.momentum == 0.99, "the layer's own momentum is restored"
    # with momentum 0.99, one ordinary training-mode pass would have left the mean near its start (0)
    with pytest.raises(ValueError, match="need at least one image"):
        training.recompute_batchnorm_statistics(model, x[:0])


def test_epochs_to_reach_counts_from_one_and_says_none_when_never_reached():
    from helpers.training import epochs_to_reach

    assert epochs_to_reach([0.5, 0.69, 0.7, 0.6], 0.7) == 3
    assert epochs_to_reach([0.8], 0.7) == 1
    assert epochs_to_reach([0.5, 0.6], 0.7) is None
    with pytest.raises(ValueError, match="one finite number per epoch"):
        epochs_to_reach([0.5, float("nan")], 0.7)
