import nbformat

from helpers import runner


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
        "from helpers import report",
        "report.start('08_fine', 'smoke'); report.record(answer=42)",
    ])
    assert runner.main([str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "08_fine" in out and "answer" in out and "42" in out


def test_the_run_says_which_cells_took_the_time(tmp_path, build_dir, capsys):
    import json

    path = tmp_path / "08_timed.ipynb"
    _notebook(path, ["x = 1", "import time; time.sleep(1.2)", "from helpers import report\nreport.start('08_timed', 'smoke'); report.record(answer=1)"])
    assert runner.main([str(path), "--out", str(tmp_path / "out" / "executed")]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.split("Where the time went")[1].splitlines() if " s  cell " in line]
    assert len(rows) == 3 and any("cell  1  import time; time.sleep(1.2)" in line for line in rows), rows
    seconds = [float(line.split()[0]) for line in rows]
    assert seconds == sorted(seconds, reverse=True), "slowest first"
    timing = json.loads((tmp_path / "out" / "timing.json").read_text())
    assert timing["08_timed"][1]["cell"] == 1 and timing["08_timed"][1]["seconds"] >= 1.2
