"""Seeds are set through helpers: two smoke runs of a notebook give identical numbers.

Both runs are rehearsals (each data set cut to one batch, one epoch per fit): every seeded step
of the notebook still runs (weights, shuffles, canvas positions, bootstraps), in seconds instead
of minutes."""

import json
from pathlib import Path

from helpers.course import rehearsal
from tools import runner

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_object_localization.ipynb"


def _numbers_without_timings(numbers):
    if isinstance(numbers, dict):
        return {k: _numbers_without_timings(v) for k, v in numbers.items() if "seconds" not in k}
    return numbers


def test_two_smoke_rehearsals_of_the_localization_notebook_record_identical_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("ACV_PROFILE", "smoke")
    monkeypatch.setenv(rehearsal.ENV_VAR, "1")
    records = []
    for run in ("first", "second"):
        monkeypatch.setenv("ACV_BUILD_DIR", str(tmp_path / run))
        assert runner.main([str(NOTEBOOK), "--out", str(tmp_path / run / "executed")]) == 0
        record = json.loads((tmp_path / run / "metrics" / "04_object_localization.json").read_text())
        records.append(_numbers_without_timings(record["numbers"]))
    assert records[0]["mean_iou"] > 0, "the run recorded real numbers"
    assert records[0] == records[1]
