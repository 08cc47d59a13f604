"""Colab: every badge opens its own notebook from the one address, and the install cell
installs the repository in Colab (faked here), once, and does nothing elsewhere."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import types

import nbformat
import pytest

from tools import badges

NOTEBOOKS = sorted((badges.ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def install_cell_of(path) -> str:
    first_code = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    return first_code.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_badge_opens_this_notebook_and_the_first_cell_installs_from_the_one_address(path):
    repository = badges.repository_url()
    title = nbformat.read(path, as_version=4).cells[0].source
    assert f"(https://colab.research.google.com/github/{repository.removeprefix('https://github.com/')}/blob/main/" \
           f"notebooks/{path.name})" in title
    assert install_cell_of(path) == badges.install_cell(repository), "run `make badges`"


def test_make_badges_changes_nothing_when_the_notebooks_are_current(tmp_path, monkeypatch):
    copy = tmp_path / "notebooks" / NOTEBOOKS[0].name
    copy.parent.mkdir()
    shutil.copy(NOTEBOOKS[0], copy)
    repository = badges.repository_url()
    monkeypatch.setattr(badges, "ROOT", tmp_path)  # the copy's path inside its "repository"
    assert badges.update(copy, repository) is False
    assert badges.update(copy, "https://github.com/someone/a-fork") is True  # a fork's address is written in
    assert "github/someone/a-fork/blob/main/notebooks/" in nbformat.read(copy, as_version=4).cells[0].source
    assert badges.update(copy, "https://github.com/someone/a-fork") is False  # and only once


def test_an_address_that_is_not_github_is_refused_with_what_was_expected(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\nRepository = "git@github.com:o/r.git"\n')
    with pytest.raises(ValueError, match=r"'git@github.com:o/r.git'.*https://github.com/OWNER/REPO"):
        badges.repository_url(pyproject)


def run_install_cell(monkeypatch, in_colab: bool, helpers_installed: bool) -> list[list[str]]:
    """Execute the cell as Colab would; returns the commands it ran (recorded, not run)."""
    commands = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: commands.append(cmd))
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (real_find_spec(name, *a) if helpers_installed else None)
                        if name == "helpers" else real_find_spec(name, *a))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(install_cell_of(NOTEBOOKS[1]), {})
    return commands


def test_in_colab_without_helpers_the_cell_clones_and_installs_the_repository(monkeypatch):
    commands = run_install_cell(monkeypatch, in_colab=True, helpers_installed=False)
    repository = badges.repository_url()
    checkout = "/content/" + repository.rsplit("/", 1)[-1]
    assert commands == [["git", "clone", "--quiet", "--depth", "1", repository, checkout],
                        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", checkout]]
    assert sys.path[0] == checkout


def test_in_colab_with_helpers_installed_and_outside_colab_the_cell_does_nothing(monkeypatch):
    assert run_install_cell(monkeypatch, in_colab=True, helpers_installed=True) == []  # once: the second run
    assert run_install_cell(monkeypatch, in_colab=False, helpers_installed=False) == []
