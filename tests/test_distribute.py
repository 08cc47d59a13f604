"""helpers.distribute: which strategy, the global batch, mixed precision and XLA; and
tf.distribute itself on this CPU: 2 logical devices, and 2 worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import distribute

WORKER = Path(__file__).with_name("distributed_worker.py")
TWO_WORKERS = json.dumps({"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 0}})


@pytest.mark.parametrize("tf_config, n_gpus, tpu, expected", [
    (None, 0, False, "default"),
    (None, 1, False, "default"),
    (None, 2, False, "mirrored"),
    (None, 8, True, "tpu"),
    (TWO_WORKERS, 0, False, "multi-worker"),
    (TWO_WORKERS, 4, False, "multi-worker"),  # several machines with several GPUs each
    (json.dumps({"cluster": {"worker": ["127.0.0.1:1"]}, "task": {"type": "worker", "index": 0}}), 2, False, "mirrored"),
])
def test_the_strategy_follows_the_machine(tf_config, n_gpus, tpu, expected):
    assert distribute.choose(tf_config, n_gpus, tpu) == expected


def test_a_tf_config_that_is_not_json_says_what_it_expected():
    with pytest.raises(ValueError, match=r"TF_CONFIG is not a JSON object.*'cluster'.*worker"):
        distribute.workers_in("worker=host1,host2")


def test_one_device_here_is_the_default_strategy_with_one_replica():
    chosen = distribute.strategy()
    assert chosen is distribute.strategy()  # chosen once per process
    assert distribute.replicas(chosen) == 1 and distribute.global_batch(64, chosen) == 64
    assert distribute.describe(chosen).startswith("default strategy: 1 replica (")


def test_the_global_batch_is_per_replica_times_replicas_and_rejects_nonsense():
    class FourReplicas:
        num_replicas_in_sync = 4

    assert distribute.global_batch(64, FourReplicas()) == 256
    with pytest.raises(ValueError, match="positive integer, got 0"):
        distribute.global_batch(0, FourReplicas())


@pytest.mark.parametrize("profile, capabilities, replicas, switch, mixed, xla", [
    ("full", [(8, 0)], 1, None, True, True),     # A100: both on
    ("full", [(9, 0)] * 2, 2, None, True, False),  # two H100: XLA left to Keras's choice under tf.distribute (off)
    ("full", [(6, 0)], 1, None, False, False),   # P100: no tensor cores
    ("full", [(8, 0)], 1, "0", False, False),    # the switch
    ("cpu", [(8, 0)], 1, None, False, False),    # cpu profile on a GPU keeps float32
    ("full", [], 1, None, False, False),         # no GPU
    ("full", [], 1, "force", True, True),        # the GPU's code path on a CPU, for a rehearsal
])
def test_mixed_precision_and_xla_only_where_they_help(profile, capabilities, replicas, switch, mixed, xla):
    decided = distribute.decide(profile, capabilities, replicas, switch)
    assert (decided.mixed_precision, decided.jit_compile) == (mixed, xla)
    assert "ACV_FAST=0" in decided.line()


def test_on_this_cpu_the_setup_keeps_float32_and_the_profile_batch(monkeypatch):
    import keras

    from helpers.course import session

    monkeypatch.delenv("ACV_REHEARSAL", raising=False)
    cfg, lines = session.for_devices(session.profiles.settings("04_object_localization", "smoke"))
    assert keras.mixed_precision.global_policy().name == "float32"
    assert (cfg.replicas, cfg.jit_compile, cfg.batch_size) == (1, False, 64)
    assert any("strategy: default strategy: 1 replica" in line for line in lines)


def run_worker(mode: str, out: Path, env: dict | None = None, timeout: int = 240) -> dict[str, np.ndarray]:
    done = subprocess.run([sys.executable, str(WORKER), mode, str(out)], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(np.load(out))


def test_mirrored_over_two_logical_cpus_matches_one_device(tmp_path):
    single = run_worker("single", tmp_path / "single.npz")
    mirrored = run_worker("mirrored", tmp_path / "mirrored.npz")
    assert (int(single["replicas"]), int(mirrored["replicas"])) == (1, 2)
    # The same global batch: each replica averages half of it and the gradients are summed
    # across replicas, so the steps are the same up to float32 rounding in the sum's order.
    for key in single:
        if key.startswith("w"):
            np.testing.assert_allclose(mirrored[key], single[key], rtol=1e-4, atol=1e-5, err_msg=key)
    np.testing.assert_allclose(mirrored["loss"], single["loss"], rtol=1e-4)


def test_the_notebooks_own_models_build_and_train_under_mirrored(tmp_path):
    trained = run_worker("notebooks", tmp_path / "notebooks.npz")
    assert int(trained["replicas"]) == 2
    assert np.isfinite(trained["head_loss"]).all() and np.isfinite(trained["localizer_loss"]).all()


def free_loopback_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def run_two_workers(mode: str, folder: Path) -> list[tuple[int, str]]:
    """Two worker processes on 127.0.0.1, free ports; (return code, stderr) of each. No worker outlives it."""
    ports = free_loopback_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    processes = []
    try:
        for index in range(2):
            env = {**os.environ, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
                   "CUDA_VISIBLE_DEVICES": ""}
            processes.append(subprocess.Popen([sys.executable, str(WORKER), mode, str(folder / f"w{index}.npz")],
                                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        errors = [p.communicate(timeout=240)[1] for p in processes]
    finally:
        for p in processes:  # whatever happened (a timeout included), stop both
            if p.poll() is None:
                p.kill()
                p.wait()
    return [(p.returncode, err) for p, err in zip(processes, errors)]


def test_two_workers_on_loopback_end_with_identical_weights(tmp_path):
    for code, err in run_two_workers("worker", tmp_path):
        assert code == 0, err[-3000:]
    first, second = (dict(np.load(tmp_path / f"w{i}.npz")) for i in range(2))
    assert str(first["kind"]) == str(second["kind"]) == "MultiWorkerMirroredStrategy"
    assert int(first["replicas"]) == 2
    weights = sorted(k for k in first if k.startswith("w"))
    assert weights
    for key in weights:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)
    initial = dict(np.load(run_initial(tmp_path)))
    assert any(not np.allclose(first[k], initial[k]) for k in weights), "the workers did not train"


def test_without_our_workaround_keras_fit_fails_on_two_workers(tmp_path):
    """keras-team/keras#20585. When this fails, Keras has fixed it: drop the workaround in helpers.distribute."""
    results = run_two_workers("worker-keras-as-is", tmp_path)
    assert all(code != 0 and "PerReplica" in err for code, err in results), [err[-500:] for _, err in results]


def run_initial(tmp_path: Path) -> Path:
    """The small model's weights before training (0 steps), to show the workers moved them."""
    code = (f"import sys, numpy as np; sys.path.insert(0, {str(WORKER.parent)!r}); import distributed_worker as w; "
            f"m = w.small_model(); np.savez({str(tmp_path / 'initial.npz')!r}, "
            "**{f'w{i}': a for i, a in enumerate(m.get_weights())})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return tmp_path / "initial.npz"
