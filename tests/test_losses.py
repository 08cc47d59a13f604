"""helpers.losses: behaviour as a box moves, gradients, metrics, serialization."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers import boxes as boxes_module
from helpers import losses

TRUE = np.array([[0.4, 0.4, 0.6, 0.6]], np.float32)  # xyxy


def _slide(dx):
    """The true box moved right by dx."""
    return TRUE + np.array([[dx, 0, dx, 0]], np.float32)


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_loss_decreases_as_the_box_moves_towards_the_truth(name):
    loss = losses.LOSSES[name]()
    values = [float(loss(TRUE, _slide(dx))) for dx in (0.15, 0.1, 0.05, 0.0)]
    assert all(a > b for a, b in zip(values, values[1:])), values
    assert values[-1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("name", ["giou", "diou", "ciou"])
def test_loss_keeps_decreasing_while_boxes_do_not_overlap(name):
    loss = losses.LOSSES[name]()
    far, near = float(loss(TRUE, _slide(0.5))), float(loss(TRUE, _slide(0.3)))
    assert far > near > 1.0


def _gradient(loss, pred):
    pred = tf.Variable(pred)
    with tf.GradientTape() as tape:
        value = loss(tf.constant(TRUE), pred)
    return tape.gradient(value, pred).numpy()


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
@pytest.mark.parametrize("dx", [0.05, 0.5])
def test_gradient_is_finite_overlapping_or_not(name, dx):
    assert np.all(np.isfinite(_gradient(losses.LOSSES[name](), _slide(dx))))


def test_plain_iou_loss_has_no_gradient_without_overlap_but_giou_has():
    """Why IoU loss stalls: 1 - IoU is flat (= 1) while the boxes are apart."""
    assert np.all(_gradient(losses.IoULoss(), _slide(0.5)) == 0)
    assert np.any(_gradient(losses.GIoULoss(), _slide(0.5)) != 0)


def test_gradient_is_finite_for_degenerate_and_identical_boxes():
    for loss in (losses.CIoULoss(), losses.DIoULoss(), losses.GIoULoss()):
        assert np.all(np.isfinite(_gradient(loss, TRUE.copy())))
        assert np.all(np.isfinite(_gradient(loss, np.array([[0.5, 0.5, 0.5, 0.5]], np.float32))))


def test_loss_respects_box_format():
    yxyx = TRUE[:, [1, 0, 3, 2]]
    pred = _slide(0.05)
    assert float(losses.GIoULoss("yxyx")(yxyx, pred[:, [1, 0, 3, 2]])) == pytest.approx(
        float(losses.GIoULoss()(TRUE, pred)))
    with pytest.raises(ValueError, match="unknown box format 'cxcywh'"):
        losses.GIoULoss("cxcywh")


def test_metrics_count_like_the_course():
    y_true = np.repeat(TRUE, 4, axis=0)
    y_pred = np.stack([_slide(dx)[0] for dx in (0.0, 0.02, 0.08, 0.5)])
    # By hand: same height, so IoU = overlap width w / (0.2 + 0.2 - w).
    ious = np.array([1.0, 0.18 / 0.22, 0.12 / 0.28, 0.0])
    above = losses.BoxIoUAbove(threshold=0.6)
    above.update_state(y_true, y_pred)
    assert float(above.result()) == pytest.approx(0.5)
    assert above.name == "iou_ge_0_6"
    mean = losses.BoxMeanIoU()
    mean.update_state(y_true, y_pred)
    assert float(mean.result()) == pytest.approx(ious.mean(), abs=1e-6)
    with pytest.raises(ValueError, match="threshold must be in \\[0, 1\\]; got 60"):
        losses.BoxIoUAbove(threshold=60)


def test_a_model_compiled_with_them_saves_and_reloads(tmp_path):
    inputs = keras.Input((8,))
    model = keras.Model(inputs, keras.layers.Dense(4, activation="sigmoid", name="bounding_box")(inputs))
    model.compile(optimizer="adam", loss=losses.CIoULoss(box_format="yxyx"),
                  metrics=[losses.BoxMeanIoU("yxyx"), losses.BoxIoUAbove(0.5, "yxyx")])
    x = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
    y = np.tile(TRUE, (16, 1))
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "boxes.keras"
    model.save(path)
    again = keras.models.load_model(path)
    assert isinstance(again.loss, losses.CIoULoss) and again.loss.box_format == "yxyx"
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    after = again.evaluate(x, y, verbose=0, return_dict=True)
    assert after["iou_ge_0_5"] == pytest.approx(before["iou_ge_0_5"])
    assert after["loss"] == pytest.approx(before["loss"], rel=1e-5)


@pytest.mark.parametrize("name", ["giou", "diou", "ciou"])
def test_an_inverted_prediction_inside_the_truth_still_gets_a_gradient(name):
    """Without sorting the corners, such a box counts as empty: zero gradient, a dead end."""
    inverted = np.array([[0.55, 0.55, 0.45, 0.45]], np.float32)
    grad = _gradient(losses.LOSSES[name](), inverted)
    assert np.any(grad != 0) and np.all(np.isfinite(grad))
    assert float(losses.LOSSES[name]()(TRUE, inverted)) == pytest.approx(
        float(losses.LOSSES[name]()(TRUE, inverted[:, [2, 3, 0, 1]])))


def test_sort_corners_orders_min_and_max():
    out = boxes_module.sort_corners(np.array([[3.0, 1.0, 1.0, 4.0]]))
    assert out.tolist() == [[1.0, 1.0, 3.0, 4.0]]
    # yxyx [ymin=1, xmin=3, ymax=4, xmax=1] spans x 1..3, y 1..4.
    assert boxes_module.sort_corners(np.array([[1.0, 3.0, 4.0, 1.0]]), "yxyx").tolist() == [[1.0, 1.0, 3.0, 4.0]]


def test_ordered_corners_layer_makes_valid_boxes_and_serializes(tmp_path):
    layer = losses.OrderedCorners("rel_yxyx")
    out = np.asarray(layer(np.array([[0.6, 0.5, 0.2, 0.9]], np.float32)))
    assert out[0].tolist() == pytest.approx([0.2, 0.5, 0.6, 0.9])
    assert losses.OrderedCorners.from_config(layer.get_config()).box_format == "rel_yxyx"
    with pytest.raises(ValueError, match="corner format; got 'xywh'"):
        losses.OrderedCorners("xywh")
