"""How sure is a difference? One vocabulary for every comparison in the notebooks.

Two ways to put an interval on a number, and one sentence made from it:

    over_seeds([0.71, 0.69, 0.74])                   ->  Interval: mean, t-interval (ddof = 1)
    paired_over_seeds(treatment, control)            ->  Interval of the per-seed differences
    paired_bootstrap(scores_a, scores_b)             ->  Interval of mean(a) - mean(b), resampling
                                                         the same test images for both models
    simultaneous_band(per_image_a, per_image_b)      ->  Band: the difference of two curves (a score
                                                         at each of T points, per image) with a band
                                                         that covers every point at once
    correct(probabilities, labels)                   ->  (n,) 1.0 / 0.0 per image: the scores a
                                                         classifier gives paired_bootstrap
    interval.verdict("AnB+", "baseB")                ->  "AnB+ ahead of baseB by +0.034 (95 % interval
                                                         +0.012 to +0.056)", or "AnB+ and baseB not
                                                         distinguishable at this budget: -0.009 to +0.015"

Seeds: use them when the run repeats a whole training with different seeds (the
variation comes from training). Bootstrap: use it when two models are scored on the
same test images (the variation comes from which images were drawn); it says nothing
about how another training run would score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _scipy_stats

LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A mean (or difference of means) with a two-sided interval at ``level``.

    low and high are None when there is no spread to measure (one seed).
    """

    mean: float
    low: float | None
    high: float | None
    n: int  # seeds, or test images for a bootstrap
    method: str  # "t over seeds" or "paired bootstrap over images"
    level: float = LEVEL
    values: tuple[float, ...] = field(default=())  # per seed, where the interval is over seeds

    @property
    def known(self) -> bool:
        """True when the interval could be measured (two or more seeds or images)."""
        return self.low is not None and self.high is not None

    @property
    def sign(self) -> int:
        """+1 when the whole interval is above zero, -1 below, 0 when it holds zero or is unknown."""
        if not self.known:
            return 0
        return 1 if self.low > 0 else -1 if self.high < 0 else 0

    def range_text(self, fmt: str = "{:+.3f}") -> str:
        """"+0.012 to +0.056", or "no interval (one seed)"."""
        if not self.known:
            return f"no interval (n = {self.n})"
        return f"{fmt.format(self.low)} to {fmt.format(self.high)}"

    def text(self, fmt: str = "{:+.3f}") -> str:
        """"+0.034 (95 % interval +0.012 to +0.056, t over 3 seeds)", or "... paired bootstrap over 500 images"."""
        if not self.known:
            return f"{fmt.format(self.mean)} (no interval: n = {self.n})"
        unit = "seeds" if "seed" in self.method else "images"
        how = self.method.replace(" over seeds", "").replace(" over images", "")
        return (f"{fmt.format(self.mean)} ({self.level * 100:.0f} % interval {self.range_text(fmt)}, "
                f"{how} over {self.n:,} {unit})")

    def verdict(self, first: str, second: str, fmt: str = "{:+.3f}") -> str:
        """The sentence the interval allows about ``first - second``.

        "A ahead of B by ...", "A behind B by ...", or "A and B not distinguishable at this
        budget: ..." when the interval holds zero (or could not be measured).
        """
        if self.sign > 0:
            return f"{first} ahead of {second} by {self.text(fmt)}"
        if self.sign < 0:
            return f"{first} behind {second} by {self.text(fmt)}"
        if not self.known:
            return f"{first} and {second} not distinguishable: {self.text(fmt)}"
        return f"{first} and {second} not distinguishable at this budget: {self.text(fmt)}"

    def word(self) -> str:
        """"ahead", "behind" or "not distinguishable": the verdict in one word, for records."""
        return {1: "ahead", -1: "behind", 0: "not distinguishable"}[self.sign]

    @classmethod
    def from_dict(cls, record: dict) -> Interval:
        """The Interval that ``as_dict`` wrote (a recorded run's JSON)."""
        return cls(record["mean"], record["low"], record["high"], record["n"], record["method"],
                   record.get("level", LEVEL), tuple(record.get("values", ())))

    def as_dict(self) -> dict:
        return {"mean": self.mean, "low": self.low, "high": self.high, "n": self.n, "method": self.method,
                "level": self.level, "verdict": self.word(), "values": list(self.values)}


def _as_1d(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of numbers; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds a value that is not finite: {array.tolist()}")
    return array


def correct(probabilities, labels) -> np.ndarray:
    """(n,) 1.0 where a classifier's prediction is the label, else 0.0: per-image scores to pair.

    probabilities: (n,) or (n, 1) a sigmoid's P(class 1), right when it lands on the label's
    side of 0.5; or (n, classes) scores, right when the largest is the label's.
    labels: (n,) class indices.
    """
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels)
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.ndim not in (1, 2) or y.ndim != 1 or len(p) != len(y):
        raise ValueError(f"correct needs (n,) or (n, classes) probabilities and (n,) labels; "
                         f"got shapes {p.shape} and {y.shape}")
    predicted = (p > 0.5).astype(int) if p.ndim == 1 else p.argmax(axis=1)
    return (predicted == y).astype(float)


def over_seeds(values, level: float = LEVEL) -> Interval:
    """Mean of per-seed numbers with Student's t-interval (sample spread, ddof = 1).

    values: (n_seeds,) one number per seed. With one seed the interval is unknown.
    """
    _check_level(level)
    x = _as_1d(values, "values")
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, None, None, int(x.size), "t over seeds", level, tuple(x.tolist()))
    sem = float(x.std(ddof=1)) / np.sqrt(x.size)
    half = float(_scipy_stats.t.ppf(0.5 + level / 2, df=x.size - 1)) * sem
    return Interval(mean, mean - half, mean + half, int(x.size), "t over seeds", level, tuple(x.tolist()))


def spread(values) -> float:
    """Sample standard deviation (ddof = 1) of per-seed numbers; 0.0 for one seed."""
    x = _as_1d(values, "values")
    return float(x.std(ddof=1)) if x.size > 1 else 0.0


def paired_over_seeds(treatment, control, level: float = LEVEL) -> Interval:
    """Interval of ``treatment - control`` where both were measured with the same seeds.

    treatment, control: (n_seeds,), entry i from seed i in both. Pairing removes what a seed
    does to both arms alike (the data drawn, the split), so the interval is of the differences.
    """
    a, b = _as_1d(treatment, "treatment"), _as_1d(control, "control")
    if a.shape != b.shape:
        raise ValueError(f"treatment and control need one number per seed each; got {a.size} and {b.size}")
    return over_seeds(a - b, level)


def paired_bootstrap(scores_a, scores_b, level: float = LEVEL, resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = 0) -> Interval:
    """Percentile interval of ``mean(scores_a) - mean(scores_b)`` over resampled test images.

    scores_a, scores_b: (n_images,) a per-image score of two models on the *same* images, in
    the same order (1.0/0.0 for right/wrong, or an IoU). Each resample draws n images with
    replacement and scores both models on that draw, so an image that is hard for both
    counts against both.
    """
    _check_level(level)
    a, b = _as_1d(scores_a, "scores_a"), _as_1d(scores_b, "scores_b")
    if a.shape != b.shape:
        raise ValueError(f"paired scores need the same images: got {a.size} and {b.size} scores")
    if resamples < 100:
        raise ValueError(f"resamples must be at least 100 for a {level:.0%} interval; got {resamples}")
    difference = a - b
    mean = float(difference.mean())
    if difference.size < 2:
        return Interval(mean, None, None, int(difference.size), "paired bootstrap over images", level)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    chunk = max(1, 2_000_000 // difference.size)  # resamples at a time: bounded memory for large test sets
    for start in range(0, resamples, chunk):
        stop = min(resamples, start + chunk)
        picks = rng.integers(0, difference.size, size=(stop - start, difference.size))  # (chunk, n_images)
        means[start:stop] = difference[picks].mean(axis=1)
    low, high = np.quantile(means, [0.5 - level / 2, 0.5 + level / 2])
    return Interval(mean, float(low), float(high), int(difference.size), "paired bootstrap over images", level)


@dataclass(frozen=True)
class Band:
    """A curve of differences, ``a - b`` at each of T points, with a simultaneous band.

    The band is ``differences +- half_widths``, holding at every point at once: over resampled
    images, ``level`` of the resampled curves stay inside it everywhere. Each point's half-width is
    a common multiple of that point's own standard error, so a point where both curves are near
    0 or 1 gets a narrow band and one near 1/2 a wide one. "B ahead of A somewhere" is shown only
    where ``differences + half_widths`` falls below 0; looking at every point does not turn a
    chance lead at one of them into a finding.
    """

    points: np.ndarray  # (T,) where the curve is measured (thresholds)
    differences: np.ndarray  # (T,) mean(a) - mean(b) at each point
    half_widths: np.ndarray  # (T,)
    n: int  # images
    level: float = LEVEL

    @property
    def closest(self) -> int:
        """Index of the point where the band's upper edge is lowest: where B comes closest to being ahead."""
        return int(np.argmin(self.differences + self.half_widths))

    @property
    def worst_upper(self) -> float:
        """The band's upper edge at its lowest: below 0 means B distinguishably ahead there."""
        return float((self.differences + self.half_widths)[self.closest])

    @property
    def behind_anywhere(self) -> bool:
        """True when somewhere the whole band lies below 0: B distinguishably ahead of A there."""
        return self.worst_upper < 0

    def text(self, first: str, second: str, fmt: str = "{:+.3f}") -> str:
        """One sentence: where ``second`` comes closest to ``first``, and whether that is beyond chance."""
        i = self.closest
        verdict = (f"{second} ahead there, beyond the band" if self.behind_anywhere
                   else f"{second} not shown ahead at any of the {len(self.points)} points")
        return (f"{first} minus {second} comes closest at {self.points[i]:.2f}: {fmt.format(self.differences[i])} "
                f"(band {fmt.format(self.differences[i] - self.half_widths[i])} to "
                f"{fmt.format(self.differences[i] + self.half_widths[i])}; {self.level * 100:.0f} % over all "
                f"{len(self.points)} points at once, {self.n:,} images): {verdict}")

    def as_dict(self) -> dict:
        i = self.closest
        return {"closest_point": float(self.points[i]), "difference_there": float(self.differences[i]),
                "half_width_there": float(self.half_widths[i]), "worst_upper": self.worst_upper,
                "points": len(self.points), "n": self.n, "level": self.level, "behind_anywhere": self.behind_anywhere}


def simultaneous_band(per_image_a, per_image_b, points=None, level: float = LEVEL,
                      resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> Band:
    """The curve ``mean(a) - mean(b)`` over images, with a band that holds at every point at once.

    per_image_a, per_image_b: (n_images, T) two models' scores on the *same* images at T points
    of a curve (for a success curve: 1.0 where the image's IoU reaches the point's threshold);
    points: (T,) where those are (default 0..T-1), for the text. Each resample draws n images with
    replacement for both models. A bootstrap sup-t band: each point's distance between the
    resampled and the measured curve is divided by that point's bootstrap standard error (at
    least 1/n, so that a point where no image differs does not divide by 0), the ``level``
    quantile of the largest such ratio is the common multiple, and each point's half-width is
    that multiple times its standard error.
    """
    _check_level(level)
    a, b = np.asarray(per_image_a, dtype=float), np.asarray(per_image_b, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or a.shape[0] < 2 or a.shape[1] < 1:
        raise ValueError(f"simultaneous_band needs two (n_images, T) arrays of the same shape with at least "
                         f"2 images; got shapes {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("simultaneous_band: a score is not finite")
    if resamples < 100:
        raise ValueError(f"resamples must be at least 100 for a {level:.0%} band; got {resamples}")
    points = np.arange(a.shape[1], dtype=float) if points is None else np.asarray(points, dtype=float)
    if points.shape != (a.shape[1],):
        raise ValueError(f"points must name each of the {a.shape[1]} columns; got shape {points.shape}")
    per_image = a - b  # (n, T)
    n = len(per_image)
    curve = per_image.mean(axis=0)  # (T,)
    rng = np.random.default_rng(seed)
    resampled = np.stack([per_image[rng.integers(0, n, n)].mean(axis=0) for _ in range(resamples)])  # (R, T)
    standard_errors = np.maximum(resampled.std(axis=0, ddof=1), 1.0 / n)  # (T,)
    largest = (np.abs(resampled - curve) / standard_errors).max(axis=1)  # (R,)
    multiple = float(np.quantile(largest, level))
    return Band(points, curve, multiple * standard_errors, n, level)


def contrast_bootstrap(group_1: tuple, group_2: tuple, level: float = LEVEL,
                       resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> Interval:
    """Percentile interval of a difference between two groups' paired differences.

    group_1 = (scores_a, scores_b) on one set of images, group_2 the same on another,
    disjoint set (small boxes, large boxes): the interval of
    ``mean(a1 - b1) - mean(a2 - b2)``, each group resampled on its own, so that "A's lead
    over B is larger on group 1" is one number with one interval.
    """
    _check_level(level)
    if resamples < 100:
        raise ValueError(f"resamples must be at least 100 for a {level:.0%} interval; got {resamples}")
    differences = []
    for name, (a, b) in (("group_1", group_1), ("group_2", group_2)):
        a, b = _as_1d(a, f"{name}'s scores_a"), _as_1d(b, f"{name}'s scores_b")
        if a.shape != b.shape:
            raise ValueError(f"{name}: paired scores need the same images: got {a.size} and {b.size} scores")
        differences.append(a - b)
    first, second = differences
    mean = float(first.mean() - second.mean())
    if min(first.size, second.size) < 2:
        return Interval(mean, None, None, int(first.size + second.size), "bootstrap of a contrast", level)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    for i in range(resamples):  # (n_1,) and (n_2,) draws with replacement, each group on its own
        means[i] = (first[rng.integers(0, first.size, first.size)].mean()
                    - second[rng.integers(0, second.size, second.size)].mean())
    low, high = np.quantile(means, [0.5 - level / 2, 0.5 + level / 2])
    return Interval(mean, float(low), float(high), int(first.size + second.size), "bootstrap of a contrast", level)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (0.95 for a 95 % interval); got {level!r}")
