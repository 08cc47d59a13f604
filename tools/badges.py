"""Every notebook's "Open in Colab" badge and Colab install cell, from one address.

    make badges      # = python -m tools.badges

The repository's address lives in one place: ``[project.urls] Repository`` in
pyproject.toml. A fork changes that line and runs ``make badges``; each badge then
opens that notebook in Colab (not Colab's start page), and each notebook's first
code cell installs the repository it came from when it runs in Colab.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "main"
BADGE = re.compile(r"\[!\[Open in Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]\([^)]*\)")
INSTALL_MARK = "# In Colab: install this repository's helpers, once."


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The GitHub address in pyproject.toml's ``[project.urls] Repository``."""
    urls = tomllib.loads(pyproject.read_text())["project"].get("urls", {})
    url = str(urls.get("Repository", "")).rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"[project.urls] Repository in {pyproject} is {url!r}; "
                         "expected a GitHub address such as https://github.com/OWNER/REPO")
    return url


def colab_url(repository: str, notebook: str) -> str:
    """Colab's address for ``notebook`` (a path inside the repository) on the main branch."""
    owner_repo = repository.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/{notebook}"


def badge(repository: str, notebook: str) -> str:
    return f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(repository, notebook)})"


def install_cell(repository: str) -> str:
    """The first code cell: in Colab, clone the repository and install helpers; elsewhere nothing."""
    return f'''{INSTALL_MARK}
# Elsewhere `make setup` has installed them and this cell does nothing.
import importlib.util
import subprocess
import sys

REPOSITORY = "{repository}"  # written by `make badges` from pyproject.toml
if "google.colab" in sys.modules and importlib.util.find_spec("helpers") is None:
    checkout = "/content/" + REPOSITORY.rsplit("/", 1)[-1]
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", REPOSITORY, checkout], check=True)
    # --no-deps: Colab's own TensorFlow, built for its GPU, stays; our pins would replace it
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", checkout], check=True)
    sys.path.insert(0, checkout)  # this kernel started before the install
    print(f"installed helpers from {{REPOSITORY}} into {{checkout}}")'''


def update(path: Path, repository: str) -> bool:
    """Write the badge and the install cell into one notebook; True when it changed."""
    nb = nbformat.read(path, as_version=4)
    notebook = path.resolve().relative_to(ROOT).as_posix()
    title = nb.cells[0]
    if not BADGE.search(title.source):
        raise ValueError(f"{path}: the title cell has no 'Open in Colab' badge to update")
    new_title = BADGE.sub(badge(repository, notebook), title.source, count=1)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    first = nb.cells[code[0]]
    changed = new_title != title.source
    title.source = new_title
    if first.source.startswith(INSTALL_MARK):
        changed |= first.source != install_cell(repository)
        first.source = install_cell(repository)
    else:
        cell = nbformat.v4.new_code_cell(install_cell(repository))
        cell["id"] = "colab-install"
        nb.cells.insert(code[0], cell)
        changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    repository = repository_url()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    changed = [p.name for p in notebooks if update(p, repository)]
    print(f"badges and install cells for {repository}: {len(changed)} of {len(notebooks)} notebooks changed"
          + (f" ({', '.join(changed)})" if changed else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
