"""Yosinski et al.'s transfer experiment, small: split the classes into tasks A and B,
train a network on each, then copy the first n layers of one into a fresh network for B.

    split_classes("mixed" | "man-made vs natural")   ->  (classes of A, classes of B)
    task(dataset, classes, n_per_class, n_val_per_class, seed)
                                                      ->  Task: those classes relabelled 0..k-1, with
                                                          training, validation and test images
    build_net(n_classes)                              ->  a small convolutional network, LAYERS named
    transfer(source, n, n_classes, fine_tune)         ->  first n layers copied from source, the rest new
    resized(task, size)                               ->  the same task at size x size pixels
    train_on(task, epochs, batch_size, seed, start_from)
                                                      ->  Trained: the network trained on a task from random
                                                          weights, or from another network's blocks (08)

Treatments, as in the paper: BnB (copied from the network trained on B, frozen),
BnB+ (the same, fine-tuned), AnB (copied from A, frozen), AnB+ (from A, fine-tuned).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import keras
import numpy as np

from . import distribute
from .data import Dataset, resize_all
from .sources import Source
from .training import EpochTimer

# The layers worth cutting at, input side first: four convolutional blocks and a dense layer.
LAYERS = ("block1", "block2", "block3", "block4", "dense")
WIDTHS = (32, 64, 128, 128)
DENSE_UNITS = 256
TREATMENTS = ("BnB", "BnB+", "AnB", "AnB+")  # copied from baseB or baseA; "+": fine-tuned
MAN_MADE = (0, 1, 8, 9)  # airplane, automobile, ship, truck in CIFAR-10's order
# The two splits, fixed by design (CIFAR-10's class numbers):
# - "mixed": each task holds two vehicles and three animals, and each class of B has a cousin in A
#   (airplane/ship, automobile/truck, bird/frog, cat/dog, deer/horse): similar tasks.
# - "man-made vs natural": A = the four vehicles, B = the six animals: the paper's dissimilar case.
SPLIT_CLASSES = {
    "mixed": ((0, 1, 2, 3, 4), (5, 6, 7, 8, 9)),
    "man-made vs natural": (MAN_MADE, tuple(c for c in range(10) if c not in MAN_MADE)),
}
SPLITS = tuple(SPLIT_CLASSES)


def split_classes(kind: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Classes of task A and task B for one of ``SPLITS`` (see ``SPLIT_CLASSES``)."""
    if kind not in SPLIT_CLASSES:
        raise ValueError(f"unknown split {kind!r}; expected one of: {', '.join(SPLITS)}")
    return SPLIT_CLASSES[kind]


@dataclass(frozen=True)
class Task:
    """One task's images, labels renumbered 0..k-1 in the order of ``class_names``.

    x_*: (N, 32, 32, 3) uint8; y_*: (N,) int64. The validation images come from the data set's
    training images (never from its test images) and are disjoint from x_train.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: Source


def task(dataset: Dataset, classes, n_per_class: int | None = None, n_val_per_class: int = 0,
         seed: int = 0) -> Task:
    """The images of ``classes`` only, labels renumbered 0..len(classes)-1 in the order given.

    Each class's training images are shuffled with ``seed``; the first ``n_val_per_class`` become
    validation images, the next ``n_per_class`` (None: all the rest) training images. The test
    split keeps all its images of those classes. Raises ValueError when a class has too few.
    """
    classes = tuple(int(c) for c in classes)
    if len(set(classes)) != len(classes) or not classes:
        raise ValueError(f"classes must be distinct and not empty; got {classes}")
    if n_val_per_class < 0 or (n_per_class is not None and n_per_class < 1):
        raise ValueError(f"n_per_class must be at least 1 (or None) and n_val_per_class at least 0; "
                         f"got {n_per_class} and {n_val_per_class}")
    lookup = np.full(max(len(dataset.class_names), max(classes) + 1), -1)
    lookup[list(classes)] = np.arange(len(classes))
    order = np.random.default_rng(seed).permutation(len(dataset.y_train))
    val_index, train_index = [], []
    for c in classes:
        mine = order[dataset.y_train[order] == c]  # this class's training images, shuffled
        wanted = n_val_per_class + (n_per_class or 1)
        if len(mine) < wanted:
            raise ValueError(f"class {dataset.class_names[c]!r} has {len(mine)} training images; "
                             f"{n_val_per_class} for validation and {n_per_class} for training need {wanted}")
        val_index.append(mine[:n_val_per_class])
        train_index.append(mine[n_val_per_class:n_val_per_class + n_per_class if n_per_class else None])
    val_index, train_index = np.sort(np.concatenate(val_index)), np.sort(np.concatenate(train_index))
    test_index = np.flatnonzero(np.isin(dataset.y_test, classes))
    names = tuple(dataset.class_names[c] for c in classes)
    return Task(dataset.x_train[train_index], lookup[dataset.y_train[train_index]],
                dataset.x_train[val_index], lookup[dataset.y_train[val_index]],
                dataset.x_test[test_index], lookup[dataset.y_test[test_index]], names, dataset.source)


def build_net(n_classes: int, input_shape=(32, 32, 3), learning_rate: float = 1e-3) -> keras.Model:
    """A small compiled classifier whose layers in ``LAYERS`` can be copied one by one.

    (32, 32, 3) uint8-range input -> Rescaling -> 4 x [Conv2D 3x3 relu + MaxPooling2D]
    -> Flatten -> Dense(256, relu) -> Dropout -> Dense(n_classes, softmax).
    No BatchNormalization, so a copied layer is only its weights.
    """
    with distribute.strategy().scope():  # variables on every replica (one, on one device)
        inputs = keras.Input(input_shape)
        x = keras.layers.Rescaling(1 / 255)(inputs)
        for name, width in zip(LAYERS[:4], WIDTHS):
            x = keras.layers.Conv2D(width, 3, padding="same", activation="relu", name=name)(x)
            x = keras.layers.MaxPooling2D(name=f"{name}_pool")(x)  # 32 -> 16 -> 8 -> 4 -> 2
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(DENSE_UNITS, activation="relu", name=LAYERS[4])(x)
        x = keras.layers.Dropout(0.3)(x)
        outputs = keras.layers.Dense(n_classes, activation="softmax", name="output", dtype="float32")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], jit_compile=distribute.jit_compile())
    return model


def copy_first_layers(source: keras.Model, target: keras.Model, n: int) -> None:
    """Copy the weights of ``LAYERS[:n]`` from ``source`` into ``target``."""
    if not 0 <= n <= len(LAYERS):
        raise ValueError(f"n must be in 0..{len(LAYERS)}; got {n}")
    for name in LAYERS[:n]:
        target.get_layer(name).set_weights(source.get_layer(name).get_weights())


def transfer(source: keras.Model, n: int, n_classes: int, fine_tune: bool,
             learning_rate: float = 1e-3) -> keras.Model:
    """A fresh network for a task of ``n_classes``: ``LAYERS[:n]`` copied from ``source``,
    frozen unless ``fine_tune``, every other layer newly initialised. Compiled."""
    model = build_net(n_classes, source.input_shape[1:], learning_rate)
    copy_first_layers(source, model, n)
    for name in LAYERS[:n]:
        model.get_layer(name).trainable = fine_tune
    with distribute.strategy().scope():  # again: trainable changes take effect at compile time
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], jit_compile=distribute.jit_compile())
    return model


def resized(task: Task, size: int) -> Task:
    """``task`` with every image resized to (size, size, 3) (bilinear), labels unchanged."""
    return replace(task, x_train=resize_all(task.x_train, size), x_val=resize_all(task.x_val, size),
                   x_test=resize_all(task.x_test, size))


@dataclass(frozen=True)
class Trained:
    """One network trained on one task: validation accuracy after each epoch, and the test images."""

    val_accuracy: tuple[float, ...]  # (epochs,)
    test_right: np.ndarray  # (n_test,) 1.0 / 0.0 per test image
    epoch_seconds: float  # mean wall time of an epoch after the first (the first traces the graph)

    @property
    def test_accuracy(self) -> float:
        return float(self.test_right.mean())


def train_on(task: Task, epochs: int, batch_size: int, seed: int, start_from: keras.Model | None = None,
             learning_rate: float = 1e-3) -> Trained:
    """``build_net`` trained on ``task`` for ``epochs``, from random weights (``start_from`` None) or with its
    four convolutional blocks copied from ``start_from`` and fine-tuned, its dense layers new.

    The seed is set before the network is built: two calls with one seed give both networks the same
    initial dense layers and the same order of batches, so they differ only in where the blocks start.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1; got {epochs}")
    n_classes = len(task.class_names)
    keras.utils.set_random_seed(seed)
    if start_from is None:
        model = build_net(n_classes, task.x_train.shape[1:], learning_rate)
    else:
        if start_from.input_shape[1:] != task.x_train.shape[1:]:
            raise ValueError(f"the task's images are {task.x_train.shape[1:]} and start_from takes "
                             f"{start_from.input_shape[1:]}: resize the task (transfer.resized)")
        model = transfer(start_from, len(WIDTHS), n_classes, fine_tune=True, learning_rate=learning_rate)
    timer = EpochTimer()
    history = model.fit(task.x_train, task.y_train, validation_data=(task.x_val, task.y_val), epochs=epochs,
                        batch_size=batch_size, callbacks=[timer], verbose=0)
    predicted = model.predict(task.x_test, batch_size=256, verbose=0).argmax(axis=1)
    return Trained(tuple(history.history["val_accuracy"]), (predicted == task.y_test).astype(float), timer.steady_epoch_s)
