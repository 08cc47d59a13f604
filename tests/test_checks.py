"""helpers.checks: a claim that does not hold stops the notebook; one that needs real data waits for it."""

import pytest

from helpers.course import checks

FLOORS = {"smoke": 0.01, "cpu": 0.04, "full": 0.04}


def test_a_claim_above_its_floor_holds_and_says_so(capsys):
    claims = checks.Claims("cpu", real=True)
    assert claims.at_least("margin over the constant box", 0.07, FLOORS)
    assert "holds: margin over the constant box: +0.070 (floor 0.04, cpu)" in capsys.readouterr().out


def test_a_claim_below_its_floor_fails_naming_value_and_floor():
    claims = checks.Claims("cpu", real=True)
    with pytest.raises(AssertionError, match=r"claim failed: margin over the constant box: \+0.030 \(floor 0.04, cpu\)"):
        claims.at_least("margin over the constant box", 0.03, FLOORS)


def test_the_floor_follows_the_profile():
    assert checks.Claims("smoke").at_least("margin", 0.02, FLOORS)
    with pytest.raises(AssertionError):
        checks.Claims("full").at_least("margin", 0.02, FLOORS)


def test_without_real_data_a_claim_is_printed_not_checked(capsys):
    claims = checks.Claims("cpu", real=False, why_not_real="stand-in birds")
    assert not claims.at_least("margin", -0.5, FLOORS)
    assert "not checked (stand-in birds): margin: -0.500 (floor 0.04)" in capsys.readouterr().out


def test_a_claim_that_needs_no_real_data_is_checked_on_a_stand_in():
    with pytest.raises(AssertionError, match="caching is faster"):
        checks.Claims("cpu", real=False).holds("caching is faster", False, needs_real=False)


def test_none_means_nothing_is_claimed_under_that_profile(capsys):
    assert not checks.Claims("smoke").at_least("gain", -1.0, {"smoke": None, "cpu": 0.02, "full": 0.02})
    assert "not claimed in smoke" in capsys.readouterr().out


def test_holds_only_in_the_profiles_named():
    claims = checks.Claims("smoke")
    assert not claims.holds("AnB loses more with depth", False, profiles=("cpu", "full"))
    with pytest.raises(AssertionError):
        checks.Claims("cpu").holds("AnB loses more with depth", False, profiles=("cpu", "full"))


def test_floors_must_name_every_profile_and_the_profile_must_exist():
    with pytest.raises(ValueError, match="no value for full"):
        checks.Claims("cpu").at_least("x", 1.0, {"smoke": 0.0, "cpu": 0.0})
    with pytest.raises(ValueError, match="unknown profile 'gpu'"):
        checks.Claims("gpu")


def test_a_rehearsal_checks_nothing_and_says_so(monkeypatch, capsys):
    monkeypatch.setenv("ACV_REHEARSAL", "1")
    claims = checks.Claims("full", real=True)
    assert not claims.at_least("margin", -1.0, FLOORS)
    assert not claims.holds("ours beats the course", False)
    out = capsys.readouterr().out
    assert "rehearsal: not checked: margin: -1.000" in out and "rehearsal: not checked: ours beats the course" in out


def test_interval_claims_check_the_mean_and_print_the_verdict(capsys):
    from helpers import stats

    claims = checks.Claims("cpu")
    gain = stats.over_seeds([0.02, 0.03, 0.04])
    assert claims.interval("gain", gain, {"smoke": None, "cpu": 0.01, "full": 0.01})
    assert "holds: gain: +0.030 (95 % interval" in capsys.readouterr().out
    assert not claims.interval("tie", stats.over_seeds([-0.01, 0.02, 0.0]), None)
    assert "not asserted, reported: tie: +0.003" in capsys.readouterr().out
    assert "[not distinguishable]" in claims.lines[-1]
    with pytest.raises(AssertionError, match="claim failed: gain: \\+0.030"):
        claims.interval("gain", gain, {"smoke": None, "cpu": 0.05, "full": 0.05})


def test_an_ahead_claim_also_needs_its_interval_above_zero(capsys):
    from helpers import stats

    claims = checks.Claims("cpu")
    wide = stats.Interval(mean=0.03, low=-0.01, high=0.07, n=100, method="paired bootstrap over images")
    assert claims.interval("gain", wide, {"smoke": None, "cpu": 0.02, "full": 0.02})  # the mean alone clears it
    with pytest.raises(AssertionError, match="interval is not above 0"):
        claims.interval("gain", wide, {"smoke": None, "cpu": 0.02, "full": 0.02}, ahead=True)
    narrow = stats.Interval(mean=0.03, low=0.01, high=0.05, n=100, method="paired bootstrap over images")
    assert claims.interval("gain", narrow, {"smoke": None, "cpu": 0.02, "full": 0.02}, ahead=True)
    assert "and the interval above 0" in capsys.readouterr().out
