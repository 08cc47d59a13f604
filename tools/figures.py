"""The figures that the README and the notebooks show, drawn by our own code.

    python -m tools.figures                    # into build/figures (make run does this)
    python -m tools.figures --out screenshots  # the committed copies the README shows

Writes one PNG per entry of ``FIGURES``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

from helpers import data, plots  # noqa: E402
from helpers.course import report, results  # noqa: E402
from helpers.transfer import SPLITS  # noqa: E402

FROZEN, TRAINS, NEW = "#b0b7c3", "#f28e2b", "#59a14f"


def _blocks(ax, x, states, title):
    """A network drawn as a column of blocks, bottom = input; states: 'frozen' | 'trains' | 'new'."""
    colours = {"frozen": FROZEN, "trains": TRAINS, "new": NEW}
    for i, state in enumerate(states):
        ax.add_patch(Rectangle((x, i * 1.1), 2.2, 0.9, facecolor=colours[state], edgecolor="black"))
    ax.text(x + 1.1, len(states) * 1.1 + 0.3, title, ha="center", fontsize=10, weight="bold")


def transfer_options():
    """Option 1 (feature extraction) against option 2 (fine-tuning): which layers train."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    pretrained = 6
    _blocks(ax, 0.0, ["frozen"] * pretrained + ["new", "new"], "option 1:\nfeature extraction")
    _blocks(ax, 3.6, ["frozen"] * 4 + ["trains"] * 2 + ["new", "new"], "option 2:\nfine-tuning")
    ax.annotate("", xy=(-0.4, 8.5), xytext=(-0.4, 0), arrowprops={"arrowstyle": "->"})
    ax.text(-0.7, 0.2, "general features\n(edges, textures)", ha="right", fontsize=8)
    ax.text(-0.7, 5.6, "features specific\nto ImageNet", ha="right", fontsize=8)
    ax.text(-0.7, 7.9, "new head", ha="right", fontsize=8)
    legend = [Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="black") for c in (FROZEN, TRAINS, NEW)]
    ax.legend(legend, ["pretrained, frozen", "pretrained, trains at a low rate", "new, trains"],
              loc="center left", bbox_to_anchor=(0.68, 0.5), fontsize=8, frameon=False)
    ax.set_xlim(-3.2, 10.5)
    ax.set_ylim(-0.3, 10.2)
    ax.axis("off")
    return fig


def cifar_upsampling():
    """A CIFAR-10-sized image upsampled 7x to ResNet50's 224x224, and where it goes next."""
    image = data.synthetic_patterns(1, seed=5)[0][0]
    big = np.repeat(np.repeat(image, 7, axis=0), 7, axis=1)  # what UpSampling2D((7, 7)) does
    fig = plt.figure(figsize=(9, 3.2))
    small_ax = fig.add_axes([0.02, 0.35, 0.1, 0.3])
    big_ax = fig.add_axes([0.22, 0.08, 0.3, 0.84])
    small_ax.imshow(image)
    small_ax.set_title("32x32x3", fontsize=9)
    big_ax.imshow(big)
    big_ax.set_title("UpSampling2D((7, 7)): 224x224x3", fontsize=9)
    for ax in (small_ax, big_ax):
        ax.set_xticks([])
        ax.set_yticks([])
    text_ax = fig.add_axes([0.55, 0.0, 0.45, 1.0])
    text_ax.axis("off")
    steps = ["ResNet50 (ImageNet), no top\n7x7x2048", "GlobalAveragePooling2D\n2048",
             "Dense 1024 -> Dense 512", "Dense 10, softmax"]
    for i, step in enumerate(steps):
        text_ax.text(0.5, 0.85 - i * 0.23, step, ha="center", va="center", fontsize=9,
                     bbox={"boxstyle": "round", "facecolor": "#e8eef7"})
    fig.add_artist(FancyArrowPatch((0.125, 0.5), (0.21, 0.5), transform=fig.transFigure, arrowstyle="->",
                                   mutation_scale=15))
    fig.add_artist(FancyArrowPatch((0.53, 0.5), (0.66, 0.8), transform=fig.transFigure, arrowstyle="->",
                                   mutation_scale=15))
    return fig


def localization_data():
    """What localization training data look like: an image, its box and its label."""
    digits = data.load_mnist(source="standin")
    canvas = data.paste_on_canvas(digits.x_train[:4], digits.y_train[:4], seed=7)
    titles = [f"label {k}\nbox [{', '.join(f'{v:.2f}' for v in b)}]" for k, b in zip(canvas.labels, canvas.boxes)]
    fig = plots.show_boxes(canvas.images, canvas.boxes, box_format="rel_xyxy", titles=titles, ncols=4)
    for ax in fig.axes:
        ax.title.set_fontsize(8)
    fig.suptitle("rel_xyxy boxes: [xmin, ymin, xmax, ymax] / 75", fontsize=9)
    fig.tight_layout()
    return fig


def iou_explained():
    """IoU as intersection over union, areas shaded, numbers written in."""
    return plots.iou_diagram([10, 10, 38, 38], [18, 16, 46, 44])


def box_losses():
    """How 1 - IoU, 1 - GIoU, 1 - DIoU and MSE behave as a box slides past the truth."""
    return plots.plot_box_losses_sliding()


# The transferability figure is drawn from our reference run of notebook 06 (cpu profile, real
# CIFAR-10), kept in reference/cpu/ ('make reference' writes it).
TRANSFER_RECORD = Path(__file__).resolve().parents[1] / "reference" / "cpu" / "06_transferability.json"


def transferability():
    """Yosinski et al.'s figure redrawn from notebook 06's measured curves, one panel per split."""
    import json

    record = json.loads(TRANSFER_RECORD.read_text())
    curves = record["numbers"]["curves"]
    splits = [s for s in SPLITS if s in curves]  # the record sorts its keys; the notebook's order reads better
    fig, axes = plt.subplots(1, len(splits), figsize=(5.2 * len(splits), 3.6), squeeze=False)
    for ax, split in zip(axes[0], splits):
        plots.plot_transfer_curves(curves[split], ax=ax)
        ax.set_title(f"{split} split")
    numbers = results.numbers_of(record)  # n_per_class and seeds are settings
    fig.suptitle(f"CIFAR-10, measured ({record['profile']} profile, {numbers['n_per_class']} training images per "
                 f"class, early stopping, {len(numbers['seeds'])} seeds; bars: 95 % intervals)", fontsize=9)
    fig.tight_layout()
    return fig


SIMULATION_RECORD = TRANSFER_RECORD.parent / "07_iou_losses_at_scale.json"


def iou_losses_simulation():
    """Zheng et al.'s simulation redrawn from notebook 07's reference run: error curves, and
    where IoU, GIoU and DIoU leave their error (by anchor centre)."""
    import json

    record = json.loads(SIMULATION_RECORD.read_text())["numbers"]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6), gridspec_kw={"width_ratios": [1.3, 1, 1, 1]})
    for name, curve in record["error_curves"].items():
        axes[0].plot(np.arange(1, len(curve) + 1), curve, label=name.upper() if name != "mse" else "MSE (corners)")
    axes[0].set(yscale="log", xlabel="iteration", ylabel="mean l1 error per case",
                title=f"{record['n_cases']:,} regression cases")
    axes[0].legend(fontsize=7)
    points = np.asarray(record["points"])
    for ax, name in zip(axes[1:], ("iou", "giou", "diou")):
        shown = ax.scatter(points[:, 0], points[:, 1], c=record["error_by_point"][name], s=3, cmap="viridis")
        ax.set(xlim=(6.8, 13.2), ylim=(13.2, 6.8), aspect="equal", title=f"{name.upper()}: final error by anchor centre")
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(shown, ax=ax, shrink=0.8)
    fig.tight_layout()
    return fig


FIGURES = {
    "transfer_learning_option1_vs_option2.png": transfer_options,
    "cifar10_upsampling_to_resnet50.png": cifar_upsampling,
    "localization_training_data.png": localization_data,
    "iou_intersection_over_union.png": iou_explained,
    "box_losses_as_a_box_slides.png": box_losses,
    "transferability_yosinski_on_cifar10.png": transferability,
    "iou_losses_simulation.png": iou_losses_simulation,
}


def figure_shown_by(notebook: Path, call: str) -> bytes | None:
    """The PNG that the executed ``notebook`` showed under the code cell that makes ``call``; None if none.

    For a figure drawn from images and a network rather than from recorded numbers: notebook 08's patch
    grid is what its run showed, taken from the executed notebook instead of computed a second time.
    """
    import base64
    import json

    if not notebook.is_file():
        return None
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "code" and call in "".join(cell["source"]):
            pictures = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            return base64.b64decode(pictures[-1]) if pictures else None
    return None


# Figures taken from an executed notebook of a run on real data and weights: (notebook, the call that draws it)
SHOWN = {"inceptionv3_patches_by_depth.png": ("08_what_layers_learned", "plots.show_patches(")}

# Screenshots of what make run builds, taken in a browser (python -m tools.site --screenshot; the browser test
# takes the same page to build/screenshots/).
TAKEN = {"course_site.png": "the course site's results page, opened from the file system after a fresh clone's make run"}


def draw_all(out: Path, executed: Path | None = None) -> list[Path]:
    """Every figure of FIGURES into ``out``; with ``executed`` (a folder of executed notebooks from a run on
    real data), the figures of SHOWN too."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        fig = draw()
        fig.savefig(out / name, dpi=110, metadata={"Software": None})  # no version stamp: stable files
        plt.close(fig)
        written.append(out / name)
    for name, (notebook, call) in SHOWN.items():
        picture = figure_shown_by(executed / f"{notebook}.ipynb", call) if executed else None
        if picture is None:
            print(f"skipped {name}: no executed {notebook} showing it" + (f" in {executed}" if executed else ""))
            continue
        (out / name).write_bytes(picture)
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=report.build_dir() / "figures")
    parser.add_argument("--executed", type=Path, default=None,
                        help="executed notebooks of a run on real data (make reference), for the figures they show")
    args = parser.parse_args(argv)
    for path in draw_all(args.out, args.executed):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
