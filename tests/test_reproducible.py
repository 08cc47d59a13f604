"""Seeds are set through helpers: two smoke runs of a notebook give identical numbers."""

import json
from pathlib import Path

from tools import runner

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_object_localization.ipynb"


def _numbers_without_timings(numbers):
    if isinstance(numbers, dict):
        return {k: _numbers_without_timings(v) for k, v in numbers.items() if "seconds" not in k}
    return numbers


def test_two_smoke_runs_of_the_localization_notebook_record_identical_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("ACV_PROFILE", "smoke")
    records = []
    for run in ("first", "second"):
        monkeypatch.setenv("ACV_BUILD_DIR", str(tmp_path / run))
        assert runner.main([str(NOTEBOOK), "--out", str(tmp_path / run / "executed")]) == 0
        record = json.loads((tmp_path / run / "metrics" / "04_object_localization.json").read_text())
        records.append(_numbers_without_timings(record["numbers"]))
    assert records[0]["mean_iou"] > 0, "the run recorded real numbers"
    assert records[0] == records[1]
