"""Does XLA (jit_compile) speed up CPU training of notebook 06's small network? Side by side, one run.

    python tools/benchmarks/bench_xla_small_cnn.py

Trains helpers.transfer.build_net (4 conv blocks, 5 classes, 32x32 inputs) on 2,500 random
images for 2 epochs at batch 64, with and without jit_compile, alternating three times
each after a warm-up fit that traces the step; prints the median seconds and the ratio.
"""

import time

import keras
import numpy as np

import helpers  # noqa: F401  (quiet TensorFlow start-up)
from helpers import transfer

ROUNDS = 3


def seconds_for_two_epochs(jit: bool, x, y) -> float:
    model = transfer.build_net(5)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit)
    model.fit(x[:128], y[:128], epochs=1, batch_size=64, verbose=0)  # traces (and compiles) the step
    started = time.perf_counter()
    model.fit(x, y, epochs=2, batch_size=64, verbose=0)
    return time.perf_counter() - started


def main() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (2500, 32, 32, 3)).astype("uint8"), np.arange(2500) % 5
    times = {False: [], True: []}
    for _ in range(ROUNDS):
        for jit in (False, True):
            times[jit].append(seconds_for_two_epochs(jit, x, y))
    plain, xla = (float(np.median(times[j])) for j in (False, True))
    print(f"{'jit_compile':<12} {'median s (2 epochs)':>20}")
    print(f"{'False':<12} {plain:20.2f}")
    print(f"{'True':<12} {xla:20.2f}")
    print(f"XLA / plain: {xla / plain:.2f}x the time ({'faster' if xla < plain else 'slower'} with XLA)")


if __name__ == "__main__":
    main()
