import json
import math

import numpy as np
import pytest

from helpers.course import report
from helpers.sources import Source
from tools import runner


def test_record_writes_numbers_profile_sources_and_versions(build_dir):
    report.start("04_object_localization", "smoke")
    src = Source("mnist", "standin", "digits", real=False)
    path = report.record(data=src, accuracy=np.float32(0.5), loss_comparison={"mse": {"mean_iou": 0.4}})
    assert path == build_dir / "metrics" / "04_object_localization.json"
    rec = json.loads(path.read_text())
    assert rec["profile"] == "smoke"
    assert rec["numbers"] == {"accuracy": 0.5, "loss_comparison": {"mse": {"mean_iou": 0.4}}}
    assert rec["sources"]["data"]["kind"] == "standin" and rec["all_sources_real"] is False
    assert {"tensorflow", "keras", "python"} <= set(rec["versions"])
    assert rec["wall_time_s"] >= 0


def test_record_twice_adds_numbers(build_dir):
    report.start("nb", "cpu")
    report.record(a=1)
    rec = json.loads(report.record(b=2).read_text())
    assert rec["numbers"] == {"a": 1, "b": 2}


def test_a_nan_is_refused_not_recorded(build_dir):
    report.start("nb", "cpu")
    with pytest.raises(ValueError, match="non-finite.*nan"):
        report.record(mean_iou=math.nan)


def test_relative_build_dir_is_taken_from_the_repository_root(monkeypatch):
    monkeypatch.setenv("ACV_BUILD_DIR", "build/smoke")
    assert report.build_dir() == report.Path(report.__file__).resolve().parents[2] / "build" / "smoke"


def test_summary_table_flattens_nested_numbers_and_flags_standins():
    rec = {"notebook": "04", "profile": "cpu", "wall_time_s": 12.3, "all_sources_real": False,
           "sources": {"data": {"name": "mnist", "kind": "standin"}},
           "numbers": {"accuracy": 0.98765, "loss_comparison": {"giou": {"mean_iou": 0.7}}}}
    table = runner.summary_table([rec])
    assert "mnist=standin" in table and "stand-in" in table
    assert "accuracy" in table and "0.9877" in table
    assert "loss_comparison.giou.mean_iou" in table


def test_read_returns_the_last_record_or_none(build_dir):
    assert report.read("04_object_localization") is None
    report.start("04_object_localization", "cpu")
    report.record(mean_iou=0.8)
    assert report.read("04_object_localization")["numbers"]["mean_iou"] == 0.8


def test_record_takes_several_weights_sources(build_dir):
    report.start("03_cifar10_resnet50_upsampling", "smoke")
    rec = json.loads(report.record(weights={
        "resnet50": Source("ResNet50 weights", "random", "random initialisation", real=False),
        "mobilenet_v2_probe": Source("MobileNetV2 weights", "local", "a file", real=True),
    }).read_text())
    assert rec["sources"]["weights:resnet50"]["real"] is False
    assert rec["sources"]["weights:mobilenet_v2_probe"]["kind"] == "local"
    assert rec["all_sources_real"] is False
