import nbformat

from tools import runner


def _notebook(path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_a_failing_cell_is_named_and_the_run_exits_non_zero(tmp_path, build_dir, capsys):
    path = tmp_path / "07_broken.ipynb"
    _notebook(path, ["x = 1", "raise ValueError('box format is wrong')", "y = 2"])
    assert runner.main([str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "07_broken.ipynb, cell 1 (the 2nd code cell)" in err
    assert "raise ValueError" in err and "box format is wrong" in err
    assert (tmp_path / "out" / "07_broken.ipynb").exists(), "the partial notebook is kept"


def test_a_good_notebook_runs_and_is_summarised(tmp_path, build_dir, capsys):
    path = tmp_path / "08_fine.ipynb"
    _notebook(path, [
        "from helpers.course import report",
        "report.start('08_fine', 'smoke'); report.record(answer=42)",
    ])
    assert runner.main([str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "08_fine" in out and "answer" in out and "42" in out


def test_the_run_says_which_cells_took_the_time(tmp_path, build_dir, capsys):
    import json

    path = tmp_path / "08_timed.ipynb"
    _notebook(path, ["x = 1", "import time; time.sleep(1.2)", "from helpers.course import report\nreport.start('08_timed', 'smoke'); report.record(answer=1)"])
    assert runner.main([str(path), "--out", str(tmp_path / "out" / "executed")]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.split("Where the time went")[1].splitlines() if " s  cell " in line]
    assert len(rows) == 3 and any("cell  1  import time; time.sleep(1.2)" in line for line in rows), rows
    seconds = [float(line.split()[0]) for line in rows]
    assert seconds == sorted(seconds, reverse=True), "slowest first"
    timing = json.loads((tmp_path / "out" / "timing.json").read_text())
    assert timing["08_timed"][1]["cell"] == 1 and timing["08_timed"][1]["seconds"] >= 1.2


def test_two_at_a_time_runs_every_notebook_and_summarises_them_in_the_given_order(tmp_path, build_dir, capsys):
    paths = []
    for name in ("08_first", "09_second"):
        path = tmp_path / f"{name}.ipynb"
        _notebook(path, ["from helpers.course import report", f"report.start('{name}', 'smoke'); report.record(answer=1)"])
        paths.append(str(path))
    assert runner.main(["--jobs", "2", *paths, "--out", str(tmp_path / "out" / "executed")]) == 0
    out = capsys.readouterr().out
    assert "2 notebooks, 2 at a time" in out and "started 09_second (beside 08_first)" in out, out
    table = out.split("Where the time went")[1]
    assert table.index("08_first") < table.index("09_second"), "summaries follow the order given"
    assert all((tmp_path / "out" / "executed" / f"{n}.ipynb").exists() for n in ("08_first", "09_second"))


def test_a_failure_in_parallel_stops_the_others_and_names_the_cell(tmp_path, build_dir, capsys):
    import time

    broken, slow = tmp_path / "08_broken.ipynb", tmp_path / "09_slow.ipynb"
    _notebook(broken, ["import time; time.sleep(2)", "raise ValueError('box format is wrong')"])
    _notebook(slow, ["import time; time.sleep(300)"])
    started = time.perf_counter()
    assert runner.main(["--jobs", "2", str(broken), str(slow), "--out", str(tmp_path / "out")]) == 1
    assert time.perf_counter() - started < 120, "the slow notebook was stopped, not waited for"
    err = capsys.readouterr().err
    assert "08_broken.ipynb, cell 1 (the 2nd code cell)" in err and "box format is wrong" in err, err
    assert "Stopped: 09_slow" in err


def test_the_longest_notebook_starts_first_and_unknown_ones_before_known_ones(tmp_path):
    import json
    from pathlib import Path

    paths = [Path(f"notebooks/{n}.ipynb") for n in ("01_a", "02_b", "03_c")]
    timing = tmp_path / "timing.json"
    timing.write_text(json.dumps({"01_a": [{"seconds": 5, "cell": 0, "source": ""}],
                                  "02_b": [{"seconds": 50, "cell": 0, "source": ""}, {"seconds": 1, "cell": 1, "source": ""}]}))
    expected = runner.expected_seconds(paths, timing)
    assert expected == {"01_a": 5, "02_b": 51, "03_c": float("inf")}
    assert [p.stem for p in runner.longest_first(paths, expected)] == ["03_c", "02_b", "01_a"]


def test_jobs_below_one_is_refused_with_the_value(tmp_path, capsys):
    import pytest

    with pytest.raises(SystemExit):
        runner.main(["--jobs", "0", "x.ipynb"])
    assert "--jobs must be 1 or more, got 0" in capsys.readouterr().err
