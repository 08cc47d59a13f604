"""helpers.course.rehearsal and tools.rehearse: the full profile's settings with data cut small and one epoch per fit."""

from pathlib import Path

import keras
import numpy as np

from helpers.course import profile, rehearsal
from tools import rehearse


def test_a_rehearsal_keeps_every_setting_but_cuts_the_data(monkeypatch):
    monkeypatch.setenv("ACV_REHEARSAL", "1")
    full = {**profile.COMMON["full"], **profile.NOTEBOOKS["03_cifar10_resnet50_upsampling"]["full"]}
    cfg = profile.settings("03_cifar10_resnet50_upsampling", "full")
    assert cfg.rehearsal and cfg.profile == "full"
    assert (cfg.factor, cfg.batch_size, cfg.learning_rate, cfg.res_factors) == (7, 64, 0.01, full["res_factors"])
    assert cfg.n_train == cfg.n_test == cfg.res_n_train == cfg.probe_n_test == rehearsal.BATCHES * 64
    assert "REHEARSAL of full" in cfg.table()


def test_all_data_and_per_class_sizes_are_cut_and_every_little_data_size_kept(monkeypatch):
    monkeypatch.setenv("ACV_REHEARSAL", "1")
    pets = profile.settings("01_feature_extraction", "full")
    assert (pets.n_train, pets.n_val, pets.variant, pets.image_size) == (100, 100, "petimages", 150)  # None: all -> one batch of 100
    transfer = profile.settings("06_transferability", "full")
    assert transfer.n_per_class == rehearsal.PER_CLASS and transfer.little_n == 4 and transfer.ns == (1, 2, 3, 4)
    assert transfer.seeds == (0,) and transfer.splits == profile.NOTEBOOKS["06_transferability"]["full"]["splits"]
    assert len(transfer.little_data) == len(profile.NOTEBOOKS["06_transferability"]["full"]["little_data"])
    assert profile.settings("07_iou_losses_at_scale", "full").n_points == rehearsal.SIMULATION_POINTS


def test_without_the_variable_nothing_changes(monkeypatch):
    monkeypatch.delenv("ACV_REHEARSAL", raising=False)
    cfg = profile.settings("03_cifar10_resnet50_upsampling", "full")
    assert not cfg.rehearsal and cfg.n_train == 50000


def test_every_fit_runs_one_epoch_after_install(monkeypatch):
    original = keras.Model.fit
    monkeypatch.setattr(keras.Model, "fit", original)  # restored after the test
    rehearsal.install()
    rehearsal.install()  # twice: still one wrapper
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((8, 3), "float32"), np.zeros(8, "float32")
    assert len(model.fit(x, y, epochs=20, verbose=0).history["loss"]) == 1
    assert model.fit(x, y, epochs=20, initial_epoch=10, verbose=0).epoch == [10]


def test_peak_memory_is_a_positive_number_of_megabytes():
    assert 10 < rehearsal.peak_memory_mb() < 24 * 1024


def test_every_notebook_has_a_projection_and_full_fits_twelve_gib_even_from_a_large_rehearsal_peak():
    from helpers.course import profile

    assert set(rehearse.FULL_DATA) == set(profile.NOTEBOOKS), "a notebook without a full-size projection"
    for notebook in rehearse.FULL_DATA:
        assert rehearse.projected_mb(notebook, peak_mb=4096) <= rehearse.FIT_GIB * 1024, notebook


def test_the_summary_reads_only_rehearsals_and_flags_what_does_not_fit(tmp_path, monkeypatch):
    import json

    monkeypatch.setitem(rehearse.FULL_DATA, "99_huge", [("everything", 10**6, 2**20)])  # a terabyte
    for notebook, is_rehearsal in (("05_bird_boxes", True), ("99_huge", True), ("02_fine_tuning", False)):
        (tmp_path / f"{notebook}.json").write_text(json.dumps(
            {"notebook": notebook, "rehearsal": is_rehearsal, "wall_time_s": 85.2, "peak_memory_mb": 2000.0}))
    table = rehearse.summary(tmp_path)
    assert "| 05_bird_boxes | 85 | 2,000 |" in table and "| yes |" in table
    assert "| 99_huge |" in table and table.endswith("| NO |") and "02_fine_tuning" not in table
    assert rehearse.main(["summary", str(tmp_path)]) == 1


def test_the_passes_are_the_stand_ins_always_and_the_data_folder_where_it_exists(tmp_path):
    only_stand_ins = rehearse.passes(tmp_path / "missing", tmp_path / "build")
    assert list(only_stand_ins) == ["stand-ins"] and only_stand_ins["stand-ins"]["ACV_DATA_DIR"] == ""
    both = rehearse.passes(tmp_path, tmp_path / "build")
    assert len(both) == 2
    for env in both.values():
        assert (env["ACV_REHEARSAL"], env["ACV_PROFILE"], env["ACV_OFFLINE"]) == ("1", "full", "1")
    assert [Path(env["ACV_BUILD_DIR"]).name for env in both.values()] == ["rehearsal", "rehearsal-real"]
