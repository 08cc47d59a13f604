"""The figures script, and the course site that `make run` builds (tools/site.py; its browser test: test_browser.py)."""

import re
from pathlib import Path

import nbformat
import pytest

from tools import figures, site

ROOT = Path(__file__).resolve().parents[1]


def test_every_figure_the_readme_links_is_drawn_by_the_script(tmp_path):
    linked = set(re.findall(r"screenshots/([\w.-]+\.png)", (ROOT / "README.md").read_text()))
    assert linked, "the README shows no figures"
    known = set(figures.FIGURES) | set(figures.SHOWN) | set(figures.TAKEN)
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


REPO = "https://github.com/o/r"


@pytest.mark.parametrize(("target", "page", "expected"), [
    ("notebooks/01_feature_extraction.ipynb", "README.md", "notebooks/01_feature_extraction.ipynb"),
    ("screenshots/a.png", "README.md", "screenshots/a.png"),
    ("tools/README.md#running-offline", "README.md", "about.md#running-offline"),
    ("helpers/boxes.py", "README.md", f"{REPO}/blob/main/helpers/boxes.py"),
    ("reference/cpu", "README.md", f"{REPO}/tree/main/reference/cpu"),
    ("https://example.org/x", "README.md", "https://example.org/x"),
    ("#quick-start", "README.md", "#quick-start"),
    ("../README.md#layout", "tools/README.md", "index.md#layout"),
    ("benchmarks/README.md", "tools/README.md", f"{REPO}/blob/main/tools/benchmarks/README.md"),
    ("05_bird_boxes.ipynb", "notebooks/04_object_localization.ipynb", "../notebooks/05_bird_boxes.ipynb"),
    ("../helpers/boxes.py", "notebooks/04_object_localization.ipynb", f"{REPO}/blob/main/helpers/boxes.py"),
])
def test_a_link_points_at_its_page_on_the_site_or_at_the_repository(target, page, expected):
    assert site.site_link(target, page, REPO) == expected


def test_a_link_outside_the_repository_is_an_error_and_badges_become_plain_links():
    with pytest.raises(ValueError, match="outside the repository"):
        site.site_link("../../x.md", "README.md", REPO)
    badge = "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.x/nb)"
    assert site.staged_markdown(f"{badge} see [boxes](../helpers/boxes.py)", "notebooks/04_x.ipynb", REPO) == (
        f"[Open in Colab](https://colab.x/nb) see [boxes]({REPO}/blob/main/helpers/boxes.py)")


def test_a_staged_notebook_keeps_a_widgets_picture_and_drops_its_javascript_view(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    cell = nbformat.v4.new_code_cell("widgets.BoxExplorer()")
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        site.WIDGET: {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "image/png": "iVBORw0KGgo=", "text/plain": "BoxExplorer"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "04_object_localization.ipynb")
    site.stage_notebook(tmp_path / "04_object_localization.ipynb", tmp_path / "staged.ipynb", REPO)
    staged = nbformat.read(tmp_path / "staged.ipynb", as_version=4)
    assert "widgets" not in staged.metadata
    assert set(staged.cells[0].outputs[0]["data"]) == {"image/png", "text/plain"}


def _record(notebook, real, **numbers):
    return {"notebook": notebook, "profile": "smoke", "numbers": numbers,
            "sources": {"data": {"name": "mnist", "kind": "local" if real else "standin", "real": real}}}


def test_the_results_page_leads_with_our_reference_runs_when_this_run_used_stand_ins():
    records = [_record("04_object_localization", False, share_iou_ge_0_6=0.6875,
                       course_model={"share_iou_ge_0_6": 0.5})]
    page = site.results_page(records)
    assert page.index("## Our reference runs on real data") < page.index("## This run")
    assert "Stand-ins in 04_object_localization" in page
    assert "[0.6875](notebooks/04_object_localization.ipynb)" in page  # the number links its lesson
    assert "[04 digit boxes" in page  # the reference table's rows link their lessons too
    real = site.results_page([_record("04_object_localization", True, share_iou_ge_0_6=0.97,
                                      course_model={"share_iou_ge_0_6": 0.5})])
    assert real.index("## This run") < real.index("## Our reference runs on real data")


def test_the_site_without_executed_notebooks_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="run 'make run' first"):
        site.stage(tmp_path, tmp_path / "src", REPO)
