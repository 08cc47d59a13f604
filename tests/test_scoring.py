"""helpers.scoring: the success curve, its area, and the COCO-style average."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import scoring

ious_lists = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=200)


@settings(max_examples=60, deadline=None)
@given(ious_lists)
def test_the_area_under_the_success_curve_is_the_mean_iou(ious):
    # integral_0^1 P(IoU >= t) dt = E[IoU]; trapezoids on a grid of 1,000 steps are within one step of it.
    assert scoring.success_area(ious, steps=1001) == pytest.approx(np.mean(ious), abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(ious_lists)
def test_the_success_curve_falls_from_one_at_zero(ious):
    thresholds, shares = scoring.success_curve(ious)
    assert thresholds[0] == 0.0 and thresholds[-1] == 1.0 and shares[0] == 1.0
    assert np.all(np.diff(shares) <= 0), "a higher threshold never lets more boxes through"


def test_coco_style_average_by_hand():
    # thresholds 0.50 .. 0.95: IoU 0.55 passes 0.50 and 0.55; 0.72 passes six; 0.96 passes all ten; 0.30 none.
    # (2 + 5 + 10 + 0) / (10 thresholds * 4 boxes) = 17 / 40
    assert scoring.coco_style_average([0.55, 0.72, 0.96, 0.30]) == pytest.approx(17 / 40)
    assert scoring.COCO_THRESHOLDS == (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def test_a_box_exactly_at_a_threshold_counts():
    assert scoring.share_at_least([0.55], [0.55]).tolist() == [1.0]


def test_summary_names_the_numbers_a_notebook_records():
    assert scoring.summary([0.4, 0.6, 0.8, 1.0]) == pytest.approx(
        {"mean_iou": 0.7, "share_iou_ge_0_5": 0.75, "share_iou_ge_0_75": 0.5, "coco_style_average": 0.5})  # (0 + 3 + 7 + 10) / 40


@pytest.mark.parametrize("bad, message", [
    ([0.5, np.nan], r"ious\[1\] = nan is not an IoU in \[0, 1\]"),
    ([1.2], r"ious\[0\] = 1.2 is not an IoU"),
    ([], "non-empty 1-D array"),
    ([[0.5, 0.5]], "non-empty 1-D array"),
])
def test_bad_ious_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        scoring.coco_style_average(bad)


def test_reached_is_the_success_curve_per_box():
    per_box = scoring.reached([0.2, 0.5, 0.9], [0.5, 0.75])
    assert per_box.tolist() == [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]  # (3 boxes, 2 thresholds); 0.5 reaches 0.5
    assert scoring.share_at_least([0.2, 0.5, 0.9], [0.5, 0.75]).tolist() == pytest.approx([2 / 3, 1 / 3])
    with pytest.raises(ValueError, match="thresholds"):
        scoring.reached([0.5], [])
