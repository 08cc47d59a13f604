"""The figures script and the HTML reader that `make run` builds."""

import re
from pathlib import Path

import nbformat

from helpers import figures, reader, report
from helpers.sources import Source

ROOT = Path(__file__).resolve().parents[1]


def test_every_figure_the_readme_links_is_drawn_by_the_script(tmp_path):
    linked = set(re.findall(r"screenshots/([\w.-]+\.png)", (ROOT / "README.md").read_text()))
    assert linked, "the README shows no figures"
    assert linked <= set(figures.FIGURES), f"not drawn by helpers.figures: {linked - set(figures.FIGURES)}"
    written = figures.draw_all(tmp_path)
    assert {p.name for p in written} == set(figures.FIGURES)
    assert all(p.stat().st_size > 5000 for p in written), "every figure holds a picture"
    assert all((ROOT / "screenshots" / name).is_file() for name in linked), "committed copies exist"


def test_reader_lists_notebooks_results_and_standins(tmp_path, build_dir):
    executed = tmp_path / "executed"
    executed.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 04 · Object localization\n\ntext"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, executed / "04_object_localization.ipynb")
    report.start("04_object_localization", "smoke")
    report.record(data=Source("mnist", "standin", "digits", real=False), mean_iou=0.75)
    figures_dir = tmp_path / "figures"
    figures_dir.mkdir()
    (figures_dir / "iou_intersection_over_union.png").write_bytes(b"\x89PNG fake")

    index = reader.build(executed, figures_dir, tmp_path / "html")
    page = index.read_text()
    assert "<a href='04_object_localization.html'>04 · Object localization</a>" in page
    assert "mean_iou" in page and "0.75" in page and "smoke" in page
    assert "04_object_localization used a stand-in" in page
    assert (tmp_path / "html" / "04_object_localization.html").is_file()
    assert (tmp_path / "html" / "figures" / "iou_intersection_over_union.png").is_file()


def test_reader_without_executed_notebooks_says_what_to_do(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError, match="run 'make run' first"):
        reader.build(tmp_path, tmp_path, tmp_path / "html")
