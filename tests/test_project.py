"""House rules: pins agree, notebooks are clean, no API that Keras 3 removed."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml

from tools import badges

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HELPERS = sorted((ROOT / "helpers").rglob("*.py")) + sorted((ROOT / "tools").rglob("*.py"))


def _pins(lines):
    return {re.split(r"[=<>!~]", line, maxsplit=1)[0].lower(): line for line in lines}


def test_environment_yml_and_pyproject_pin_the_same_packages():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip_section = next(d["pip"] for d in conda if isinstance(d, dict) and "pip" in d)
    conda_pins = [p for p in pip_section if not p.startswith("-e")]
    assert _pins(conda_pins) == _pins(pyproject)
    assert all("==" in p for p in pyproject), "every dependency is pinned exactly"
    assert "python=3.11" in conda


def test_the_setup_cells_minimums_are_the_oldest_versions_make_test_oldest_runs():
    from helpers.course import session
    from tools import oldest

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["acv"]["oldest"]
    for name, minimum in session.MIN_VERSIONS.items():
        assert tuple(int(part) for part in config[name].split(".")[:2]) == minimum, (name, config[name], minimum)
    requirements = oldest.oldest_requirements()
    assert _pins(requirements).keys() == _pins(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
                                               ["dependencies"]).keys()
    assert {f"{name}=={version}" for name, version in config.items()} <= set(requirements)


def test_oldest_requirements_names_a_package_that_is_not_a_dependency(tmp_path):
    from tools import oldest

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["keras==3.15.1"]\n[tool.acv.oldest]\ntensorflw = "2.18.1"\n')
    with pytest.raises(ValueError, match=r"\['tensorflw'\].*not among the project's dependencies"):
        oldest.oldest_requirements(pyproject)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no NN_name.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} holds outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {i} holds an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_install_then_imports_then_the_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source.startswith(badges.INSTALL_MARK), "the first code cell installs helpers in Colab (make badges)"
    assert code[1].source.startswith("import helpers"), (
        "the imports start with helpers (it quietens TensorFlow's start-up logging)")
    assert "parameters" in code[2].metadata.get("tags", []), "the third code cell is the parameters cell"
    assert "PROFILE" in code[2].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_title_and_ends_with_summary_and_exercises(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    tail = "\n".join(c.source for c in nb.cells[-3:] if c.cell_type == "markdown")
    assert "## Summary" in tail and "## Exercises" in tail and "Solution" in tail


def _finish_cell(nb):
    """The code cell that calls helpers.finish: the lesson's claims, record and headline."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "helpers.finish(" in c.source]
    assert len(cells) == 1, f"{len(cells)} cells call helpers.finish; one should"
    return cells[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_bookkeeping_is_one_labelled_call_and_the_lesson_cells_call_no_plumbing(path):
    import ast

    nb = nbformat.read(path, as_version=4)
    cell = _finish_cell(nb)
    statements = ast.parse(cell.source).body
    last = statements[-1]
    assert isinstance(last, ast.Expr) and ast.unparse(last.value.func) == "helpers.finish", "the cell ends with the call"
    calls = [s for s in statements[:-1] if not isinstance(s, (ast.FunctionDef, ast.Assign))]
    allowed = {"print"} if path.name.startswith("00_") else set()  # the setup check says what it found
    assert all(ast.unparse(s.value.func) in allowed for s in calls if isinstance(s, ast.Expr)), ast.unparse(calls[0])
    assert "course's bookkeeping" in cell.source, "a comment labels the cell as the course's bookkeeping"
    lines = cell.source.strip().splitlines()
    assert len(lines) <= 11, f"the last cell is {len(lines)} lines: about 10 (derived numbers: lessons.DERIVED)"
    lesson = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and c is not cell)
    plumbing_calls = ("report.record(", "checks.Claims(", "results.conclusion(", "session.seed_everything(")
    if not path.name.startswith("00_"):  # the setup check shows every exercise's progress on purpose
        plumbing_calls += ("exercises.progress(",)
    for plumbing in plumbing_calls:
        assert plumbing not in lesson, f"a lesson cell calls {plumbing}: helpers.start or helpers.finish does it"


DEPRECATED = {
    "ImageDataGenerator": r"ImageDataGenerator",
    "layers.experimental": r"layers\.experimental",
    "fit_generator": r"fit_generator",
    "lr= (use learning_rate=)": r"\blr\s*=",
    ".h5 saving (use .keras)": r"\.save(_weights)?\([^)]*\.h5",
    "layer.output_shape": r"\.output_shape\b",
}


def _code_of(path):
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return path.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS + HELPERS, ids=lambda p: p.name)
def test_no_api_that_keras_3_removed_or_deprecated(path):
    code = _code_of(path)
    found = [name for name, pattern in DEPRECATED.items() if re.search(pattern, code)]
    assert not found, f"{path.name} uses {found}"


def test_the_deprecation_check_can_fail():
    bad = "model.compile(optimizer=RMSprop(lr=1e-4))\nmodel.save('m.h5')\n"
    assert {n for n, p in DEPRECATED.items() if re.search(p, bad)} == {
        "lr= (use learning_rate=)", ".h5 saving (use .keras)"}


def test_readme_shows_the_two_commands_and_ci_calls_make_test():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme and "ACV_DATA_DIR" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_tables_describe_the_course_only_and_leave_profile_values_to_the_setup_cell(path):
    # Hand-written cpu/smoke columns drifted from helpers/course/profile.py once (04 said 1 epoch, it ran 3);
    # the setup cell prints the generated side-by-side table instead.
    nb = nbformat.read(path, as_version=4)
    rows = [line for line in nb.cells[0].source.splitlines() if line.startswith("|")]
    for row in rows:
        assert row.strip().strip("|").count("|") == 1, f"{path.name}: title table row with profile columns: {row}"


LESSON_MODULES = sorted(p.stem for p in (ROOT / "helpers").glob("*.py") if p.stem != "__init__") + ["data"]


def test_the_lesson_library_never_loads_the_run_time_or_the_tools():
    # helpers/ is what a learner reads and reuses; helpers.course and tools/ are the course's
    # machinery. The import graph runs one way only.
    code = ("import sys, importlib\n"
            f"for name in {LESSON_MODULES!r}: importlib.import_module('helpers.' + name)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('helpers.course', 'tools'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"a lesson module imports the run-time or the tools: {out.stdout}"
    assert {"boxes", "losses", "stats", "weights", "data"} <= set(LESSON_MODULES)
    assert not {"session", "profile", "checks", "report", "results", "runner", "figures"} & set(LESSON_MODULES)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("readme", ["README.md", "tools/README.md", "tools/benchmarks/README.md"])
def test_every_relative_link_in_the_readmes_resolves(readme):
    path = ROOT / readme
    links = re.findall(r"\]\(([^)\s]+)\)", path.read_text())
    assert links or readme != "README.md", "the README links nothing"
    for link in links:
        if link.startswith(("http://", "https://", "mailto:")):
            continue
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        assert file.exists(), f"{readme}: {link} points at nothing"
        if anchor and file.suffix == ".md":
            headings = [_slug(h) for h in re.findall(r"(?m)^#+ (.+)$", file.read_text())]
            assert anchor in headings, f"{readme}: no heading #{anchor} in {file.name}"


def test_the_learners_readme_is_short_and_the_engineering_notes_live_in_tools():
    readme = (ROOT / "README.md").read_text()
    assert len(readme) <= 15_000, f"README.md is {len(readme):,} characters; move engineering notes to tools/README.md"
    notes = (ROOT / "tools" / "README.md").read_text()
    for section in ("How long `make run` takes", "Rehearsing `full`", "Scaling up", "CI", "Reference runs"):
        assert f"## {section}" in notes, f"tools/README.md has lost its section {section!r}"
