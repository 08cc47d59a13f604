"""The pieces of the transferability experiment (notebook 06)."""

import keras
import numpy as np
import pytest

from helpers import data, transfer


def test_mixed_split_puts_two_vehicles_and_three_animals_in_each_task():
    a, b = transfer.split_classes("mixed")
    assert set(a) | set(b) == set(range(10)) and not set(a) & set(b)
    for classes in (a, b):
        assert len(set(classes) & set(transfer.MAN_MADE)) == 2 and len(classes) == 5


def test_man_made_against_natural_uses_cifar_vehicles():
    a, b = transfer.split_classes("man-made vs natural")
    names = data.CIFAR10_CLASSES
    assert [names[c] for c in a] == ["airplane", "automobile", "ship", "truck"]
    assert len(b) == 6 and "cat" in [names[c] for c in b]
    with pytest.raises(ValueError, match="'vehicles'; expected one of: mixed, man-made vs natural"):
        transfer.split_classes("vehicles")


def _toy(n=60):
    rng = np.random.default_rng(0)
    y = np.arange(n) % 10
    x = (y[:, None, None, None] * 20 + rng.integers(0, 5, (n, 32, 32, 3))).astype(np.uint8)
    return data.Dataset(x, y.astype(np.int64), x[:30], y[:30].astype(np.int64), data.CIFAR10_CLASSES,
                        data.load_cifar10(source="standin").source)


def test_task_keeps_the_classes_and_renumbers_them_in_the_given_order():
    sub = transfer.task(_toy(), (7, 2))
    assert set(np.unique(sub.y_train)) == {0, 1} and sub.class_names == ("horse", "bird")
    np.testing.assert_array_equal(sub.x_train[sub.y_train == 0][:, 0, 0, 0] // 20, 7)
    assert len(sub.y_val) == 0 and len(sub.y_train) == 12
    with pytest.raises(ValueError, match="distinct"):
        transfer.task(_toy(), (1, 1))


def test_task_carves_validation_images_from_training_images_only():
    toy = _toy(100)  # ten images of each class in training
    small = transfer.task(toy, (7, 2), n_per_class=4, n_val_per_class=3, seed=1)
    assert np.bincount(small.y_train).tolist() == [4, 4] and np.bincount(small.y_val).tolist() == [3, 3]
    assert len(small.y_test) == len(transfer.task(toy, (7, 2)).y_test)  # the test split keeps all
    rows = lambda x: {arr.tobytes() for arr in x}  # every toy image is unique: sets of bytes compare them
    assert not rows(small.x_train) & rows(small.x_val), "validation images must not be trained on"
    assert rows(small.x_val) <= rows(toy.x_train)
    again = transfer.task(toy, (7, 2), n_per_class=4, n_val_per_class=3, seed=1)
    np.testing.assert_array_equal(small.x_val, again.x_val)  # fixed by the seed
    other = transfer.task(toy, (7, 2), n_per_class=4, n_val_per_class=3, seed=2)
    assert rows(other.x_train) != rows(small.x_train)
    with pytest.raises(ValueError, match="'horse' has 10 training images; 3 for validation and 8 for training need 11"):
        transfer.task(toy, (7, 2), n_per_class=8, n_val_per_class=3)


def test_transfer_copies_and_freezes_the_first_n_layers_only():
    source = transfer.build_net(5)
    model = transfer.transfer(source, n=2, n_classes=5, fine_tune=False)
    for name in transfer.LAYERS[:2]:
        for a, b in zip(model.get_layer(name).get_weights(), source.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
        assert not model.get_layer(name).trainable
    assert model.get_layer("block3").trainable
    assert not np.allclose(model.get_layer("block3").get_weights()[0], source.get_layer("block3").get_weights()[0])
    x, y = _toy(64).x_train, np.arange(64) % 5
    before = model.get_layer("block1").get_weights()[0].copy()
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    np.testing.assert_array_equal(model.get_layer("block1").get_weights()[0], before)  # frozen stays
    tuned = transfer.transfer(source, n=2, n_classes=5, fine_tune=True)
    assert all(tuned.get_layer(name).trainable for name in transfer.LAYERS)
    with pytest.raises(ValueError, match="n must be in 0..5"):
        transfer.copy_first_layers(source, tuned, 6)


def test_every_treatment_has_a_style_in_the_plot():
    from helpers import plots

    assert tuple(plots.TREATMENT_STYLES) == transfer.TREATMENTS


def test_train_on_gives_both_arms_the_same_start_but_for_the_copied_blocks():
    sub = transfer.resized(transfer.task(_toy(100), (7, 2), n_per_class=4, n_val_per_class=3), 16)
    assert sub.x_train.shape[1:] == (16, 16, 3) and sub.x_test.shape[1:] == (16, 16, 3)
    source = transfer.build_net(2, (16, 16, 3))
    scratch = transfer.train_on(sub, epochs=2, batch_size=4, seed=3)
    again = transfer.train_on(sub, epochs=2, batch_size=4, seed=3)
    assert scratch.val_accuracy == again.val_accuracy and len(scratch.val_accuracy) == 2  # fixed by the seed
    assert scratch.test_right.shape == (len(sub.y_test),) and 0 <= scratch.test_accuracy <= 1
    keras.utils.set_random_seed(3)
    fresh = transfer.build_net(2, (16, 16, 3))
    keras.utils.set_random_seed(3)
    copied = transfer.transfer(source, len(transfer.WIDTHS), 2, fine_tune=True)
    np.testing.assert_array_equal(fresh.get_layer("dense").get_weights()[0], copied.get_layer("dense").get_weights()[0])
    np.testing.assert_array_equal(copied.get_layer("block4").get_weights()[0], source.get_layer("block4").get_weights()[0])
    with pytest.raises(ValueError, match=r"the task's images are \(32, 32, 3\) and start_from takes \(16, 16, 3\)"):
        transfer.train_on(transfer.task(_toy(100), (7, 2), n_per_class=4, n_val_per_class=3), 1, 4, 0, start_from=source)
    with pytest.raises(ValueError, match="epochs must be at least 1; got 0"):
        transfer.train_on(sub, epochs=0, batch_size=4, seed=0)
