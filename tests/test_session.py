import keras
import numpy as np

import helpers
from helpers.course import session


def _train_tiny_model(seed):
    session.seed_everything(seed, deterministic=True)
    x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return [w.copy() for w in model.get_weights()]


def test_same_seed_gives_identical_weights():
    first, second = _train_tiny_model(7), _train_tiny_model(7)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_a_different_seed_gives_different_weights():
    assert not np.array_equal(_train_tiny_model(7)[0], _train_tiny_model(8)[0])


def test_start_returns_settings_and_opens_a_run(build_dir, capsys):
    cfg = helpers.start("00_setup_check", "smoke")
    assert cfg.profile == "smoke"
    out = capsys.readouterr().out
    assert "tensorflow" in out and "smoke (this run)" in out
    assert helpers.course.report.current().notebook == "00_setup_check"
