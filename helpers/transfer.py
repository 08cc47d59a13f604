"""Yosinski et al.'s transfer experiment, small: split the classes into tasks A and B,
train a network on each, then copy the first n layers of one into a fresh network for B.

    split_classes("random" | "man-made vs natural")  ->  (classes of A, classes of B)
    task(dataset, classes)                            ->  the images of those classes, relabelled 0..k-1
    build_net(n_classes)                              ->  a small convolutional network, LAYERS named
    transfer(source, n, n_classes, fine_tune)         ->  first n layers copied from source, the rest new

Treatments, as in the paper: BnB (copied from the network trained on B, frozen),
BnB+ (the same, fine-tuned), AnB (copied from A, frozen), AnB+ (from A, fine-tuned).
"""

from __future__ import annotations

import keras
import numpy as np

from . import distribute
from .data import Dataset

# The layers worth cutting at, input side first: four convolutional blocks and a dense layer.
LAYERS = ("block1", "block2", "block3", "block4", "dense")
WIDTHS = (32, 64, 128, 128)
DENSE_UNITS = 256
SPLITS = ("random", "man-made vs natural")
TREATMENTS = ("BnB", "BnB+", "AnB", "AnB+")  # copied from baseB or baseA; "+": fine-tuned
MAN_MADE = (0, 1, 8, 9)  # airplane, automobile, ship, truck in CIFAR-10's order


def split_classes(kind: str, seed: int = 0, n_classes: int = 10) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Classes of task A and task B.

    "random": a seeded half and half (similar tasks). "man-made vs natural":
    A = CIFAR-10's four vehicles, B = its six animals (the paper's dissimilar case).
    """
    if kind == "random":
        order = np.random.default_rng(seed).permutation(n_classes)
        half = n_classes // 2
        return tuple(sorted(int(c) for c in order[:half])), tuple(sorted(int(c) for c in order[half:]))
    if kind == "man-made vs natural":
        return MAN_MADE, tuple(c for c in range(n_classes) if c not in MAN_MADE)
    raise ValueError(f"unknown split {kind!r}; expected one of: {', '.join(SPLITS)}")


def task(dataset: Dataset, classes, n_per_class: int | None = None, seed: int = 0) -> Dataset:
    """The images of ``classes`` only, labels renumbered 0..len(classes)-1 in the order given.

    n_per_class: keep that many training images of each class (the first ones
    of a seeded shuffle); the test split keeps all its images of those classes.
    """
    classes = tuple(int(c) for c in classes)
    if len(set(classes)) != len(classes) or not classes:
        raise ValueError(f"classes must be distinct and not empty; got {classes}")
    lookup = np.full(max(len(dataset.class_names), max(classes) + 1), -1)
    lookup[list(classes)] = np.arange(len(classes))

    def pick(x, y, limit):
        index = np.flatnonzero(np.isin(y, classes))
        if limit is not None:
            index = index[np.random.default_rng(seed).permutation(len(index))]
            index = np.sort(np.concatenate([index[y[index] == c][:limit] for c in classes]))
        return x[index], lookup[y[index]]

    x_train, y_train = pick(dataset.x_train, dataset.y_train, n_per_class)
    x_test, y_test = pick(dataset.x_test, dataset.y_test, None)
    names = tuple(dataset.class_names[c] for c in classes)
    return Dataset(x_train, y_train, x_test, y_test, names, dataset.source)


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
