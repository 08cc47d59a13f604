import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "benchmarks" / "compare_make_run.py"


def _module():
    spec = importlib.util.spec_from_file_location("compare_make_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timing(path, notebooks):
    path.write_text(json.dumps({name: [{"seconds": s, "cell": i, "source": ""} for i, s in enumerate(cells)]
                                for name, cells in notebooks.items()}))
    return path


def test_the_table_adds_each_notebooks_cells_and_divides_after_by_before(tmp_path, capsys):
    before = _timing(tmp_path / "before.json", {"01_a": [100, 20], "02_b": [300], "03_gone": [5]})
    after = _timing(tmp_path / "after.json", {"01_a": [30, 30], "02_b": [150], "04_new": [7]})
    assert _module().main([str(before), str(after), "--wall", "2000", "1000"]) == 0
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]] for line in capsys.readouterr().out.splitlines()[2:]}
    assert rows["01_a"] == ["120", "60", "0.50"] and rows["02_b"] == ["300", "150", "0.50"]
    assert rows["03_gone"] == ["5", "-", "-"] and rows["04_new"] == ["-", "7", "-"]
    assert rows["all cells, added up"] == ["425", "217", "0.51"]
    assert rows["`make run`, wall clock"] == ["2000 (33.3 min)", "1000 (16.7 min)", "0.50"]
