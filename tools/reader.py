"""Build the course reader: ``build/html/index.html`` (``make run``'s last step).

    python -m tools.reader

Converts every executed notebook in ``build/executed`` to HTML, copies the
figures, and writes an index: the week's notebooks in order, a table of every
recorded number with its profile, data source and wall time, and a line for
each notebook that used a stand-in.
"""

from __future__ import annotations

import argparse
import html
import shutil
import sys
from pathlib import Path

from helpers.course import report, results

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Advanced Computer Vision with TensorFlow: week 1</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.standin {{ color: #a33; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>Advanced Computer Vision with TensorFlow: week 1</h1>
<p>The week's notebooks, executed on this machine, with every number they recorded.
The notes are in the repository's README.md.</p>
<h2>Notebooks</h2>
<ol>
{notebooks}
</ol>
{standins}
<h2>Headlines</h2>
<p>Each notebook's headline number beside the course's result and the baseline it must beat.</p>
{headlines}
<h2>Every recorded number</h2>
{results}
<h2>Figures</h2>
{figures}
</body></html>
"""


def _title(executed: Path) -> str:
    """The notebook's first markdown heading, else its file name."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return executed.stem


def notebook_to_html(executed: Path, out_dir: Path) -> Path:
    """One executed notebook as a static HTML page.

    Widgets (notebook 04's box explorer) need a live kernel, or the widget
    library fetched from the web; without their saved state nbconvert shows the
    static picture each widget also provides, which works offline too.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("widgets", None)
    body, _ = HTMLExporter().from_notebook_node(nb)
    target = out_dir / f"{executed.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def headline_rows(records: list[dict]) -> list[tuple[str, ...]]:
    """(notebook, profile, what, ours, course, baseline) for each record that has a headline
    (``results.HEADLINES``: the same numbers the notebooks' conclusions and the README show)."""
    rows = []
    for rec in records:
        line = results.headline(rec)
        if line is None:
            continue
        ours = report.format_value(line["ours"]) if line["ours"] is not None else "-"
        fake = results.stand_ins(rec)
        real = f" (stand-in: {', '.join(fake)})" if fake else ""
        baseline = (f"{line['baseline_name']}: {report.format_value(line['baseline'])}"
                    if line["baseline"] is not None else "-")
        rows.append((rec["notebook"], rec["profile"] + real, line["what"], ours, line["course"], baseline))
    return rows


def headline_table(records: list[dict]) -> str:
    rows = headline_rows(records)
    if not rows:
        return "<p>No notebook has recorded a headline yet.</p>"
    head = "<tr><th>notebook</th><th>profile</th><th>headline</th><th>here</th><th>course</th><th>baseline</th></tr>"
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def results_table(records: list[dict]) -> str:
    rows = []
    for rec in records:
        sources = ", ".join(f"{s['name']}: {s['kind']}" for s in rec.get("sources", {}).values()) or "-"
        numbers = report.flatten(rec.get("numbers", {}))
        first = True
        for key, value in numbers.items():
            lead = (f"<td rowspan='{len(numbers)}'>{html.escape(rec['notebook'])}</td>"
                    f"<td rowspan='{len(numbers)}'>{html.escape(rec['profile'])}</td>"
                    f"<td rowspan='{len(numbers)}'>{html.escape(sources)}</td>"
                    f"<td rowspan='{len(numbers)}' class='num'>{rec['wall_time_s']:.0f} s</td>") if first else ""
            rows.append(f"<tr>{lead}<td>{html.escape(key)}</td><td class='num'>{html.escape(report.format_value(value))}</td></tr>")
            first = False
    head = "<tr><th>notebook</th><th>profile</th><th>data and weights</th><th>wall time</th><th>number</th><th>value</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>" if rows else "<p>No notebook has recorded numbers yet.</p>"


def standin_lines(records: list[dict]) -> str:
    lines = []
    for rec in records:
        fake = [s for s in rec.get("sources", {}).values() if not s["real"]]
        if fake:
            what = "; ".join(f"{s['name']} ({s['kind']}: {s['detail']})" for s in fake)
            lines.append(f"<li class='standin'>{html.escape(rec['notebook'])} used a stand-in: {html.escape(what)}. "
                         "Its numbers show that the code runs, not what the course measured.</li>")
    return f"<h2>Stand-ins</h2><ul>{''.join(lines)}</ul>" if lines else ""


def build(executed_dir: Path, figures_dir: Path, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and one HTML page per executed notebook."""
    executed = sorted(executed_dir.glob("[0-9][0-9]_*.ipynb"))
    if not executed:
        raise FileNotFoundError(f"no executed notebooks in {executed_dir}: run 'make run' first")
    out_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for path in executed:
        page = notebook_to_html(path, out_dir)
        items.append(f"<li><a href='{page.name}'>{html.escape(_title(path))}</a></li>")

    figures = []
    if figures_dir.is_dir():
        (out_dir / "figures").mkdir(exist_ok=True)
        for png in sorted(figures_dir.glob("*.png")):
            shutil.copy2(png, out_dir / "figures" / png.name)
            caption = png.stem.replace("_", " ")
            figures.append(f"<figure><img src='figures/{png.name}' alt='{caption}'><figcaption>{caption}</figcaption></figure>")

    names = {p.stem for p in executed}
    records = [r for r in report.load_all() if r["notebook"] in names]
    index = out_dir / "index.html"
    index.write_text(PAGE.format(notebooks="\n".join(items), standins=standin_lines(records),
                                 headlines=headline_table(records), results=results_table(records),
                                 figures="\n".join(figures)), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = report.build_dir()
    parser.add_argument("--executed", type=Path, default=root / "executed")
    parser.add_argument("--figures", type=Path, default=root / "figures")
    parser.add_argument("--out", type=Path, default=root / "html")
    args = parser.parse_args(argv)
    index = build(args.executed, args.figures, args.out)
    print(f"The reader is ready: open {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
