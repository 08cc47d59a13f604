"""Does the input pipeline keep up with training? Side by side, one run, per notebook that
trains from image files (01 and 02: JPEG files read, decoded and resized by tf.data).

    ACV_DATA_DIR=../shared/data python tools/benchmarks/bench_input_pipeline.py [--profile cpu|full] [--batches N]

For each notebook, at its profile's image size and batch:
- pipeline: images per second from ``pets.dataset`` alone (read, decode, resize in parallel,
  prefetch), iterated without a model;
- training: images per second of the notebook's trainable step (frozen base + head, as the
  notebook builds it) on batches already in memory, so it never waits for input;
- the ratio pipeline / training. Above 1 the model never waits for its data; below 1 the
  accelerator idles and the pipeline is the thing to speed up (more parallel calls, cache()).
Without the data folder it runs on the stand-in photos, whose files are fewer and smaller.
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np

import helpers  # noqa: F401  (quiet TensorFlow start-up)
from helpers import data
from helpers.course import profile

# (notebook, its base, the layer it cuts the base at: None for the whole base)
NOTEBOOKS = (("01_feature_extraction", keras.applications.InceptionV3, "mixed7"),
             ("02_fine_tuning", keras.applications.MobileNetV2, None))


def pipeline_images_per_second(pets, image_size: int, batch_size: int, batches: int) -> float:
    ds = pets.dataset("train", image_size, batch_size, shuffle=True).repeat()
    iterator = iter(ds)
    next(iterator)  # the first batch pays for tracing and for filling the prefetch buffer
    started, seen = time.perf_counter(), 0
    for _ in range(batches):
        images, _ = next(iterator)
        seen += int(images.shape[0])
    return seen / (time.perf_counter() - started)


def model_of(base_fn, cut: str | None, image_size: int) -> keras.Model:
    base = base_fn(weights=None, include_top=False, input_shape=(image_size, image_size, 3))  # speed only
    if cut:
        base = keras.Model(base.input, base.get_layer(cut).output)
    base.trainable = False
    inputs = keras.Input((image_size, image_size, 3))
    x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
    outputs = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(256, activation="relu")(x))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(1e-4), loss="binary_crossentropy")
    return model


def training_images_per_second(model: keras.Model, image_size: int, batch_size: int, batches: int) -> float:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (batch_size, image_size, image_size, 3)).astype("float32")
    y = rng.integers(0, 2, (batch_size, 1)).astype("float32")
    model.train_on_batch(x, y)  # traces the step
    started = time.perf_counter()
    for _ in range(batches):
        model.train_on_batch(x, y)
    return batches * batch_size / (time.perf_counter() - started)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="cpu", choices=("cpu", "full"))
    parser.add_argument("--batches", type=int, default=6, help="batches timed per measurement")
    args = parser.parse_args(argv)
    print(f"{'notebook':<22} {'size':>5} {'batch':>6} {'pipeline img/s':>15} {'training img/s':>15} {'ratio':>7}  data")
    for notebook, base_fn, cut in NOTEBOOKS:
        cfg = profile.settings(notebook, args.profile)
        n_train = (args.batches + 1) * cfg.batch_size
        pets = data.load_cats_vs_dogs(cfg.variant, standin_size=(n_train, cfg.batch_size), image_size=cfg.image_size)
        pets = pets.subset(n_train, cfg.batch_size)
        pipeline = pipeline_images_per_second(pets, cfg.image_size, cfg.batch_size, args.batches)
        training = training_images_per_second(model_of(base_fn, cut, cfg.image_size), cfg.image_size,
                                               cfg.batch_size, args.batches)
        print(f"{notebook:<22} {cfg.image_size:>5} {cfg.batch_size:>6} {pipeline:15.1f} {training:15.1f} "
              f"{pipeline / training:7.1f}  {pets.source.kind}")


if __name__ == "__main__":
    main()
