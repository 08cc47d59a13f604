"""The figures script and the HTML reader that `make run` builds."""

import re
from pathlib import Path

import nbformat

from helpers.course import report
from helpers.sources import Source
from tools import figures, reader

ROOT = Path(__file__).resolve().parents[1]


def test_every_figure_the_readme_links_is_drawn_by_the_script(tmp_path):
    linked = set(re.findall(r"screenshots/([\w.-]+\.png)", (ROOT / "README.md").read_text()))
    assert linked, "the README shows no figures"
    known = set(figures.FIGURES) | set(figures.SHOWN)
    assert linked <= known, f"not drawn by tools.figures: {linked - known}"
    written = figures.draw_all(tmp_path)  # no executed notebooks: the figures they show are skipped
    assert {p.name for p in written} == set(figures.FIGURES)
    assert all(p.stat().st_size > 5000 for p in written), "every figure holds a picture"
    assert all((ROOT / "screenshots" / name).is_file() for name in linked), "committed copies exist"


def test_a_figure_shown_by_an_executed_notebook_is_taken_from_its_cell(tmp_path):
    import base64

    png = b"\x89PNG\r\n\x1a\n" + b"pixels"
    nb = nbformat.v4.new_notebook()
    drawn = nbformat.v4.new_code_cell("plots.show_patches(rows, labels)")
    drawn.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()})]
    nb.cells = [nbformat.v4.new_code_cell("plots.show_images(x)"), drawn]
    nbformat.write(nb, tmp_path / "08_what_layers_learned.ipynb")
    assert figures.figure_shown_by(tmp_path / "08_what_layers_learned.ipynb", "plots.show_patches(") == png
    assert figures.figure_shown_by(tmp_path / "08_what_layers_learned.ipynb", "plots.nothing(") is None
    assert figures.figure_shown_by(tmp_path / "missing.ipynb", "plots.show_patches(") is None
    written = figures.draw_all(tmp_path / "out", executed=tmp_path)
    assert (tmp_path / "out" / "inceptionv3_patches_by_depth.png").read_bytes() == png and len(written) == len(figures.FIGURES) + 1


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


def test_headlines_put_each_number_beside_the_course_and_the_baseline():
    records = [
        {"notebook": "05_bird_boxes", "profile": "cpu", "all_sources_real": True,
         "numbers": {"share_iou_ge_0_5": 0.724, "constant_box": {"share_iou_ge_0_5": 0.566, "mean_iou": 0.51}}},
        {"notebook": "02_fine_tuning", "profile": "smoke", "all_sources_real": False,
         "sources": {"weights": {"name": "MobileNetV2 weights", "real": False}},
         "numbers": {"val_accuracy": 0.88, "comparison": {"scratch": {"val_accuracy": 0.51}}}},
        {"notebook": "00_setup_check", "profile": "smoke", "numbers": {"real_sources": 3}},
    ]
    rows = reader.headline_rows(records)
    assert rows[0] == ("05_bird_boxes", "cpu", "share of test birds with IoU >= 0.5", "0.724",
                       "0.56 (280 of the first 500)", "constant box: 0.566")
    assert rows[1][1] == "smoke (stand-in: MobileNetV2 weights)" and rows[1][5] == "from scratch: 0.51"
    assert len(rows) == 2, "the setup check has no headline"
    assert "<th>course</th>" in reader.headline_table(records)


def test_a_widget_shows_its_static_picture_in_the_reader(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}, "version_major": 2,
                                                                          "version_minor": 0}}
    cell = nbformat.v4.new_code_cell("widgets.BoxExplorer()")
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "image/png": "iVBORw0KGgo=", "text/plain": "BoxExplorer: IOU 0.000"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "04_object_localization.ipynb")
    page = reader.notebook_to_html(tmp_path / "04_object_localization.ipynb", tmp_path).read_text()
    assert "data:image/png;base64,iVBORw0KGgo=" in page
    assert "application/vnd.jupyter.widget-view+json" not in page
