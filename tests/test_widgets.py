"""The box explorer: its numbers are helpers.boxes' and helpers.losses', and the sliders drive them."""

import numpy as np
import pytest

from helpers import boxes, widgets

TRUE = np.array([0.2, 0.2, 0.5, 0.6])


def test_explain_matches_the_box_functions_and_the_losses():
    predicted = np.array([0.4, 0.3, 0.7, 0.5])
    state = widgets.explain(TRUE, predicted)
    for name in widgets.SCORES:
        expected = boxes.IOU_FUNCTIONS[name](TRUE, predicted, "xyxy")
        assert state[name]["score"] == pytest.approx(float(expected), abs=1e-6)
        assert state[name]["loss"] == pytest.approx(1 - float(expected), abs=1e-5)
        assert state[name]["gradient"].shape == (4,) and np.isfinite(state[name]["gradient"]).all()
    np.testing.assert_allclose(state["enclosing"], [0.2, 0.2, 0.7, 0.6])
    assert state["centre_distance"] == pytest.approx(np.hypot(0.55 - 0.35, 0.4 - 0.4))


def test_iou_loss_has_no_gradient_while_apart_but_giou_does():
    apart = np.array([0.7, 0.7, 0.9, 0.9])
    state = widgets.explain(TRUE, apart)
    assert state["iou"]["score"] == 0 and not np.any(state["iou"]["gradient"])
    assert np.any(state["giou"]["gradient"])
    # descending GIoU's gradient moves the box towards the true one: the gap shrinks
    step = apart - 0.05 * state["giou"]["gradient"]
    assert boxes.giou(TRUE, step, "xyxy") > state["giou"]["score"]


def test_moving_a_slider_updates_the_state_and_the_readout():
    explorer = widgets.BoxExplorer(true_box=TRUE, predicted_box=(0.6, 0.6, 0.8, 0.8))
    before = explorer.state["iou"]["score"]
    explorer.sliders["centre x"].value = 0.35
    explorer.sliders["centre y"].value = 0.4
    np.testing.assert_allclose(explorer.predicted_box, [0.25, 0.3, 0.45, 0.5], atol=1e-9)
    iou = float(boxes.iou(TRUE, explorer.predicted_box, "xyxy"))
    assert before == 0 and explorer.state["iou"]["score"] == pytest.approx(iou, abs=1e-6) and iou > 0.3
    assert f"{explorer.state['giou']['score']:+.3f}" in explorer.readout.value


def test_outside_a_widget_front_end_the_cell_shows_a_picture():
    bundle = widgets.BoxExplorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n" and len(bundle["image/png"]) > 5000
    assert bundle["text/plain"].startswith("BoxExplorer: IOU")


def test_draw_shows_both_boxes_and_one_arrow_per_corner_for_each_loss_with_a_gradient():
    import matplotlib

    matplotlib.use("Agg")
    fig = widgets.draw(TRUE, np.array([0.7, 0.7, 0.9, 0.9]))  # apart: IoU has no arrows
    arrows = [a for a in fig.axes[0].texts if getattr(a, "arrow_patch", None) is not None]
    assert len(arrows) == 2 * 3
    assert len(fig.axes[0].patches) >= 3  # enclosing, true, predicted
