"""The project's pins with the oldest supported TensorFlow and Keras in place of their own.

    python -m tools.oldest > requirements-oldest.txt     (what `make test-oldest` installs)

The oldest versions live in pyproject.toml's [tool.acv.oldest]; every other pin is the
project's own, so the second environment differs from the first in those versions alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def pin_name(requirement: str) -> str:
    """'tensorflow==2.21.0' -> 'tensorflow' (lower case, as pip compares names)."""
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement)
    if not match:
        raise ValueError(f"cannot read a package name from the requirement {requirement!r}")
    return match.group(1).lower().replace("_", "-")


def oldest_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """Every dependency of ``pyproject``, the packages of [tool.acv.oldest] at the versions it names."""
    config = tomllib.loads(pyproject.read_text())
    oldest = {pin_name(name): version for name, version in config["tool"]["acv"]["oldest"].items()}
    pins = config["project"]["dependencies"]
    unknown = sorted(set(oldest) - {pin_name(pin) for pin in pins})
    if unknown:
        raise ValueError(f"[tool.acv.oldest] names {unknown}, which are not among the project's dependencies")
    return [f"{pin_name(pin)}=={oldest[pin_name(pin)]}" if pin_name(pin) in oldest else pin for pin in pins]


if __name__ == "__main__":
    sys.stdout.write("\n".join(oldest_requirements()) + "\n")
