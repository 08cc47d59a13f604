"""One place picks how a notebook's models are spread over devices, and how fast each runs.

    strategy = distribute.strategy()          # chosen once per process, printed by helpers.start
    with strategy.scope():
        model = build_model()                 # variables live on every replica
        model.compile(...)
    model.fit(data, batch_size=cfg.batch_size)  # cfg.batch_size is already the global batch

The choice (``choose``), first match wins:

1. ``TPUStrategy``   when a TPU is attached (``$TPU_NAME``, ``$COLAB_TPU_ADDR`` or a local TPU device);
2. ``MultiWorkerMirroredStrategy`` when ``$TF_CONFIG`` names two or more workers;
3. ``MirroredStrategy`` when TensorFlow sees two or more GPUs;
4. the default strategy: one device, exactly as without ``tf.distribute``.

The global batch is the per-replica batch (the profile's ``batch_size``) times the
replicas (``global_batch``); learning rates stay the course's. On a GPU of compute
capability 7.0 or more, the ``full`` profile also turns on mixed precision
(``mixed_float16``; output layers stay float32) and XLA (``jit_compile``):
``accelerate``. ``ACV_FAST=0`` turns both off; ``ACV_FAST=force`` turns both on anywhere,
so that a rehearsal on a CPU runs the GPU's code path.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

FAST_VAR = "ACV_FAST"
TPU_VARS = ("TPU_NAME", "COLAB_TPU_ADDR")
KINDS = ("tpu", "multi-worker", "mirrored", "default")
MIN_COMPUTE_CAPABILITY = (7, 0)  # Volta and later: tensor cores make float16 fast

_chosen: Any = None  # the process's strategy: a strategy must be created once, before any model
_jit_compile = False  # what ``accelerate`` decided last: for models that helpers build


def workers_in(tf_config: str | None) -> int:
    """How many workers ``$TF_CONFIG`` names (0 when unset); a clear error when it is not valid JSON."""
    if not tf_config:
        return 0
    try:
        cluster = json.loads(tf_config).get("cluster", {})
    except (json.JSONDecodeError, AttributeError) as err:
        raise ValueError(f"TF_CONFIG is not a JSON object with a 'cluster' ({err}): {tf_config[:200]!r}; "
                         'expected e.g. {"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                         '"task": {"type": "worker", "index": 0}}') from None
    return len(cluster.get("worker", [])) + len(cluster.get("chief", []))


def choose(tf_config: str | None, n_gpus: int, tpu: bool) -> str:
    """Which strategy fits this machine: one of ``KINDS`` (pure: tested without devices)."""
    if tpu:
        return "tpu"
    if workers_in(tf_config) >= 2:
        return "multi-worker"
    if n_gpus >= 2:
        return "mirrored"
    return "default"


def _tpu_attached() -> bool:
    import tensorflow as tf

    # Only where a TPU is announced: probing for one elsewhere asks a metadata server and waits.
    return any(os.environ.get(v) for v in TPU_VARS) or bool(tf.config.list_physical_devices("TPU"))


def build(kind: str):
    """The ``tf.distribute`` strategy of one of ``KINDS``."""
    import tensorflow as tf

    if kind == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=os.environ.get("TPU_NAME", ""))
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    if kind == "multi-worker":
        chosen = tf.distribute.MultiWorkerMirroredStrategy()
        _let_keras_fit_run_on_several_workers()
        return chosen
    if kind == "mirrored":
        return tf.distribute.MirroredStrategy()
    if kind == "default":
        return tf.distribute.get_strategy()
    raise ValueError(f"unknown strategy kind {kind!r}; expected one of: {', '.join(KINDS)}")


def _let_keras_fit_run_on_several_workers() -> None:
    """Work around keras-team/keras#20585: Keras 3's ``fit`` fails at once under MultiWorkerMirroredStrategy.

    Before the first step, Keras learns the batch's shapes by averaging the whole (x, y)
    batch across replicas with ``strategy.reduce``; on several workers that reduce cannot
    take a structure and raises "Attempt to convert a value (PerReplica ...)". The shapes are
    all it needs, and this worker's first replica has them. Applied only when the
    multi-worker strategy is chosen; tests/test_distribute.py shows fit failing without it.
    """
    import tensorflow as tf
    from keras import tree
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer

    if getattr(TensorFlowTrainer._maybe_symbolic_build, "_local_shapes", False):
        return

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self._distribute_strategy is None:
            return
        if iterator is not None:
            for _, _, batches in iterator:
                data_batch = tree.map_structure(
                    lambda v: (self.distribute_strategy.experimental_local_results(v)[0]
                               if isinstance(v, tf.distribute.DistributedValues) else v), next(batches))
                break
        with self.distribute_strategy.scope():
            self._symbolic_build(data_batch=data_batch)

    # The same bug again after each step: the logs (scalars) are averaged with axis=0,
    # which a scalar does not have. Average scalars whole; everything else as Keras does.
    from keras.src.backend.tensorflow import trainer as tf_trainer

    keras_reduce = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in {"auto", "mean"} and tf_trainer._collective_all_reduce_multi_worker(strategy):
            def mean(v):
                if not isinstance(v, tf.distribute.DistributedValues):
                    return v
                scalar = strategy.experimental_local_results(v)[0].shape.rank == 0
                return strategy.reduce("MEAN", v, axis=None if scalar else 0)
            return tree.map_structure(mean, values)
        return keras_reduce(values, strategy, reduction)

    _maybe_symbolic_build._local_shapes = True
    TensorFlowTrainer._maybe_symbolic_build = _maybe_symbolic_build
    tf_trainer.reduce_per_replica = reduce_per_replica


def strategy():
    """This process's strategy, chosen by ``choose`` the first time and the same one after."""
    global _chosen
    if _chosen is None:
        import tensorflow as tf

        kind = choose(os.environ.get("TF_CONFIG"), len(tf.config.list_physical_devices("GPU")), _tpu_attached())
        _chosen = build(kind)
    return _chosen


def replicas(chosen=None) -> int:
    """How many copies of the model train in step (1 for the default strategy)."""
    return int((chosen or strategy()).num_replicas_in_sync)


def global_batch(per_replica: int, chosen=None) -> int:
    """The batch one training step consumes across all replicas: per-replica batch x replicas."""
    if int(per_replica) < 1:
        raise ValueError(f"per_replica batch must be a positive integer, got {per_replica!r}")
    return int(per_replica) * replicas(chosen)


# TensorFlow's class names, as the guides call them.
NAMES = {"_DefaultDistributionStrategy": "default strategy", "CollectiveAllReduceStrategy": "MultiWorkerMirroredStrategy"}


def name(chosen=None) -> str:
    """The strategy's name as the guides write it: MirroredStrategy, MultiWorkerMirroredStrategy, ..."""
    class_name = type(chosen or strategy()).__name__
    return NAMES.get(class_name, class_name)


def describe(chosen=None) -> str:
    """One line: the strategy's name, its replicas and their devices."""
    import tensorflow as tf

    chosen = chosen or strategy()
    try:
        devices = list(chosen.extended.worker_devices)
    except RuntimeError:  # the default strategy keeps no device list: it runs where TensorFlow places ops
        gpus = tf.config.list_logical_devices("GPU")
        devices = [(gpus or tf.config.list_logical_devices("CPU"))[0].name]
    shown = ", ".join(d.split("/")[-1].replace("device:", "") for d in devices[:4])
    more = f", +{len(devices) - 4} more" if len(devices) > 4 else ""
    return (f"{name(chosen)}: {replicas(chosen)} replica{'s' if replicas(chosen) > 1 else ''}"
            + (f" ({shown}{more})" if shown else ""))


@dataclass(frozen=True)
class Acceleration:
    """What makes a GPU step fast, and why each is on or off."""

    mixed_precision: bool
    jit_compile: bool
    reason: str

    def line(self) -> str:
        on_off = {True: "on", False: "off"}
        return (f"mixed precision {on_off[self.mixed_precision]}, XLA {on_off[self.jit_compile]}: {self.reason}"
                f" ({FAST_VAR}=0 turns both off)")


def decide(profile: str, compute_capabilities: list[tuple[int, int]], n_replicas: int,
           switch: str | None) -> Acceleration:
    """Mixed precision and XLA for ``profile`` on GPUs of these compute capabilities (pure)."""
    switch = str(switch or "").strip().lower()
    if switch in {"0", "false", "no", "off"}:
        return Acceleration(False, False, f"turned off by {FAST_VAR}")
    if switch == "force":  # a GPU's code path on any machine: for rehearsing it on a CPU
        return Acceleration(True, n_replicas == 1, f"forced by {FAST_VAR}=force")
    if not compute_capabilities:
        return Acceleration(False, False, "no GPU (on a CPU both are slower here: tools/benchmarks/bench_xla_small_cnn.py)")
    if profile != "full":
        return Acceleration(False, False, f"the {profile} profile keeps float32 so its numbers match the CPU's")
    if min(compute_capabilities) < MIN_COMPUTE_CAPABILITY:
        return Acceleration(False, False, f"GPU compute capability {min(compute_capabilities)} is below "
                                          f"{MIN_COMPUTE_CAPABILITY}: float16 gains nothing there")
    # Keras leaves XLA off under tf.distribute; so do we, and keep it for one device.
    return Acceleration(True, n_replicas == 1, "a GPU with tensor cores, full profile")


def _compute_capabilities() -> list[tuple[int, int]]:
    import tensorflow as tf

    found = []
    for gpu in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
        found.append(tuple(capability) if capability else (0, 0))
    return found


def accelerate(profile: str, chosen=None) -> Acceleration:
    """Decide (``decide``) and apply: the mixed_float16 policy when on, float32 otherwise."""
    import keras

    global _jit_compile
    chosen_acceleration = decide(profile, _compute_capabilities(), replicas(chosen), os.environ.get(FAST_VAR))
    keras.mixed_precision.set_global_policy("mixed_float16" if chosen_acceleration.mixed_precision else "float32")
    _jit_compile = chosen_acceleration.jit_compile
    return chosen_acceleration


def jit_compile() -> bool:
    """XLA for models compiled inside helpers (``cfg.jit_compile`` in a notebook): False until ``accelerate``."""
    return _jit_compile
