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

from collections.abc import Mapping

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
        return float(floors)

    def at_least(self, claim: str, value: float, floors, needs_real: bool = True, fmt: str = "{:+.3f}") -> bool:
        """Check ``value >= floor`` for this profile; returns whether it was checked.

        fmt: how to show the value ("{:.1f}x" for a speed-up).
        """
        return self._against_floor(f"{claim}: {fmt.format(value)}", value, self.floor(floors), needs_real,
                                   without_floor=f"not claimed in {self.profile}")

    def interval(self, claim: str, interval, floors, needs_real: bool = True, ahead: bool = False) -> bool:
        """Check an interval's *mean* against this profile's floor and print its verdict.

        interval: a ``helpers.stats.Interval``. floors: as for ``at_least``; None (or None for this
        profile) asserts nothing and only prints what the interval allows ("not distinguishable at
        this budget" when it holds zero). ahead=True also requires the whole interval above zero
        wherever a floor is checked: for a claim that one arm *beats* another, a mean above the
        floor with an interval that holds zero is not enough. Returns whether a floor was checked.
        """
        shown = f"{claim}: {interval.text()} [{interval.word()}]"
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
