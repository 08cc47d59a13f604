"""Build the course site, ``build/html/index.html`` (``make run``'s last step), with Sphinx and MyST-NB.

    python -m tools.site

Stages a Sphinx source folder (``build/site-src``) laid out like the repository, so that every
link the README and the notebooks make between themselves resolves:

  index.md        the README (included, not copied into a second text), after one line on this
                  run's data when it used stand-ins
  notebooks/      the executed notebooks of ``build/executed``, in order, with their outputs
  results.md      our reference runs on real data (the README's generated table) and this run's
                  headlines from ``build/metrics``, each number linked to its lesson
  about.md        tools/README.md: profiles, timings, CI, scaling: the notes a learner can skip
  screenshots/    the README's figures

then runs ``sphinx-build -W`` (a warning, such as a broken link or a missing figure, fails the
build) with the configuration in ``tools/site_template/conf.py``. Links to files that are not
pages (``helpers/boxes.py``) point to the repository on GitHub. The Colab badges become plain
links and widgets keep their saved pictures, so no page loads anything from the network.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from helpers.course import report, results
from tools import readme_results
from tools.badges import BADGE, repository_url

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("site_template")
LINK = re.compile(r"(\]\()([^)\s]+)(\))")  # markdown links and images: [text](target)
WIDGET = "application/vnd.jupyter.widget-view+json"


def site_link(target: str, page: str, repository: str) -> str:
    """Where ``target``, a link written in the repository file ``page``, points on the site.

    Pages (README.md, tools/README.md, notebooks/*.ipynb) and figures keep their place; any other
    file of the repository is linked on GitHub; addresses and anchors stay as they are.
    """
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return target
    path, _, anchor = target.partition("#")
    resolved = (Path(page).parent / path).as_posix()
    parts: list[str] = []
    for part in resolved.split("/"):
        if part == "..":
            if not parts:
                raise ValueError(f"{page} links {target!r}, outside the repository")
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    in_repo = "/".join(parts)
    staged = {"README.md": "index.md", "tools/README.md": "about.md"}.get(in_repo)
    if staged is None and (in_repo.startswith("notebooks/") and in_repo.endswith(".ipynb") or in_repo.startswith("screenshots/")):
        staged = in_repo
    if staged is None:
        kind = "tree" if (ROOT / in_repo).is_dir() else "blob"
        return f"{repository}/{kind}/main/{in_repo}" + (f"#{anchor}" if anchor else "")
    depth = page.count("/") if page not in ("README.md", "tools/README.md") else 0  # staged pages sit at the top
    return "../" * depth + staged + (f"#{anchor}" if anchor else "")


def staged_markdown(text: str, page: str, repository: str) -> str:
    """``text`` of the repository file ``page`` with its links pointed at the site, Colab badges as plain links."""
    text = BADGE.sub(lambda m: "[Open in Colab](" + m.group(0).rsplit("](", 1)[1], text)
    return LINK.sub(lambda m: m.group(1) + site_link(m.group(2), page, repository) + m.group(3), text)


def stage_notebook(executed: Path, target: Path, repository: str) -> None:
    """A copy of an executed notebook for the site: links pointed at the site, widgets as their saved pictures."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = staged_markdown(cell.source, f"notebooks/{executed.name}", repository)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET, None)
    nbformat.write(nb, target)


def _link(notebook: str, text: str) -> str:
    return f"[{text}](notebooks/{notebook}.ipynb)"


def this_run_lines(records: list[dict]) -> list[str]:
    """One line per notebook of this run: its headline number, linked to the lesson, beside our reference run's."""
    lines = []
    for record in records:
        notebook, line = record["notebook"], results.headline(record)
        fake = results.stand_ins(record)
        data = f"stand-in {', '.join(fake)}" if fake else "real data"
        if line is None or line["ours"] is None:
            lines.append(f"- {_link(notebook, notebook)} ({record['profile']}, {data}): ran, no headline number")
            continue
        ref = results.reference(notebook)
        ref_value = results.headline(ref)["ours"] if ref else None
        beside = f"; our reference run {report.format_value(ref_value)}" if ref_value is not None else ""
        lines.append(f"- {_link(notebook, notebook)} ({record['profile']}, {data}): {line['what']}: "
                     f"{_link(notebook, report.format_value(line['ours']))}{beside}")
    return lines


def reference_table() -> str:
    """The README's table of our reference runs, each row's first cell linked to its lesson."""
    names = {key.split("_")[0]: key for key in readme_results.ROWS}
    rows = []
    for row in readme_results.readme_table().splitlines():
        number = row[2:4]
        rows.append(f"| {_link(names[number], row[2:].split(' | ')[0])} | " + row[2:].split(" | ", 1)[1]
                    if number in names and row.startswith("| ") else row)
    return "\n".join(rows)


def results_page(records: list[dict]) -> str:
    standins = [r["notebook"] for r in records if results.stand_ins(r)]
    reference = ("## Our reference runs on real data\n\n2 CPU cores, the `cpu` profile, offline, real data and "
                 "ImageNet weights (`reference/cpu/`).\n\n" + reference_table() + "\n")
    this_run = ("## This run\n\n" + ("Stand-ins in " + ", ".join(standins) + ": those numbers show that the code "
                                     "runs, not what the lesson measures.\n\n" if standins else "")
                + "\n".join(this_run_lines(records)) + "\n")
    parts = [reference, this_run] if standins else [this_run, reference]
    return "# Results\n\n" + "\n".join(parts)


def index_page(records: list[dict], lessons: list[str]) -> str:
    standins = [r["notebook"] for r in records if results.stand_ins(r)]
    note = ""
    if standins:
        note = ("```{note}\nThis site's lessons ran on stand-ins in " + f"{len(standins)} of {len(records)} notebooks "
                "(no data folder, offline): their numbers show that the code runs. The numbers of our reference "
                "runs on real data are in [Results](results.md) and in the table below.\n```\n\n")
    toctree = "\n".join(f"notebooks/{name}" for name in lessons)
    return (f"```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{toctree}\n```\n\n"
            "```{toctree}\n:hidden:\n:caption: The week\n\nresults\nabout\n```\n\n"
            f"{note}```{{include}} README.md\n```\n")


def stage(executed_dir: Path, source: Path, repository: str) -> list[str]:
    """Lay out the site's sources in ``source``; returns the lessons staged (notebook names, in order)."""
    executed = sorted(executed_dir.glob("[0-9][0-9]_*.ipynb"))
    if not executed:
        raise FileNotFoundError(f"no executed notebooks in {executed_dir}: run 'make run' first")
    if source.exists():
        shutil.rmtree(source)
    (source / "notebooks").mkdir(parents=True)
    shutil.copy2(TEMPLATE / "conf.py", source / "conf.py")
    shutil.copytree(ROOT / "screenshots", source / "screenshots")
    for path in executed:
        stage_notebook(path, source / "notebooks" / path.name, repository)
    (source / "README.md").write_text(staged_markdown((ROOT / "README.md").read_text(), "README.md", repository))
    about = staged_markdown((ROOT / "tools" / "README.md").read_text(), "tools/README.md", repository)
    title, body = about.split("\n", 1) if about.startswith("# ") else ("", about)
    (source / "tools_README.md").write_text(body)
    (source / "about.md").write_text(f"# About the runs ({title[2:] or 'tools/README.md'})\n\n"
                                     "```{include} tools_README.md\n```\n")
    names = [p.stem for p in executed]
    records = [r for r in report.load_all() if r["notebook"] in names]
    (source / "results.md").write_text(results_page(records))
    (source / "index.md").write_text(index_page(records, names))
    return names


def build(executed_dir: Path, out_dir: Path, source: Path) -> Path:
    """Stage the sources and run Sphinx (warnings fail it); returns the site's index.html."""
    from sphinx.cmd.build import build_main

    stage(executed_dir, source, repository_url())
    status = build_main(["-W", "--keep-going", "-q", "-b", "html", "-d", str(source / "_doctrees"),
                         str(source), str(out_dir)])
    if status:
        raise RuntimeError(f"sphinx-build failed ({status}): see the warnings above")
    return out_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = report.build_dir()
    parser.add_argument("--executed", type=Path, default=root / "executed")
    parser.add_argument("--out", type=Path, default=root / "html")
    parser.add_argument("--source", type=Path, default=root / "site-src")
    parser.add_argument("--screenshot", type=Path, help="also save the results page's first screen there (PNG)")
    args = parser.parse_args(argv)
    index = build(args.executed, args.out, args.source)
    print(f"The course site is ready: open {index}")
    if args.screenshot:
        screenshot(index.with_name("results.html"), args.screenshot)
    return 0


def screenshot(page: Path, out: Path) -> Path:
    """The first screen of ``page`` (an HTML file) in headless Chromium, as a PNG at ``out``."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise FileNotFoundError("no Chromium on PATH: 'apt-get install chromium' (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        view = browser.new_page(viewport={"width": 1280, "height": 800})
        view.goto(page.resolve().as_uri())
        out.parent.mkdir(parents=True, exist_ok=True)
        view.screenshot(path=str(out))
        browser.close()
    return out


if __name__ == "__main__":
    sys.exit(main())
