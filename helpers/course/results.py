"""Headline numbers: this run beside our reference run, the course and the baseline.

Three places show a notebook's headline and must agree: the notebook's last
printout (``conclusion``), the course site (``make run``) and the README's results
table. All three read ``HEADLINES`` (``lessons.py``, beside each notebook's claims) and the recorded runs:

- this run:          ``build/metrics/<notebook>.json`` (``report.record``);
- our reference run: ``reference/<profile>/<notebook>.json``, a run of the
  notebook on real data and weights kept in the repository
  (``make reference DATA=...`` writes them, then ``tools/readme_results.py``
  rewrites the README's table).
"""

from __future__ import annotations

import json

from ..sources import ROOT
from . import report
from .lessons import COURSE_LABEL, HEADLINE_SOURCES, HEADLINES

REFERENCE_DIR = ROOT / "reference"
REFERENCE_LABEL = "our reference run ({profile}, 2 CPU cores, {data})"

def stand_ins(record: dict) -> list[str]:
    """Names of the stand-in sources (data or weights) that ``record``'s headline depends on."""
    sources = record.get("sources", {})
    keys = HEADLINE_SOURCES.get(record["notebook"], tuple(sources))
    return [sources[k]["name"] for k in keys if k in sources and not sources[k]["real"]]


def data_kind(record: dict) -> str:
    """"real data", "stand-in <names>" or "no data needed": what a run's headline stood on."""
    fake = stand_ins(record)
    return "stand-in " + ", ".join(fake) if fake else "real data" if record.get("sources") else "no data needed"


def reference_label(record: dict) -> str:
    """"our reference run (cpu, 2 CPU cores, real data)" for a reference record."""
    return REFERENCE_LABEL.format(profile=record["profile"], data=data_kind(record))


def lookup(numbers: dict, key: str):
    """``numbers["a"]["b"]`` for ``key`` "a.b"; None when any part is missing."""
    value = numbers
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def numbers_of(record: dict) -> dict:
    """A record's numbers with the run's settings beneath them (the settings were recorded apart from
    2026-12-03 on: ``epochs``, ``image_size``, ``seeds``... are there, older records hold them in numbers)."""
    return {**record.get("settings", {}), **record["numbers"]}


def reference(notebook: str, profile: str = "cpu") -> dict | None:
    """Our reference run of ``notebook`` under ``profile`` (the recorded JSON), or None."""
    path = REFERENCE_DIR / profile / f"{notebook}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def headline(record: dict) -> dict | None:
    """{"what", "ours", "course", "baseline_name", "baseline"} for one recorded run; None without a headline."""
    if record["notebook"] not in HEADLINES:
        return None
    what, key, course, base_name, base = HEADLINES[record["notebook"]]
    numbers = record.get("numbers", {})
    return {"what": what, "ours": lookup(numbers, key), "course": course, "baseline_name": base_name,
            "baseline": lookup(numbers, base) if isinstance(base, str) else base}


def _describe_run(record: dict) -> str:
    data = data_kind(record)
    if record.get("rehearsal"):
        return f"this run (a REHEARSAL of {record['profile']}, {data}: not a result)"
    return f"this run ({record['profile']}, {data})"


def conclusion(notebook: str | None = None, reference_profile: str = "cpu") -> str:
    """The notebook's headline: this run, our reference run, the course, the baseline. Printed and returned.

    Reads what this run recorded (call ``report.record`` first).
    """
    run = report.current()
    notebook = notebook or run.notebook
    record = report.read(notebook)
    if record is None:
        raise RuntimeError(f"{notebook} has recorded nothing yet: call report.record(...) before conclusion()")
    mine = headline(record)
    if mine is None:
        raise ValueError(f"no headline for {notebook}; notebooks with one: {', '.join(HEADLINES)}")
    ref = reference(notebook, reference_profile)
    ref_line = headline(ref)["ours"] if ref else None
    rows = [(_describe_run(record), mine["ours"]),
            (reference_label(ref) if ref else f"our reference run ({reference_profile})",
             ref_line if ref_line is not None else "(none recorded)"),
            (COURSE_LABEL.get(notebook, "the course"), mine["course"]),
            (f"baseline: {mine['baseline_name']}", mine["baseline"])]
    width = max(len(name) for name, _ in rows)
    lines = [mine["what"]] + [f"  {name:<{width}}  {report.format_value(value)}" for name, value in rows]
    text = "\n".join(lines)
    print(text)
    return text
