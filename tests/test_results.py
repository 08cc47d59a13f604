"""helpers.results: one set of headlines for the notebooks, the site and the README, read from recorded runs."""

import json

import pytest

from helpers.course import report, results
from helpers.sources import Source
from tools import readme_results


def test_the_readme_table_is_the_one_the_reference_records_give():
    # Fails when a reference record changes without 'python -m tools.readme_results --readme' (make reference runs it).
    text = readme_results.README.read_text()
    assert readme_results.START in text and readme_results.END in text, "the README has lost its results markers"
    table = text.split(readme_results.START, 1)[1].split(readme_results.END, 1)[0].strip()
    assert table == readme_results.readme_table(), "README.md's results table disagrees with reference/cpu: regenerate it"


def test_every_reference_record_carries_its_headline():
    records = sorted((results.REFERENCE_DIR / "cpu").glob("*.json"))
    assert records, "no reference records in reference/cpu"
    for path in records:
        record = json.loads(path.read_text())
        line = results.headline(record)
        assert line is not None and line["ours"] is not None, f"{path.name} lacks its headline number"
        assert record["profile"] == "cpu" and path.stem == record["notebook"]


def _record(notebook, numbers, real=True, profile="cpu"):
    return {"notebook": notebook, "profile": profile, "numbers": numbers, "all_sources_real": real,
            "sources": {"data": {"name": "cifar10", "real": real}}}


def test_the_table_changes_when_a_record_does(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "REFERENCE_DIR", tmp_path)
    (tmp_path / "cpu").mkdir()
    interval = lambda mean, low, high: {"mean": mean, "low": low, "high": high, "n": 5, "method": "t over seeds"}
    numbers = {"n_per_class": 250, "n_val_per_class": 50, "seeds": [0, 1, 2, 3, 4],
               "curves": {"mixed": {"baseB": {"mean": 0.6, "std": 0.01}}},
               "findings": {"mixed": {"anb_plus_minus_bnb_plus": interval(0.004, -0.01, 0.018),
                                      "anb_plus_minus_base": interval(0.03, 0.01, 0.05),
                                      "bnb_plus_minus_base": interval(0.026, 0.012, 0.04),
                                      "anb_depth_loss": interval(0.024, 0.002, 0.046)}},
               "dissimilar_extra_loss": None}
    path = tmp_path / "cpu" / "06_transferability.json"
    path.write_text(json.dumps(_record("06_transferability", numbers)))
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{readme_results.START}\nold table\n{readme_results.END}\nrest\n")
    assert readme_results.rewrite_readme(path=readme)
    first = readme.read_text()
    assert "AnB+ - BnB+ +0.004 (-0.010 to +0.018)" in first and "old table" not in first and first.endswith("rest\n")
    numbers["findings"]["mixed"]["anb_depth_loss"] = interval(0.05, 0.03, 0.07)
    path.write_text(json.dumps(_record("06_transferability", numbers)))
    assert readme_results.rewrite_readme(path=readme) and "at n = 4 +0.050 (+0.030 to +0.070)" in readme.read_text()
    assert not readme_results.rewrite_readme(path=readme), "a second rewrite changes nothing"


def test_stand_in_runs_stay_out_of_the_table(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "REFERENCE_DIR", tmp_path)
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "02_fine_tuning.json").write_text(json.dumps(_record("02_fine_tuning", {}, real=False)))
    assert readme_results.readme_table().count("\n") == 1, "only the header rows"


def test_readme_without_markers_says_where_the_table_goes(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n")
    with pytest.raises(ValueError, match="no results markers"):
        readme_results.rewrite_readme(path=readme)


def test_the_conclusion_sets_this_run_beside_the_reference_the_course_and_the_baseline(build_dir, tmp_path,
                                                                                        monkeypatch, capsys):
    monkeypatch.setattr(results, "REFERENCE_DIR", tmp_path)
    (tmp_path / "cpu").mkdir()
    reference = _record("05_bird_boxes", {"share_iou_ge_0_5": 0.74})
    (tmp_path / "cpu" / "05_bird_boxes.json").write_text(json.dumps(reference))
    report.start("05_bird_boxes", "smoke")
    report.record(data=Source("birds", "standin", "patches", real=False), share_iou_ge_0_5=0.61,
                  constant_box={"share_iou_ge_0_5": 0.58})
    text = results.conclusion()
    lines = text.splitlines()
    assert lines[0] == "share of test birds with IoU >= 0.5"
    assert "this run (smoke, stand-in birds)" in lines[1] and lines[1].endswith("0.61")
    assert "our reference run (cpu, 2 CPU cores, real data)" in lines[2] and lines[2].endswith("0.74")
    assert lines[3].split()[:2] == ["the", "course"] and "280 of the first 500" in lines[3]
    assert "baseline: constant box" in lines[4] and lines[4].endswith("0.58")
    assert text in capsys.readouterr().out


def test_a_conclusion_before_anything_was_recorded_says_what_to_do(build_dir):
    report.start("05_bird_boxes", "smoke")
    with pytest.raises(RuntimeError, match=r"call report.record\(...\) before conclusion"):
        results.conclusion()
