"""Figures the notebooks share. Every function returns its matplotlib Figure.

Colours follow one rule everywhere: green is right (or the true box), red is
wrong (or the predicted box).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from . import boxes as box_ops

RIGHT, WRONG = "tab:green", "tab:red"


def _grid(n: int, ncols: int, size: float = 1.6):
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes.ravel()


def _imshow(ax, image):
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.dtype != np.uint8:
        lo, hi = float(image.min()), float(image.max())
        image = (image - lo) / (hi - lo) if hi > lo else np.zeros_like(image, float)
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)


def show_images(images, labels, predictions=None, class_names: Sequence[str] | None = None, ncols: int = 8):
    """A grid of images titled with their labels.

    images: (N, H, W) or (N, H, W, C); labels, predictions: (N,) class indices.
    With predictions each title reads "predicted (true)" in green when right
    and red when wrong.
    """
    def name(k):
        return class_names[int(k)] if class_names is not None else str(int(k))

    fig, axes = _grid(len(images), ncols)
    for i, ax in enumerate(axes[: len(images)]):
        _imshow(ax, images[i])
        if predictions is None:
            ax.set_title(name(labels[i]), fontsize=9)
        else:
            right = int(predictions[i]) == int(labels[i])
            ax.set_title(f"{name(predictions[i])}" + ("" if right else f" ({name(labels[i])})"),
                         color=RIGHT if right else WRONG, fontsize=9)
    fig.tight_layout()
    return fig


def draw_boxes(ax, boxes, box_format: str, color: str, labels: Iterable[str] | None = None,
               image_shape=None, linewidth: float = 2.0):
    """Draw boxes (N, 4) or (4,) on ``ax`` as rectangles; returns the patches.

    Relative formats need ``image_shape`` = (height, width) to place them.
    """
    xyxy = box_ops.convert(np.atleast_2d(np.asarray(boxes, float)), box_format, "xyxy", image_shape=image_shape)
    labels = list(labels) if labels is not None else [None] * len(xyxy)
    patches = []
    for (x1, y1, x2, y2), label in zip(xyxy, labels):
        patch = Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=color, linewidth=linewidth)
        ax.add_patch(patch)
        patches.append(patch)
        if label is not None:
            ax.text(x1, y1 - 1, label, color=color, fontsize=8, va="bottom")
    return patches


def show_boxes(images, true_boxes, pred_boxes=None, box_format: str = "rel_xyxy",
               iou_threshold: float = 0.6, titles: Sequence[str] | None = None, ncols: int = 5):
    """Images with the true box in green and the predicted box in red.

    images: (N, H, W[, C]); true_boxes, pred_boxes: (N, 4) in ``box_format``.
    With predictions, each image shows its IoU, written in red below
    ``iou_threshold`` and in green at or above it.
    """
    fig, axes = _grid(len(images), ncols, size=2.2)
    ious = None
    if pred_boxes is not None:
        ious = box_ops.iou(np.asarray(true_boxes, float), np.asarray(pred_boxes, float), box_format)
    for i, ax in enumerate(axes[: len(images)]):
        shape = np.asarray(images[i]).shape[:2]
        _imshow(ax, images[i])
        draw_boxes(ax, true_boxes[i], box_format, RIGHT, image_shape=shape)
        title = titles[i] if titles is not None else ""
        if ious is not None:
            draw_boxes(ax, pred_boxes[i], box_format, WRONG, image_shape=shape)
            good = ious[i] >= iou_threshold
            ax.set_title(f"{title} IoU {ious[i]:.2f}".strip(), color=RIGHT if good else WRONG, fontsize=9)
        elif title:
            ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def merge_histories(*histories) -> dict[str, list[float]]:
    """Join Keras ``History`` objects (or their dicts) of consecutive phases."""
    merged: dict[str, list[float]] = {}
    for history in histories:
        logs = history.history if hasattr(history, "history") else history
        for key, values in logs.items():
            merged.setdefault(key, []).extend(float(v) for v in values)
    return merged


def plot_history(history, metrics: Sequence[str] = ("loss",), mark_epoch: int | None = None,
                 mark_label: str = "fine-tuning starts"):
    """Learning curves: one panel per metric, training and validation.

    history: a Keras ``History``, its ``.history`` dict, or ``merge_histories``'s
    output. mark_epoch: draw a vertical line where a new phase begins (the
    number of epochs before it).
    """
    logs: Mapping[str, list] = history.history if hasattr(history, "history") else history
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"history has no {missing}; it has: {', '.join(sorted(logs))}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], "o-", label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "s--", label="validation")
        if mark_epoch is not None:
            ax.axvline(mark_epoch + 0.5, color="gray", linestyle=":", label=mark_label)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.set_xlim(0.5, len(epochs) + 0.5)  # one epoch: a point in the middle, not an axis from 0.96 to 1.04
        ax.ticklabel_format(axis="y", useOffset=False)  # a flat loss reads 0.6931, not 1e-6+6.931e-1
        ax.set_title(metric)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_iou_histogram(ious, threshold: float = 0.6, bins: int = 20):
    """Histogram of IoU values with the threshold marked and the share above it in the title."""
    ious = np.asarray(ious, float).ravel()
    share = float(np.mean(ious >= threshold)) if len(ious) else 0.0
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.hist(ious, bins=bins, range=(0, 1), color="tab:blue", edgecolor="white")
    ax.axvline(threshold, color=WRONG, linestyle="--")
    ax.set_xlabel("IoU with the true box")
    ax.set_ylabel("boxes")
    ax.set_title(f"{share:.1%} of {len(ious):,} boxes reach IoU >= {threshold:g}")
    fig.tight_layout()
    return fig


def plot_success_curves(ious_by_model: Mapping[str, Sequence[float]], mark: Sequence[float] = (0.5,)):
    """Success curves, one per model: the share of boxes with IoU >= t for every t in [0, 1].

    ious_by_model: name -> (N,) IoU values. The legend gives each curve's area (the mean
    IoU) and its COCO-style average (``helpers.scoring``); ``mark`` draws thresholds.
    """
    from . import scoring

    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, ious in ious_by_model.items():
        thresholds, shares = scoring.success_curve(ious)
        ax.plot(thresholds, shares, label=f"{name}: area {scoring.success_area(ious):.3f}, "
                                          f"COCO-style {scoring.coco_style_average(ious):.3f}")
    for t in mark:
        ax.axvline(t, color="gray", linestyle=":", linewidth=1)
    ax.set(xlabel="IoU threshold t", ylabel="share of boxes with IoU >= t", xlim=(0, 1), ylim=(0, 1.02),
           title="success curves (area = mean IoU)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def iou_diagram(a, b, box_format: str = "xyxy"):
    """Two boxes with their intersection and union shaded and the numbers written in.

    a: the true box, b: the predicted box, each (4,) in ``box_format`` (absolute).
    """
    a, b = (box_ops.convert(np.asarray(x, float), box_format, "xyxy") for x in (a, b))
    ix1, iy1 = max(a[0], b[0]), max(a[1], b[1])
    ix2, iy2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(ix2 - ix1, 0) * max(iy2 - iy1, 0)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    union = area_a + area_b - inter
    value = float(box_ops.iou(a, b))

    fig, ax = plt.subplots(figsize=(5, 4.6))
    for box, color, label in ((a, RIGHT, "true"), (b, WRONG, "predicted")):
        area = (box[2] - box[0]) * (box[3] - box[1])
        ax.add_patch(Rectangle(box[:2], box[2] - box[0], box[3] - box[1], facecolor=mcolors.to_rgba(color, 0.15),
                               edgecolor=color, linewidth=2, label=f"{label} box, area {area:g}"))
    if inter > 0:
        ax.add_patch(Rectangle((ix1, iy1), ix2 - ix1, iy2 - iy1, facecolor=mcolors.to_rgba("tab:purple", 0.55),
                               edgecolor="none", label=f"intersection {inter:g}"))
    lo = np.minimum(a[:2], b[:2]) - 1
    hi = np.maximum(a[2:], b[2:]) + 1
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(hi[1], lo[1])  # image convention: y grows downwards
    ax.set_aspect("equal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)
    ax.set_title(f"IoU = intersection / union = {inter:g} / {union:g} = {value:.3f}")
    fig.tight_layout()
    return fig


def plot_box_losses_sliding(true_box=(0.4, 0.4, 0.6, 0.6), max_shift: float = 0.5, steps: int = 201):
    """How box losses change as a predicted copy of the true box slides sideways past it.

    Boxes are rel_xyxy. 1 - IoU is flat at 1 once the boxes stop overlapping
    (no gradient, so training stalls there); 1 - GIoU and 1 - DIoU keep rising;
    MSE (right axis) keeps rising but does not know about overlap at all.
    """
    true = np.asarray(true_box, float)
    shifts = np.linspace(-max_shift, max_shift, steps)
    pred = true[None, :] + shifts[:, None] * np.array([1.0, 0.0, 1.0, 0.0])  # (steps, 4)
    truth = np.broadcast_to(true, pred.shape)
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for name, fn, style in (("1 - IoU", box_ops.iou, "-"), ("1 - GIoU", box_ops.giou, "--"),
                            ("1 - DIoU", box_ops.diou, ":")):
        ax.plot(shifts, 1 - fn(truth, pred), style, linewidth=2, label=name)
    width = true[2] - true[0]
    for edge in (-width, width):
        ax.axvline(edge, color="gray", linewidth=0.8)
    ax.set_xlabel("horizontal shift of the predicted box (fraction of the image)")
    ax.set_ylabel("IoU-family loss")
    mse_ax = ax.twinx()
    mse_ax.plot(shifts, np.mean((pred - truth) ** 2, axis=1), color="black", alpha=0.5, label="MSE (right axis)")
    mse_ax.set_ylabel("MSE")
    lines = ax.get_lines()[:3] + mse_ax.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False)
    ax.set_title("Grey lines: the boxes stop overlapping; 1 - IoU goes flat")
    fig.tight_layout()
    return fig


TREATMENT_STYLES = {"BnB": ("tab:blue", "o", "none"), "BnB+": ("tab:blue", "o", "full"),
                    "AnB": ("tab:red", "s", "none"), "AnB+": ("tab:red", "s", "full")}


def plot_transfer_curves(curves: Mapping[str, Mapping], ax=None):
    """Yosinski et al.'s figure from measured numbers: accuracy on task B against n.

    curves: {"baseB": {"mean", "std"[, "low", "high"]}, "n": [n, ...], "<treatment>": {"mean": [...],
    "std": [...][, "low": [...], "high": [...]]}} for the treatments BnB, BnB+, AnB, AnB+ (any subset);
    one entry per n. Bars and baseB's band show the interval (low to high) where given, else
    mean +- std.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.6))
    ns = np.asarray(curves["n"], float)

    def band(entry):  # (mean, below, above) as arrays: the interval where it is known, else the spread
        mean = np.asarray(entry["mean"], float)
        low, high = entry.get("low"), entry.get("high")
        if low is None or high is None or np.any(np.equal(low, None)):
            std = np.asarray(entry["std"], float)
            return mean, std, std
        return mean, mean - np.asarray(low, float), np.asarray(high, float) - mean

    base_mean, base_below, base_above = band(curves["baseB"])
    ax.axhspan(base_mean - base_below, base_mean + base_above, color="gray", alpha=0.2, linewidth=0)
    ax.axhline(base_mean, color="gray", label="baseB (trained on B only)")
    for offset, (name, (colour, marker, fill)) in zip((-0.12, -0.04, 0.04, 0.12), TREATMENT_STYLES.items()):
        if name in curves:
            mean, below, above = band(curves[name])
            ax.errorbar(ns + offset, mean, yerr=[below, above], color=colour, marker=marker,
                        fillstyle=fill, linestyle="none", capsize=2, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="n: layers copied from the first network", ylabel="test accuracy on task B")
    ax.legend(fontsize=7, loc="lower left")
    return ax.figure


def show_patches(patches: Sequence[Sequence[np.ndarray]], row_labels: Sequence[str], title: str = "", size: float = 0.9):
    """A grid of image patches, one row per unit: patches[r][k] is row r's k-th patch, (h, w, 3) uint8 of any size.

    Each patch fills its cell whatever its size, so a small patch (an early layer's few pixels) is
    shown enlarged; the row label says which unit and the patches' size in pixels.
    """
    if len(patches) != len(row_labels) or not patches:
        raise ValueError(f"one label per row of patches: {len(patches)} rows, {len(row_labels)} labels")
    ncols = max(len(row) for row in patches)
    fig, axes = plt.subplots(len(patches), ncols, figsize=(size * ncols + 1.4, size * len(patches) + 0.4), squeeze=False)
    for r, (row, label) in enumerate(zip(patches, row_labels)):
        for k, ax in enumerate(axes[r]):
            ax.set_xticks([])
            ax.set_yticks([])
            if k < len(row):
                _imshow(ax, row[k])
            else:
                ax.axis("off")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
