"""The README's "what changed" table quotes the course's own notebooks: every quote must be there.

The course's week-1 notebooks as published today lie in ``../shared/course-labs/`` beside the
checkout (or ``$ACV_COURSE_LABS``); without them these tests are skipped.
"""

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = Path(os.environ.get("ACV_COURSE_LABS", ROOT.parent / "shared" / "course-labs"))
NOTEBOOK_OF = {  # the first cell of a row names the notebook it quotes
    "lab 1": "C3_W1_Lab_1_transfer_learning_cats_dogs.ipynb",
    "lab 2": "C3_W1_Lab_2_Transfer_Learning_CIFAR_10.ipynb",
    "lab 3": "C3_W1_Lab_3_Object_Localization.ipynb",
    "assignment": "C3W1_Assignment.ipynb",
}


def changed_table_rows(readme: str) -> list[tuple[str, list[str]]]:
    """(lab, [quoted code]) for each row of the README's "What changed" table."""
    section = readme.split("## What changed from the course's labs", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| the course") or line.startswith("|---"):
            continue
        first_cell = line.split("|")[1].strip()
        lab, _, quoted = first_cell.partition(":")
        rows.append((lab.strip(), re.findall(r"`([^`]+)`", quoted)))
    return rows


def course_source(name: str) -> str:
    cells = json.loads((LABS / name).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_row_names_a_course_notebook_and_quotes_it():
    rows = changed_table_rows((ROOT / "README.md").read_text())
    assert len(rows) >= 4, f"the table has {len(rows)} rows"
    for lab, quotes in rows:
        assert lab in NOTEBOOK_OF, f"row starts with {lab!r}; expected one of {', '.join(NOTEBOOK_OF)}"
        assert quotes, f"the row for {lab} quotes no code of the course"


@pytest.mark.skipif(not LABS.is_dir(), reason=f"the course's notebooks are not at {LABS}")
def test_every_quote_occurs_in_the_course_notebook_it_names():
    for lab, quotes in changed_table_rows((ROOT / "README.md").read_text()):
        source = _squeeze(course_source(NOTEBOOK_OF[lab]))
        for quote in quotes:
            assert _squeeze(quote) in source, f"{lab} ({NOTEBOOK_OF[lab]}) does not contain {quote!r}"


@pytest.mark.skipif(not LABS.is_dir(), reason=f"the course's notebooks are not at {LABS}")
def test_the_quote_check_can_fail():
    source = _squeeze(course_source(NOTEBOOK_OF["lab 1"]))
    assert "RMSprop(learning_rate=0.0001)" in source
    assert "RMSprop(lr=0.0001)" not in source  # the older lab's spelling, fixed upstream
