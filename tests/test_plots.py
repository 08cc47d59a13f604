"""helpers.plots: what is drawn (rectangles, colours, titles), not pixels."""

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from helpers import plots


def _rectangles(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _is(color, name):
    return mcolors.to_hex(color) == mcolors.to_hex(name)


def test_show_images_titles_green_when_right_red_when_wrong():
    images = np.zeros((3, 8, 8), np.uint8)
    fig = plots.show_images(images, labels=[1, 2, 3], predictions=[1, 0, 3], class_names=list("abcd"))
    titles = [ax.title for ax in fig.axes[:3]]
    assert [t.get_text() for t in titles] == ["b", "a (c)", "d"]
    assert _is(titles[0].get_color(), plots.RIGHT) and _is(titles[1].get_color(), plots.WRONG)


def test_show_boxes_draws_true_green_pred_red_and_flags_low_iou():
    images = np.zeros((2, 75, 75))
    true = np.array([[0.1, 0.1, 0.5, 0.5], [0.1, 0.1, 0.5, 0.5]])
    pred = np.array([[0.1, 0.1, 0.5, 0.5], [0.6, 0.6, 0.9, 0.9]])
    fig = plots.show_boxes(images, true, pred, box_format="rel_xyxy", iou_threshold=0.6)
    for ax in fig.axes[:2]:
        rects = _rectangles(ax)
        assert len(rects) == 2
        assert _is(rects[0].get_edgecolor(), plots.RIGHT) and _is(rects[1].get_edgecolor(), plots.WRONG)
    assert fig.axes[0].title.get_text() == "IoU 1.00" and _is(fig.axes[0].title.get_color(), plots.RIGHT)
    assert fig.axes[1].title.get_text() == "IoU 0.00" and _is(fig.axes[1].title.get_color(), plots.WRONG)
    # rel_xyxy on a 75x75 image: 0.1 -> 7.5 pixels.
    assert _rectangles(fig.axes[0])[0].get_xy() == pytest.approx((7.5, 7.5))


def test_draw_boxes_converts_formats_and_writes_labels():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    patches = plots.draw_boxes(ax, [[20, 10, 60, 30]], "yxyx", "blue", labels=["bird"])
    assert patches[0].get_xy() == (10, 20) and patches[0].get_width() == 20 and patches[0].get_height() == 40
    assert [t.get_text() for t in ax.texts] == ["bird"]
    plt.close(fig)


def test_plot_history_draws_both_curves_and_the_phase_line():
    history = plots.merge_histories({"loss": [3, 2], "val_loss": [3.5, 2.5]}, {"loss": [1], "val_loss": [1.5]})
    assert history["loss"] == [3, 2, 1]
    fig = plots.plot_history(history, ["loss"], mark_epoch=2)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["training", "validation", "fine-tuning starts"]
    assert ax.get_lines()[2].get_xdata()[0] == 2.5
    with pytest.raises(ValueError, match=r"no \['accuracy'\]; it has: loss, val_loss"):
        plots.plot_history(history, ["accuracy"])


def test_iou_histogram_reports_the_share_above_threshold():
    fig = plots.plot_iou_histogram([0.1, 0.7, 0.8, 0.9], threshold=0.6)
    assert fig.axes[0].get_title() == "75.0% of 4 boxes reach IoU >= 0.6"


def test_iou_diagram_writes_the_numbers():
    fig = plots.iou_diagram([0, 0, 4, 4], [2, 2, 6, 6])
    assert fig.axes[0].get_title() == "IoU = intersection / union = 4 / 28 = 0.143"
    assert len(_rectangles(fig.axes[0])) == 3  # two boxes and their intersection


def test_sliding_losses_show_iou_flat_once_boxes_part():
    fig = plots.plot_box_losses_sliding(true_box=(0.4, 0.4, 0.6, 0.6), max_shift=0.5, steps=101)
    ax = fig.axes[0]
    iou_line, giou_line = ax.get_lines()[0], ax.get_lines()[1]
    x, iou_loss = iou_line.get_xdata(), iou_line.get_ydata()
    apart = np.abs(x) >= 0.2
    assert np.all(iou_loss[apart] == 1.0), "1 - IoU is flat without overlap"
    giou_loss = giou_line.get_ydata()
    assert giou_loss[-1] > giou_loss[apart & (x > 0)][0], "1 - GIoU keeps rising"
    assert len(fig.axes) == 2, "MSE on its own axis"


def test_learning_curves_have_whole_epoch_ticks_and_no_offset_on_a_flat_loss():
    history = {"loss": [0.6931472, 0.6931470, 0.6931471], "val_loss": [0.69314, 0.69315, 0.69314]}
    fig = plots.plot_history(history, ["loss"])
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert ax.yaxis.get_offset_text().get_text() == "", "no '1e-6+6.931e-1' above the axis"
    one = plots.plot_history({"loss": [0.5]}, ["loss"]).axes[0]
    assert one.get_xlim() == (0.5, 1.5)


def test_transfer_curves_draw_each_treatment_at_each_n_and_the_baseline():
    curves = {"n": [1, 2, 3], "baseB": {"mean": 0.7, "std": 0.01},
              "AnB": {"mean": [0.7, 0.65, 0.6], "std": [0.01, 0.02, 0.01]},
              "AnB+": {"mean": [0.72, 0.72, 0.71], "std": [0.0, 0.01, 0.01]}}
    fig = plots.plot_transfer_curves(curves)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["baseB (trained on B only)", "AnB", "AnB+"]
    anb = next(c for c in ax.containers if c.get_label() == "AnB")
    np.testing.assert_allclose(np.asarray(anb.lines[0].get_ydata(), float), [0.7, 0.65, 0.6])
    np.testing.assert_allclose(np.asarray(anb.lines[0].get_xdata(), float), [1.04, 2.04, 3.04])


def test_success_curves_draw_one_line_per_model_with_area_and_coco_average():
    from helpers import plots

    fig = plots.plot_success_curves({"ours": [0.4, 0.6, 0.8, 1.0], "constant box": [0.5, 0.5, 0.5, 0.5]}, mark=(0.5, 0.75))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["ours: area 0.700, COCO-style 0.500", "constant box: area 0.500, COCO-style 0.100"]
    assert len(ax.get_lines()) == 4, "two curves and two threshold marks"


def test_transfer_curves_draw_the_interval_where_the_record_has_one():
    curves = {"n": [1, 2], "baseB": {"mean": 0.7, "std": 0.01, "low": 0.66, "high": 0.72},
              "AnB": {"mean": [0.7, 0.6], "std": [0.01, 0.02], "low": [0.65, 0.50], "high": [0.71, 0.62]}}
    ax = plots.plot_transfer_curves(curves).axes[0]
    anb = next(c for c in ax.containers if c.get_label() == "AnB")
    segments = anb.lines[2][0].get_segments()  # one vertical bar per n: [(x, low), (x, high)]
    np.testing.assert_allclose([(s[0][1], s[1][1]) for s in segments], [(0.65, 0.71), (0.50, 0.62)])
    band = ax.patches[0]  # baseB's band spans its interval, not mean +- std
    assert (band.get_y(), band.get_y() + band.get_height()) == pytest.approx((0.66, 0.72))


def test_show_patches_draws_one_row_per_unit_and_names_a_mismatch():
    import numpy as np
    import pytest

    from helpers import plots

    small, large = np.zeros((5, 5, 3), np.uint8), np.full((40, 30, 3), 200, np.uint8)
    fig = plots.show_patches([[small, small, small], [large, large]], ["unit 0", "unit 1"], title="depth")
    axes = np.array(fig.axes).reshape(2, 3)
    assert len(axes[0, 0].images) == 1 and len(axes[1, 2].images) == 0  # the short row leaves its last cell empty
    assert axes[1, 0].get_ylabel() == "unit 1"
    with pytest.raises(ValueError, match="one label per row"):
        plots.show_patches([[small]], ["a", "b"])
