"""helpers.stats: intervals over seeds and paired bootstraps, checked on cases computed by hand."""

import numpy as np
import pytest

from helpers import stats


def test_t_interval_over_three_seeds_matches_the_hand_computation():
    # mean 2, sample sd 1 (ddof = 1), sem 1/sqrt(3); t(0.975, df 2) = 4.302653
    interval = stats.over_seeds([1.0, 2.0, 3.0])
    half = 4.302653 / np.sqrt(3)
    assert interval.mean == pytest.approx(2.0)
    assert interval.low == pytest.approx(2.0 - half, abs=1e-5)
    assert interval.high == pytest.approx(2.0 + half, abs=1e-5)
    assert interval.n == 3 and interval.values == (1.0, 2.0, 3.0)


def test_spread_uses_ddof_1_not_numpy_default():
    # np.std([0, 1]) is 0.5 (ddof = 0); the sample spread is 0.7071
    assert stats.spread([0.0, 1.0]) == pytest.approx(np.sqrt(0.5))
    assert stats.spread([0.3]) == 0.0


def test_paired_over_seeds_takes_the_interval_of_the_differences():
    # the differences are 0.02, 0.03, 0.04: mean 0.03, sd 0.01; a seed's level moves both arms alike
    treatment, control = [0.52, 0.73, 0.64], [0.50, 0.70, 0.60]
    interval = stats.paired_over_seeds(treatment, control)
    half = 4.302653 * 0.01 / np.sqrt(3)
    assert interval.mean == pytest.approx(0.03)
    assert (interval.low, interval.high) == pytest.approx((0.03 - half, 0.03 + half), abs=1e-6)
    assert interval.sign == 1  # unpaired, the spread between seeds (0.1) would swamp 0.03


def test_one_seed_has_no_interval_and_no_verdict_of_difference():
    interval = stats.over_seeds([0.05])
    assert not interval.known and interval.sign == 0
    assert "not distinguishable" in interval.verdict("A", "B")
    assert "n = 1" in interval.verdict("A", "B")


def test_verdict_follows_the_interval():
    ahead = stats.Interval(0.034, 0.012, 0.056, 5, "t over seeds")
    behind = stats.Interval(-0.05, -0.08, -0.02, 5, "t over seeds")
    level = stats.Interval(0.003, -0.009, 0.015, 5, "t over seeds")
    assert ahead.verdict("AnB+", "baseB") == ("AnB+ ahead of baseB by +0.034 "
                                              "(95 % interval +0.012 to +0.056, t over 5 seeds)")
    assert behind.verdict("AnB", "baseB").startswith("AnB behind baseB by -0.050")
    assert level.verdict("AnB+", "baseB") == ("AnB+ and baseB not distinguishable at this budget: "
                                              "+0.003 (95 % interval -0.009 to +0.015, t over 5 seeds)")
    assert (ahead.word(), behind.word(), level.word()) == ("ahead", "behind", "not distinguishable")


def test_paired_bootstrap_of_a_constant_shift_is_that_shift():
    rng = np.random.default_rng(1)
    b = rng.uniform(size=300)
    interval = stats.paired_bootstrap(b + 0.1, b)
    assert interval.mean == pytest.approx(0.1)
    assert interval.low == pytest.approx(0.1) and interval.high == pytest.approx(0.1)


def test_paired_bootstrap_width_matches_the_binomial_standard_error():
    # model A right on 200 of 400 images that B gets wrong, equal elsewhere: the difference per image is
    # 1 or 0 with p = 0.5, so its mean's standard error is 0.5 / sqrt(400) = 0.025 and the 95 % interval
    # is about 0.5 +- 1.96 * 0.025 = 0.451 to 0.549
    a = np.r_[np.ones(200), np.zeros(200)]
    b = np.zeros(400)
    interval = stats.paired_bootstrap(a, b, resamples=4000)
    assert interval.mean == pytest.approx(0.5)
    assert interval.low == pytest.approx(0.451, abs=0.01) and interval.high == pytest.approx(0.549, abs=0.01)
    assert interval.n == 400 and "bootstrap" in interval.method


def test_paired_bootstrap_sees_what_the_unpaired_comparison_misses():
    # both models get the hard images wrong: a 2-point edge on the same 500 images is clear when paired
    rng = np.random.default_rng(0)
    hard = rng.uniform(size=500) < 0.4
    b = (~hard).astype(float)
    a = b.copy()
    a[np.flatnonzero(hard)[:10]] = 1.0  # A also solves 10 of the hard ones
    interval = stats.paired_bootstrap(a, b)
    assert interval.sign == 1 and interval.low > 0
    equal = stats.paired_bootstrap(b, b)
    assert equal.sign == 0 and equal.word() == "not distinguishable"


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="same images"):
        stats.paired_bootstrap([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="not finite"):
        stats.over_seeds([0.5, float("nan")])
    with pytest.raises(ValueError, match="one number per seed"):
        stats.paired_over_seeds([0.5, 0.6], [0.5])
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        stats.over_seeds([0.5, 0.6], level=95)
    with pytest.raises(ValueError, match="non-empty"):
        stats.over_seeds([])


def test_an_interval_survives_its_record():
    interval = stats.over_seeds([0.61, 0.64, 0.6])
    assert stats.Interval.from_dict(interval.as_dict()) == interval


def test_contrast_bootstrap_finds_a_lead_that_grows_and_none_where_it_does_not():
    rng = np.random.default_rng(1)
    small_b, large_b = rng.uniform(0, 1, 400), rng.uniform(0, 1, 400)
    # A leads B by 0.2 on the first group and by 0.05 on the second: the contrast is 0.15
    grows = stats.contrast_bootstrap((small_b + 0.2, small_b), (large_b + 0.05, large_b))
    assert grows.mean == pytest.approx(0.15) and grows.low == pytest.approx(0.15) and grows.high == pytest.approx(0.15)
    # the same noisy lead on both groups: the interval holds zero
    noise_1, noise_2 = rng.normal(0.1, 0.3, 400), rng.normal(0.1, 0.3, 400)
    same = stats.contrast_bootstrap((small_b + noise_1, small_b), (large_b + noise_2, large_b))
    assert same.low < 0 < same.high and same.sign == 0 and same.method == "bootstrap of a contrast"
    # its width is about that of two independent means: 1.96 * sqrt(2 * 0.3**2 / 400)
    assert same.high - same.low == pytest.approx(2 * 1.96 * np.sqrt(2 * 0.09 / 400), rel=0.15)
    with pytest.raises(ValueError, match="group_2: paired scores need the same images: got 3 and 2"):
        stats.contrast_bootstrap(([1, 2], [1, 2]), ([1, 2, 3], [1, 2]))


def test_correct_scores_a_sigmoid_and_a_softmax_per_image():
    # a sigmoid: right when P(class 1) lands on the label's side of 0.5; (n, 1) as predict() gives it
    assert stats.correct([[0.9], [0.2], [0.6], [0.4]], [1, 0, 0, 1]).tolist() == [1.0, 1.0, 0.0, 0.0]
    # a softmax: right when the label's score is the largest
    assert stats.correct([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], [1, 2]).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(2,\)"):
        stats.correct([0.1, 0.9, 0.5], [0, 1])


def test_simultaneous_band_of_a_constant_shift_is_that_shift_with_no_width():
    rng = np.random.default_rng(3)
    b = rng.uniform(size=(200, 11))
    band = stats.simultaneous_band(b + 0.1, b)
    assert band.differences == pytest.approx(np.full(11, 0.1))
    assert band.half_widths == pytest.approx(np.zeros(11)) and band.worst_upper == pytest.approx(0.1)


def test_simultaneous_band_is_wider_than_one_point_and_catches_a_real_lead():
    # one point: the band's half-width is the bootstrap's 95 % quantile of |mean - mean*| / se, about
    # 1.96 standard errors; over 20 independent points the largest of 20 such ratios is about 3
    rng = np.random.default_rng(4)
    noise_a, noise_b = rng.normal(size=(400, 20)), rng.normal(size=(400, 20))
    one_point = stats.simultaneous_band(noise_a[:, :1], noise_b[:, :1])
    everywhere = stats.simultaneous_band(noise_a, noise_b)
    se = np.sqrt(2 / 400)  # the difference of two unit normals, averaged over 400 images
    assert one_point.half_widths[0] == pytest.approx(1.96 * se, rel=0.15)
    assert everywhere.half_widths.mean() == pytest.approx(3.0 * se, rel=0.15)
    assert not everywhere.behind_anywhere  # pure noise: B nowhere distinguishably ahead
    behind = stats.simultaneous_band(noise_a - np.eye(20)[7] * 0.5, noise_b, points=np.linspace(0.5, 0.95, 20))
    assert behind.behind_anywhere and behind.closest == 7
    assert "ahead there, beyond the band" in behind.text("ours", "the constant box") and "at 0.67" in behind.text("a", "b")  # 0.5 + 7 * 0.45 / 19
    assert behind.as_dict()["worst_upper"] == pytest.approx(behind.differences[7] + behind.half_widths[7])


def test_simultaneous_band_is_narrow_where_the_curve_is_sure_and_wide_where_it_is_not():
    # a success curve: at a threshold nearly every box reaches (or none does), few images differ
    rng = np.random.default_rng(5)
    ious_a, ious_b = rng.uniform(0.4, 1.0, 500), rng.uniform(0.4, 1.0, 500)
    thresholds = np.array([0.3, 0.7])
    band = stats.simultaneous_band((ious_a[:, None] >= thresholds).astype(float),
                                   (ious_b[:, None] >= thresholds).astype(float), points=thresholds)
    assert band.differences[0] == 0.0 and band.half_widths[0] == pytest.approx(0.0, abs=0.01)
    assert band.half_widths[1] > 0.05  # about half the boxes reach 0.7: the difference of two shares of 1/2


def test_simultaneous_band_names_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        stats.simultaneous_band(np.zeros((5, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="not finite"):
        stats.simultaneous_band(np.full((5, 3), np.nan), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="points must name each"):
        stats.simultaneous_band(np.zeros((5, 3)), np.zeros((5, 3)), points=[0.5, 0.6])
