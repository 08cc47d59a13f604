"""helpers.boxes: worked examples, properties, and cross-checks against Keras."""

import math

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from keras.utils import bounding_boxes as kbb

from helpers import boxes

# ---------------------------------------------------------------- worked examples


def test_iou_by_hand():
    # Two 2x2 squares overlapping in a 1x1 square: 1 / (4 + 4 - 1) = 1/7.
    assert boxes.iou([0, 0, 2, 2], [1, 1, 3, 3]) == pytest.approx(1 / 7)
    assert boxes.iou([0, 0, 2, 2], [0, 0, 2, 2]) == 1.0
    assert boxes.iou([0, 0, 1, 1], [2, 2, 3, 3]) == 0.0


def test_giou_by_hand():
    # Disjoint unit squares at (0,0) and (2,0): hull 3x1 = 3, union 2 -> GIoU = 0 - 1/3.
    assert boxes.giou([0, 0, 1, 1], [2, 0, 3, 1]) == pytest.approx(-1 / 3)


def test_diou_by_hand():
    # Same unit squares: centres 2 apart (rho^2 = 4), hull diagonal^2 = 9 + 1.
    assert boxes.diou([0, 0, 1, 1], [2, 0, 3, 1]) == pytest.approx(-4 / 10)


def test_ciou_equals_diou_when_aspect_ratios_match():
    a, b = [0, 0, 2, 1], [1, 0, 3, 1]
    assert boxes.ciou(a, b) == pytest.approx(boxes.diou(a, b))
    # A square against a 2:1 box with the same centre: v = 4/pi^2 (atan 2 - atan 1)^2.
    a, b = [0, 0, 2, 2], [-1, 0, 3, 2]
    v = 4 / math.pi**2 * (math.atan(2) - math.atan(1)) ** 2
    overlap = 4 / 8
    assert boxes.ciou(a, b) == pytest.approx(overlap - v * v / (1 - overlap + v))


def test_tensorflow_addons_documented_giou_fixture():
    """TFA's GIoULoss example, in yxyx: mean loss 1.5041667; its IoU loss 0.9375."""
    y_pred = np.array([[4, 3, 7, 5], [5, 6, 10, 7]], float)
    y_true = np.array([[3, 4, 6, 8], [14, 14, 15, 15]], float)
    assert np.mean(1 - boxes.giou(y_pred, y_true, "yxyx")) == pytest.approx(1.5041667, abs=1e-7)
    assert np.mean(1 - boxes.iou(y_pred, y_true, "yxyx")) == pytest.approx(0.9375)


def test_convert_worked_examples():
    xyxy = np.array([10.0, 20.0, 50.0, 80.0])
    assert boxes.convert(xyxy, "xyxy", "yxyx").tolist() == [20, 10, 80, 50]
    assert boxes.convert(xyxy, "xyxy", "xywh").tolist() == [10, 20, 40, 60]
    assert boxes.convert(xyxy, "xyxy", "center_xywh").tolist() == [30, 50, 40, 60]
    # A 100 high, 200 wide image: x divides by 200, y by 100.
    assert boxes.convert(xyxy, "xyxy", "rel_yxyx", image_shape=(100, 200)).tolist() == [0.2, 0.05, 0.8, 0.25]


# ---------------------------------------------------------------- edge cases and errors


def test_zero_area_boxes_give_zero_not_nan():
    point = [1, 1, 1, 1]
    for fn in boxes.IOU_FUNCTIONS.values():
        value = fn(point, point)
        assert np.isfinite(value), fn.__name__
    assert boxes.iou(point, point) == 0.0
    assert boxes.iou(point, [0, 0, 2, 2]) == 0.0


def test_inverted_box_counts_as_empty():
    assert boxes.iou([2, 2, 0, 0], [0, 0, 2, 2]) == 0.0
    # GIoU still sees how far away it is: hull 2x2 = 4, union 1 -> -3/4.
    assert boxes.giou([3, 3, 2, 2], [0, 0, 1, 1]) == pytest.approx(-0.75)


def test_unknown_format_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown box format 'xyhw'; expected one of: xyxy, yxyx, xywh, center_xywh, rel_xyxy, rel_yxyx, rel_xywh"):
        boxes.iou([0, 0, 1, 1], [0, 0, 1, 1], "xyhw")


def test_wrong_last_dimension_is_named():
    with pytest.raises(ValueError, match=r"boxes a must have shape \(\.\.\., 4\).*\(2, 3\)"):
        boxes.iou(np.zeros((2, 3)), np.zeros((2, 4)))


def test_mismatched_shapes_are_named():
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(2, 4\) do not broadcast.*pairwise_iou"):
        boxes.iou(np.zeros((3, 4)), np.zeros((2, 4)))


def test_relative_to_absolute_without_image_shape_says_so():
    with pytest.raises(ValueError, match="rel_yxyx to xyxy needs image_shape"):
        boxes.convert([0.1, 0.1, 0.5, 0.5], "rel_yxyx", "xyxy")


def test_relative_to_relative_needs_no_image_shape():
    out = boxes.convert([0.1, 0.2, 0.5, 0.6], "rel_yxyx", "rel_xyxy")
    assert out.tolist() == [0.2, 0.1, 0.6, 0.5]


@pytest.mark.parametrize(
    "bad, fmt, why",
    [
        ([[0, 0, 1, 1], [0, 0, np.nan, 1]], "xyxy", r"box \(1,\) .* holds NaN"),
        ([[0, 0, np.inf, 1]], "xyxy", r"box \(0,\) .* infinite"),
        ([[0, 0, 1, 1], [0, 0, 1, 1], [5, 0, 1, 1]], "xyxy", r"box \(2,\) \[5.0, 0.0, 1.0, 1.0\] .* inverted"),
        ([[0, 0, -1, 1]], "xywh", "inverted"),
        ([[0.1, 0.1, 1.2, 0.5]], "rel_xyxy", "outside 0..1"),
    ],
)
def test_validate_names_the_first_bad_box_and_why(bad, fmt, why):
    with pytest.raises(ValueError, match=why):
        boxes.validate(np.array(bad, float), fmt)


def test_validate_accepts_good_boxes():
    good = np.array([[0.1, 0.1, 0.5, 0.5]])
    assert boxes.validate(good, "rel_xyxy") is good


def test_numpy_in_numpy_out_and_tensor_in_tensor_out():
    a, b = np.array([[0, 0, 2, 2.0]]), np.array([[1, 1, 3, 3.0]])
    assert isinstance(boxes.iou(a, b), np.ndarray)
    out = boxes.iou(tf.constant(a, tf.float32), tf.constant(b, tf.float32))
    assert tf.is_tensor(out) and out.dtype == tf.float32


def test_pairwise_iou_matches_elementwise():
    rng = np.random.default_rng(0)
    a, b = _random_boxes(rng, 5), _random_boxes(rng, 7)
    table = boxes.pairwise_iou(a, b)
    assert table.shape == (5, 7)
    assert table[3, 4] == pytest.approx(boxes.iou(a[3], b[4]))
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        boxes.pairwise_iou(a[None], b)


# ---------------------------------------------------------------- properties

coord = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
size = st.floats(0.5, 50, allow_nan=False, allow_infinity=False)
box = st.builds(lambda x, y, w, h: np.array([x, y, x + w, y + h]), coord, coord, size, size)


@given(box, box)
def test_iou_is_symmetric_and_in_unit_interval(a, b):
    value = boxes.iou(a, b)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(boxes.iou(b, a))


@given(box)
def test_a_box_with_area_has_iou_one_with_itself(a):
    for fn in boxes.IOU_FUNCTIONS.values():
        assert fn(a, a) == pytest.approx(1.0)


@given(box, box, coord, coord, st.floats(0.1, 10))
def test_scores_are_invariant_to_moving_and_scaling_both_boxes(a, b, dx, dy, scale):
    shift = np.array([dx, dy, dx, dy])
    for fn in boxes.IOU_FUNCTIONS.values():
        expected = fn(a, b)
        assert fn(a + shift, b + shift) == pytest.approx(expected, abs=1e-6)
        assert fn(a * scale, b * scale) == pytest.approx(expected, abs=1e-6)


@given(box, box)
def test_giou_is_a_lower_bound_of_iou_in_minus_one_to_one(a, b):
    g, i = boxes.giou(a, b), boxes.iou(a, b)
    assert -1.0 < g <= i + 1e-12
    assert boxes.diou(a, b) <= i + 1e-12
    assert boxes.ciou(a, b) <= i + 1e-12


@given(box, st.sampled_from(boxes.FORMATS), st.sampled_from(boxes.FORMATS))
def test_every_format_round_trips(a, source, target):
    shape = (300, 250)
    a = np.abs(a)  # keep relative boxes meaningful: non-negative pixels
    start = boxes.convert(a, "xyxy", source, image_shape=shape)
    there = boxes.convert(start, source, target, image_shape=shape)
    back = boxes.convert(there, target, source, image_shape=shape)
    np.testing.assert_allclose(back, start, rtol=1e-9, atol=1e-9)


@given(box, box)
def test_numpy_and_tensorflow_paths_agree(a, b):
    for fn in boxes.IOU_FUNCTIONS.values():
        ours = fn(a, b)
        tensor = fn(tf.constant(a), tf.constant(b)).numpy()
        assert tensor == pytest.approx(ours, abs=1e-9)


# ---------------------------------------------------------------- cross-checks against Keras


def _random_boxes(rng, n, scale=100.0):
    corner = rng.uniform(0, scale, (n, 2))
    extent = rng.uniform(1, scale / 2, (n, 2))
    return np.concatenate([corner, corner + extent], axis=1)  # xyxy


@pytest.mark.parametrize("fmt", ["xyxy", "yxyx", "xywh", "center_xywh", "rel_xyxy", "rel_yxyx", "rel_xywh"])
def test_iou_matches_keras_compute_iou_diagonal(fmt):
    rng = np.random.default_rng(1)
    shape = (240, 320, 3)
    a = boxes.convert(_random_boxes(rng, 2000), "xyxy", fmt, image_shape=shape).astype(np.float32)
    b = boxes.convert(_random_boxes(rng, 2000), "xyxy", fmt, image_shape=shape).astype(np.float32)
    ours = boxes.iou(a, b, fmt)
    # Keras computes all pairs; the diagonal holds the elementwise IoU.
    theirs = np.diag(np.asarray(kbb.compute_iou(a, b, fmt, image_shape=shape)))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("fmt", ["xyxy", "yxyx", "xywh", "center_xywh"])
def test_ciou_matches_keras_compute_ciou(fmt):
    rng = np.random.default_rng(2)
    a = boxes.convert(_random_boxes(rng, 2000), "xyxy", fmt).astype(np.float32)
    b = boxes.convert(_random_boxes(rng, 2000), "xyxy", fmt).astype(np.float32)
    np.testing.assert_allclose(boxes.ciou(a, b, fmt), np.asarray(kbb.compute_ciou(a, b, fmt)), atol=1e-5)


@pytest.mark.parametrize("source", boxes.FORMATS)
@pytest.mark.parametrize("target", boxes.FORMATS)
def test_convert_matches_keras_convert_format(source, target):
    rng = np.random.default_rng(3)
    shape = (240, 320)
    start = boxes.convert(_random_boxes(rng, 50), "xyxy", source, image_shape=shape)
    ours = boxes.convert(start, source, target, image_shape=shape)
    theirs = kbb.convert_format(start, source, target, height=shape[0], width=shape[1])
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-5, atol=1e-5)


def test_flip_left_right_by_hand_and_twice_is_identity():
    box = np.array([[0.1, 0.2, 0.4, 0.9]], np.float32)  # rel_yxyx: ymin, xmin, ymax, xmax
    np.testing.assert_allclose(boxes.flip_left_right(box, "rel_yxyx"), [[0.1, 0.1, 0.4, 0.8]], atol=1e-7)
    np.testing.assert_allclose(boxes.flip_left_right(box, "rel_xyxy"), [[0.6, 0.2, 0.9, 0.9]], atol=1e-7)
    for fmt in ("rel_xyxy", "rel_yxyx", "rel_xywh"):
        np.testing.assert_allclose(boxes.flip_left_right(boxes.flip_left_right(box, fmt), fmt), box, atol=1e-6)
    with pytest.raises(ValueError, match="'xyxy', expected one of: rel_xyxy, rel_yxyx, rel_xywh"):
        boxes.flip_left_right(box, "xyxy")


def test_flip_left_right_frames_the_mirrored_pixels():
    image = np.zeros((20, 40), bool)
    image[5:15, 4:12] = True  # rows 5..15, columns 4..12 of a 40-wide image
    box = np.array([5 / 20, 4 / 40, 15 / 20, 12 / 40])  # rel_yxyx
    y1, x1, y2, x2 = np.round(boxes.flip_left_right(box, "rel_yxyx") * [20, 40, 20, 40]).astype(int)
    mirrored = image[:, ::-1]
    assert mirrored[y1:y2, x1:x2].all() and mirrored.sum() == (y2 - y1) * (x2 - x1)


@pytest.mark.parametrize("fn", [boxes.iou, boxes.giou, boxes.diou, boxes.ciou], ids=lambda f: f.__name__)
def test_a_nan_box_is_named_not_scored_as_zero(fn):
    # A model that diverged predicts NaN; IoU 0 would hide it among poor boxes.
    predicted = np.array([[0.1, 0.1, 0.5, 0.5], [np.nan, 0.2, 0.4, 0.6]])
    with pytest.raises(ValueError, match=r"boxes b: box \(1,\) \[nan, 0.2, 0.4, 0.6\] holds NaN .* diverge"):
        fn(np.array([[0.1, 0.1, 0.5, 0.5]] * 2), predicted, "rel_xyxy")
