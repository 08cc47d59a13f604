import pytest

from helpers.course import profile


def test_explicit_profile_wins_over_environment(monkeypatch):
    monkeypatch.setenv("ACV_PROFILE", "full")
    assert profile.resolve("smoke") == "smoke"


def test_none_reads_the_environment(monkeypatch):
    monkeypatch.setenv("ACV_PROFILE", "cpu")
    assert profile.resolve(None) == "cpu"


def test_auto_picks_cpu_without_a_gpu(monkeypatch):
    monkeypatch.delenv("ACV_PROFILE", raising=False)
    monkeypatch.setattr(profile, "gpu_available", lambda: False)
    assert profile.resolve(None) == "cpu"
    monkeypatch.setattr(profile, "gpu_available", lambda: True)
    assert profile.resolve("auto") == "full"


def test_unknown_profile_names_the_value_and_the_choices(monkeypatch):
    monkeypatch.setenv("ACV_PROFILE", "gpu")
    with pytest.raises(ValueError, match=r"'gpu'.*ACV_PROFILE.*smoke, cpu, full, auto"):
        profile.resolve(None)


def test_unknown_notebook_lists_the_known_ones():
    with pytest.raises(ValueError, match="00_setup_check"):
        profile.settings("99_nothing", "smoke")


def test_missing_setting_names_the_ones_that_exist():
    cfg = profile.settings("00_setup_check", "smoke")
    assert cfg.seed == 42
    with pytest.raises(AttributeError, match="has no setting 'epochs'.*seed"):
        _ = cfg.epochs


@pytest.mark.parametrize("notebook", sorted(profile.NOTEBOOKS))
def test_every_profile_defines_the_same_settings(notebook):
    keys = {name: set(profile.settings(notebook, name).values) for name in profile.PROFILES}
    assert keys["smoke"] == keys["cpu"] == keys["full"], keys


def test_only_smoke_is_deterministic_by_default():
    assert profile.settings("00_setup_check", "smoke").deterministic
    assert not profile.settings("00_setup_check", "full").deterministic


@pytest.mark.parametrize("notebook, expected", [
    ("01_feature_extraction", {"variant": "petimages", "image_size": 150, "batch_size": 100, "epochs": 2,
                               "learning_rate": 1e-4, "n_train": None}),
    ("02_fine_tuning", {"image_size": 160, "frozen_epochs": 10, "fine_tune_epochs": 10, "fine_tune_at": 100}),
    ("03_cifar10_resnet50_upsampling", {"n_train": 50000, "n_test": 10000, "factor": 7, "batch_size": 64,
                                        "epochs": 4, "learning_rate": 0.01}),
    ("04_object_localization", {"n_train": 60000, "n_test": 10000, "epochs": 10, "batch_size": 64}),
    # the design at CIFAR-10 scale: every network, the little-data arm's too, trains until its
    # validation accuracy stops improving (5 epochs' patience), 5 seeds
    ("06_transferability", {"n_per_class": 4500, "n_val_per_class": 500, "max_epochs": 60, "patience": 5,
                            "seeds": (0, 1, 2, 3, 4)}),
])
def test_full_profile_keeps_the_course_settings(notebook, expected):
    values = profile.settings(notebook, "full").as_dict()
    assert {k: values[k] for k in expected} == expected


def test_settings_table_shows_every_profile_side_by_side_and_marks_this_run():
    table = profile.settings("04_object_localization", "smoke").table()
    header, *rows = table.splitlines()[1:]
    assert header.split() == ["setting", "smoke", "(this", "run)", "cpu", "full"]
    epochs = next(r for r in rows if r.split()[0] == "epochs").split()
    assert epochs[1:] == [str(profile.NOTEBOOKS["04_object_localization"][p]["epochs"]) for p in profile.PROFILES]


def test_acv_reference_gives_cpu_the_reference_values_and_says_so(monkeypatch):
    monkeypatch.setenv(profile.REFERENCE_VAR, "1")
    cfg = profile.settings("06_transferability", "cpu")
    assert cfg.seeds == (0, 1, 2, 3, 4) and cfg.ns == (1, 2, 3, 4) and cfg.reference
    assert "REFERENCE RUN" in cfg.table()
    assert profile.settings("06_transferability", "smoke").seeds == profile.NOTEBOOKS["06_transferability"]["smoke"]["seeds"]
    assert not profile.settings("01_feature_extraction", "cpu").as_dict().keys() & {"seeds", "ns"}
    monkeypatch.setenv(profile.REFERENCE_VAR, "yes")
    with pytest.raises(ValueError, match="ACV_REFERENCE must be 1 .* got 'yes'"):
        profile.settings("06_transferability", "cpu")
    monkeypatch.delenv(profile.REFERENCE_VAR)
    assert profile.settings("06_transferability", "cpu").seeds == profile.NOTEBOOKS["06_transferability"]["cpu"]["seeds"]


def test_each_reference_record_was_run_at_the_reference_values_that_make_reference_uses():
    """The learner's cpu run may be cut by time, but `make reference` must reproduce what the
    notebooks quote as the reference run: cpu with REFERENCE's values, as each record holds them."""
    from helpers.course import results

    compared = []
    for notebook, values in profile.REFERENCE.items():
        record = results.reference(notebook)
        assert record is not None, f"no reference run of {notebook} in reference/cpu/"
        settings, numbers = record.get("settings", {}), record["numbers"]
        for key, value in values.items():  # a record's own sizes may be smaller: what the data held
            recorded = settings.get(key, numbers.get(key))
            if recorded is None or isinstance(recorded, dict):  # not recorded, or a result under that name
                continue
            expected = list(value) if isinstance(value, tuple) else value
            assert recorded == expected, f"{notebook}'s reference run has {key} = {recorded!r}; REFERENCE says {expected!r}"
            compared.append((notebook, key))
    assert {notebook for notebook, _ in compared} >= {"06_transferability"}, compared
