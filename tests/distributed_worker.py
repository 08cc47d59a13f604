"""Runs in its own process for tests/test_distribute.py: TensorFlow's devices and
strategies are fixed when it starts, so each arrangement needs a fresh interpreter.

    python tests/distributed_worker.py single   OUT.npz   # one device
    python tests/distributed_worker.py mirrored OUT.npz   # MirroredStrategy, 2 logical CPUs
    python tests/distributed_worker.py notebooks OUT.npz  # 01's head and 04's model, mirrored
    TF_CONFIG=... python tests/distributed_worker.py worker OUT.npz  # one of 2 MultiWorkerMirrored workers
    TF_CONFIG=... python tests/distributed_worker.py worker-keras-as-is OUT.npz  # the same, without our workaround

Each writes the trained weights (and losses) to OUT.npz. The data and the global batch
are the same in every mode, so the runs can be compared weight for weight.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GLOBAL_BATCH = 32
STEPS = 4


def logical_cpus(n: int) -> None:
    """Split the one CPU into ``n`` logical devices (before TensorFlow uses it)."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(GLOBAL_BATCH * STEPS, 8)).astype("float32")
    y = (x @ rng.normal(size=(8, 1)) + 0.1 * rng.normal(size=(len(x), 1))).astype("float32")
    return x, y


def small_model():
    import keras

    keras.utils.set_random_seed(0)  # the same initial weights in every mode and worker
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def train_small(strategy) -> dict[str, np.ndarray]:
    import tensorflow as tf

    with strategy.scope():
        model = small_model()
    # A tf.data pipeline, batched by the global batch, in one fixed order on every arrangement.
    # (NumPy arrays fail under MultiWorkerMirroredStrategy in Keras 3: fit cannot convert the
    # per-replica batches of its own generator; a dataset is what the guides use anyway.)
    batches = tf.data.Dataset.from_tensor_slices(data()).batch(GLOBAL_BATCH)
    history = model.fit(batches, epochs=1, verbose=0)
    out = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    out["loss"] = np.array(history.history["loss"])
    out["replicas"] = np.array(strategy.num_replicas_in_sync)
    return out


def notebook_functions(path: Path, names: set[str], namespace: dict) -> dict:
    """Define the functions ``names`` exactly as a notebook's code cells write them."""
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        wanted = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
        if wanted:
            exec(compile(ast.Module(body=wanted, type_ignores=[]), str(path), "exec"), namespace)
    missing = names - set(namespace)
    if missing:
        raise LookupError(f"{path.name} defines no {sorted(missing)}")
    return namespace


def train_notebook_models(strategy) -> dict[str, np.ndarray]:
    """01's head and 04's two-headed model, built and compiled by the notebooks' own code, a few steps each."""
    from types import SimpleNamespace

    import keras

    from helpers import losses

    cfg = SimpleNamespace(jit_compile=False)
    ns = {"keras": keras, "losses": losses, "strategy": strategy, "cfg": cfg, "np": np}
    notebooks = ROOT / "notebooks"
    notebook_functions(notebooks / "01_feature_extraction.ipynb", {"build_head"}, ns)
    notebook_functions(notebooks / "04_object_localization.ipynb",
                       {"feature_extractor", "build_our_model", "compile_ours", "box_metrics"}, ns)
    rng = np.random.default_rng(0)
    out = {}

    keras.utils.set_random_seed(0)
    with strategy.scope():
        head = ns["build_head"]((7, 7, 768))  # mixed7's output at 150 px
        head.compile(optimizer=keras.optimizers.RMSprop(1e-4), loss="binary_crossentropy", metrics=["accuracy"])
    x = rng.normal(size=(GLOBAL_BATCH * 2, 7, 7, 768)).astype("float32")
    y = rng.integers(0, 2, size=(len(x), 1)).astype("float32")
    out["head_loss"] = np.array(head.fit(x, y, batch_size=GLOBAL_BATCH, verbose=0).history["loss"])

    keras.utils.set_random_seed(0)
    model = ns["compile_ours"](ns["build_our_model"](), losses.GIoULoss("rel_xyxy"), 1.0, steps=2)
    images = rng.integers(0, 255, size=(GLOBAL_BATCH * 2, 75, 75, 1)).astype("float32")
    corners = np.sort(rng.uniform(size=(len(images), 2, 2)), axis=1)  # (N, 2 corners, x/y), ordered
    boxes = corners.transpose(0, 2, 1).reshape(-1, 4)[:, [0, 2, 1, 3]].astype("float32")  # x1, y1, x2, y2
    targets = {"classification": rng.integers(0, 10, len(images)), "bounding_box": boxes}
    history = model.fit(images, targets, batch_size=GLOBAL_BATCH, verbose=0)
    out["localizer_loss"] = np.array(history.history["loss"])
    out["replicas"] = np.array(strategy.num_replicas_in_sync)
    return out


def main(mode: str, out_path: str) -> None:
    if mode in {"mirrored", "notebooks"}:
        logical_cpus(2)
    import tensorflow as tf

    if mode == "single":
        result = train_small(tf.distribute.get_strategy())
    elif mode == "mirrored":
        result = train_small(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    elif mode == "notebooks":
        result = train_notebook_models(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    elif mode == "worker":
        from helpers import distribute

        strategy = distribute.strategy()  # TF_CONFIG names 2 workers: MultiWorkerMirroredStrategy
        result = train_small(strategy)
        result["kind"] = np.array(distribute.name(strategy))
    elif mode == "worker-keras-as-is":  # the strategy without helpers.distribute's workaround
        result = train_small(tf.distribute.MultiWorkerMirroredStrategy())
    else:
        raise SystemExit(f"unknown mode {mode!r}; expected single, mirrored, notebooks, worker or worker-keras-as-is")
    np.savez(out_path, **result)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
