"""Checking a lesson's claims against this run, with floors that depend on the profile.

    claims = checks.Claims(cfg.profile, real=data_source.real and weights_source.real)
    claims.at_least("our mean IoU over the constant box", margin, {"smoke": 0.01, "cpu": 0.04, "full": 0.04})
    claims.holds("ours beats the constant box at IoU 0.5", ours > constant, f"{ours} against {constant}")

Each call prints one line saying what was claimed, what was measured and the
floor it had to reach. A claim that does not hold raises ``AssertionError``
with the same line, so nbval and ``make run`` stop there. Claims that need the
real data and weights are only printed (``not checked``) when ``real`` is
False: a stand-in shows that the code runs, not what the lesson claims.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..stats import Interval
from . import rehearsal
from .profile import PROFILES


class Claims:
    """A notebook's claims, checked one line at a time (see the module's docstring)."""

    def __init__(self, profile: str, real: bool = True, why_not_real: str = "stand-in data or random weights"):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; expected one of: {', '.join(PROFILES)}")
        self.profile = profile
        self.real = bool(real)
        self.why_not_real = why_not_real
        self.lines: list[str] = []
        self.rehearsal = rehearsal.active()  # a rehearsal's numbers are never results: nothing is checked

    def _say(self, line: str) -> None:
        self.lines.append(line)
        print(line)

    def floor(self, floors: float | Mapping[str, float | None]) -> float | None:
        """The floor for this run's profile: a number, or a mapping profile -> number (None: no claim)."""
        if isinstance(floors, Mapping):
            missing = [p for p in PROFILES if p not in floors]
            if missing:
                raise ValueError(f"floors {dict(floors)} name no value for {', '.join(missing)}; "
                                 f"give one per profile ({', '.join(PROFILES)}), None where nothing is claimed")
            return floors[self.profile]
        return None if floors is None else float(floors)

    def at_least(self, claim: str, value: float, floors, needs_real: bool = True, fmt: str = "{:+.3f}") -> bool:
        """Check ``value >= floor`` for this profile; returns whether it was checked.

        fmt: how to show the value ("{:.1f}x" for a speed-up).
        """
        return self._against_floor(f"{claim}: {fmt.format(value)}", value, self.floor(floors), needs_real,
                                   without_floor=f"not claimed in {self.profile}")

    def interval(self, claim: str, interval, floors, needs_real: bool = True, ahead: bool = False,
                 fmt: str = "{:+.3f}") -> bool:
        """Check an interval's *mean* against this profile's floor and print its verdict.

        interval: a ``helpers.stats.Interval``. floors: as for ``at_least``; None (or None for this
        profile) asserts nothing and only prints what the interval allows ("not distinguishable at
        this budget" when it holds zero). ahead=True also requires the whole interval above zero
        wherever a floor is checked: for a claim that one arm *beats* another, a mean above the
        floor with an interval that holds zero is not enough. Returns whether a floor was checked.
        """
        shown = f"{claim}: {interval.text(fmt)} [{interval.word()}]"
        checked = self._against_floor(shown, interval.mean, None if floors is None else self.floor(floors), needs_real,
                                      without_floor="not asserted, reported",
                                      on=" on the mean" + (", and the interval above 0" if ahead else ""))
        if checked and ahead and interval.sign <= 0:
            raise AssertionError(f"claim failed: {shown}: the mean clears its floor but the interval is not above 0")
        return checked

    def _against_floor(self, shown: str, value: float, floor: float | None, needs_real: bool,
                       without_floor: str, on: str = "") -> bool:
        """One line for ``shown``; raise when ``value`` is below ``floor``. Returns whether it was checked."""
        if self.rehearsal:
            self._say(f"  rehearsal: not checked: {shown}")
            return False
        if floor is None:
            self._say(f"  {without_floor}: {shown}")
            return False
        if needs_real and not self.real:
            self._say(f"  not checked ({self.why_not_real}): {shown} (floor {floor:g}{on})")
            return False
        line = f"{shown} (floor {floor:g}{on}, {self.profile})"
        if not value >= floor:
            raise AssertionError(f"claim failed: {line}")
        self._say(f"  holds: {line}")
        return True

    def holds(self, claim: str, condition: bool, detail: str = "", needs_real: bool = True,
              profiles: tuple[str, ...] = PROFILES) -> bool:
        """Check that ``condition`` is true (in ``profiles`` only); returns whether it was checked."""
        shown = f"{claim}" + (f" ({detail})" if detail else "")
        if self.rehearsal:
            self._say(f"  rehearsal: not checked: {shown}")
            return False
        if self.profile not in profiles:
            self._say(f"  not claimed in {self.profile}: {shown}")
            return False
        if needs_real and not self.real:
            self._say(f"  not checked ({self.why_not_real}): {shown}")
            return False
        if not condition:
            raise AssertionError(f"claim failed: {shown}")
        self._say(f"  holds: {shown}")
        return True


# ----------------------------------------------------------------------------------------------
# The table's claims (helpers/course/lessons.py) against a run's recorded numbers: what
# helpers.finish calls.

_COMPARISON = re.compile(r"^(.+?) (>=|<=|>|<) (.+)$")
_OPERATORS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def _lookup(numbers: dict, key: str) -> list[tuple[tuple[str, ...], object]]:
    """[(what each ``*`` matched, value)] for a dotted ``key``; KeyError naming what exists."""
    found: list[tuple[tuple[str, ...], object]] = [((), numbers)]
    for part in key.split("."):
        step = []
        for matched, value in found:
            if not isinstance(value, Mapping) or (part != "*" and part not in value):
                there = ", ".join(map(str, value)) if isinstance(value, Mapping) else type(value).__name__
                raise KeyError(f"the claim reads {key!r}, and {part!r} is not in this run's record (there: {there})")
            step += [(matched + (k,), v) for k, v in value.items()] if part == "*" else [(matched, value[part])]
        found = step
    return found


def value_at(numbers: dict, key: str) -> object:
    """The one value at a dotted ``key`` (no ``*``); KeyError naming what exists."""
    (_, value), = _lookup(numbers, key)
    return value


def _number(numbers: dict, term: str) -> float:
    try:
        return float(term)
    except ValueError:
        return float(value_at(numbers, term))


def check_table(claims, numbers: dict, settings: dict, sources: dict[str, dict], profile: str) -> list[str]:
    """Check each of ``claims`` (``lessons.Claim``) against a run's plain recorded ``numbers``.

    settings: the run's settings (they fill ``{name}`` fields where the numbers do not);
    sources: the run's sources as recorded ({"data": {"real": ..., "name": ...}, "weights:x": ...}).
    Prints one line per claim and returns them; a claim that fails raises AssertionError.
    """
    fields = {**settings, **numbers}
    lines: list[str] = []
    for claim in claims:
        needed = tuple(sources) if claim.needs is None else claim.needs
        unknown = [k for k in needed if k not in sources]
        if unknown:
            raise KeyError(f"claim {claim.text!r} needs sources {unknown}; this run recorded {sorted(sources)}")
        fake = [sources[k]["name"] for k in needed if not sources[k]["real"]]
        real = not fake
        judge = Claims(profile, real=real, why_not_real="stand-in " + ", ".join(fake) if fake else "")
        needs_real = bool(needed)
        if claim.is_comparison:
            left, op, right = _COMPARISON.match(claim.measure.format_map(fields)).groups()
            a, b = _number(numbers, left), _number(numbers, right)
            judge.holds(claim.text.format_map(fields), _OPERATORS[op](a, b), f"{a:.4g} against {b:.4g}",
                        needs_real=needs_real, profiles=claim.profiles)
            lines += judge.lines
            continue
        floors = claim.floors
        if claim.standin is not None and not real:
            floors, needs_real = claim.standin, False  # checked on the stand-in, at its own floors
        skipped = {pattern.format_map(fields) for pattern in claim.skip}
        for matched, value in _lookup(numbers, claim.measure.format_map(fields)):
            if ".".join(matched) in skipped:
                continue
            text = claim.text.format(*matched, **fields)
            if value is None:
                judge._say(f"  not measured in this run: {text}")
            elif isinstance(value, Mapping) and "mean" in value:
                judge.interval(text, Interval.from_dict(value), floors, needs_real=needs_real, ahead=claim.ahead,
                               fmt=claim.fmt)
            else:
                judge.at_least(text, float(value), floors, needs_real=needs_real, fmt=claim.fmt)
        lines += judge.lines
    return lines
