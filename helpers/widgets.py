"""The box explorer: move a predicted box and watch IoU, GIoU, DIoU and CIoU answer.

``BoxExplorer()`` in a notebook cell shows sliders for the predicted box's centre
and size, a drawing (true box green, predicted red, their enclosing box dashed,
the line between the centres dotted, and each loss's gradient as arrows at the
predicted corners) and a table of the scores, losses and gradients. All numbers
come from ``helpers.boxes`` and ``helpers.losses`` (the gradients from the real
Keras losses on tensors), not from a re-implementation.

Where no widget front end runs (nbval, ``make run``'s HTML, a static viewer) the
same cell shows a static picture of the starting state instead.
Boxes are ``xyxy`` on a unit canvas: x to the right, y down, as in images.
"""

from __future__ import annotations

import io

import numpy as np

from . import boxes, losses

SCORES = ("iou", "giou", "diou", "ciou")
COLOURS = {"iou": "tab:blue", "giou": "tab:orange", "diou": "tab:purple", "ciou": "tab:brown"}
TRUE, PREDICTED = "tab:green", "tab:red"


def explain(true_box, predicted_box) -> dict:
    """Scores, losses and loss gradients for one pair of boxes.

    true_box, predicted_box: (4,) xyxy. Returns {name: {"score", "loss",
    "gradient" (4,) d loss / d predicted xyxy}} for iou, giou, diou and ciou,
    plus "enclosing" (4,) xyxy and "centre_distance".
    """
    import tensorflow as tf

    true = np.asarray(true_box, np.float32).reshape(1, 4)
    predicted = tf.Variable(np.asarray(predicted_box, np.float32).reshape(1, 4))
    out: dict = {}
    for name in SCORES:
        with tf.GradientTape() as tape:
            loss = losses.LOSSES[name]("xyxy")(true, predicted)
        out[name] = {
            "score": float(boxes.IOU_FUNCTIONS[name](true[0], predicted.numpy()[0], "xyxy")),
            "loss": float(loss),
            "gradient": tape.gradient(loss, predicted).numpy()[0],
        }
    a, b = true[0], np.sort(predicted.numpy()[0].reshape(2, 2), axis=0).ravel()  # corners in order
    out["enclosing"] = np.array([min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])])
    out["centre_distance"] = float(np.hypot((a[0] + a[2] - b[0] - b[2]) / 2, (a[1] + a[3] - b[1] - b[3]) / 2))
    return out


def draw(true_box, predicted_box, state: dict | None = None, arrow_scale: float = 0.15):
    """A figure of the two boxes, their enclosing box, the centre line and the gradient arrows.

    Each arrow points where gradient descent would move a corner of the
    predicted box (minus the gradient), scaled by ``arrow_scale``; a loss
    without gradient (IoU while the boxes do not overlap) draws none.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    state = state or explain(true_box, predicted_box)
    fig, ax = plt.subplots(figsize=(4.6, 4.6))
    for box, colour, style, label in ((state["enclosing"], "gray", "--", "enclosing box"),
                                      (true_box, TRUE, "-", "true box"), (predicted_box, PREDICTED, "-", "predicted")):
        x1, y1, x2, y2 = box
        ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=colour, linestyle=style,
                               linewidth=2 if style == "-" else 1, label=label))
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in (true_box, predicted_box)]
    ax.plot(*zip(*centres), ":", color="black", linewidth=1, label="centre distance")
    p = np.asarray(predicted_box, float)
    for name in SCORES:
        step = -arrow_scale * state[name]["gradient"]
        if not np.any(step):
            continue
        for (x, y), (dx, dy) in (((p[0], p[1]), step[:2]), ((p[2], p[3]), step[2:])):
            ax.annotate("", xy=(x + dx, y + dy), xytext=(x, y),
                        arrowprops=dict(arrowstyle="->", color=COLOURS[name], linewidth=1.5))
        ax.plot([], [], color=COLOURS[name], label=f"-gradient of the {name.upper()} loss")
    ax.set(xlim=(0, 1), ylim=(1, 0), aspect="equal", xlabel="x", ylabel="y (down, as in images)")
    ax.set_title(f"IoU {state['iou']['score']:.2f}  GIoU {state['giou']['score']:.2f}  "
                 f"DIoU {state['diou']['score']:.2f}  CIoU {state['ciou']['score']:.2f}", fontsize=9)
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(1.02, 0))
    fig.tight_layout()
    return fig


def readout_html(state: dict) -> str:
    """The scores, losses and gradients as an HTML table."""
    rows = "".join(
        f"<tr><td>{name.upper()}</td><td>{state[name]['score']:+.3f}</td><td>{state[name]['loss']:.3f}</td>"
        f"<td>{np.array2string(state[name]['gradient'], precision=2, suppress_small=True)}</td></tr>"
        for name in SCORES)
    return ("<table><tr><th></th><th>score</th><th>loss</th><th>d loss / d (x1, y1, x2, y2)</th></tr>"
            f"{rows}</table><p>centre distance {state['centre_distance']:.3f}</p>")


class BoxExplorer:
    """Sliders for the predicted box's centre and size, a live drawing and a live readout.

    ``state`` holds the numbers of the current boxes (see ``explain``);
    setting a slider's ``value`` updates everything, as dragging it does.
    """

    def __init__(self, true_box=(0.25, 0.3, 0.55, 0.75), predicted_box=(0.62, 0.2, 0.9, 0.5)):
        import ipywidgets as w

        self.true_box = np.asarray(true_box, float)
        cx, cy, width, height = boxes.convert(np.asarray(predicted_box, float), "xyxy", "center_xywh")
        slider = dict(min=0.0, max=1.0, step=0.01, continuous_update=True, readout_format=".2f")
        self.sliders = {
            "centre x": w.FloatSlider(value=cx, **slider), "centre y": w.FloatSlider(value=cy, **slider),
            "width": w.FloatSlider(value=width, **{**slider, "min": 0.02}),
            "height": w.FloatSlider(value=height, **{**slider, "min": 0.02}),
        }
        for name, s in self.sliders.items():
            s.description = name
            s.observe(self._update, names="value")
        self.figure = w.Output()
        self.readout = w.HTML()
        self.widget = w.VBox([w.HBox(list(self.sliders.values())[:2]), w.HBox(list(self.sliders.values())[2:]),
                              w.HBox([self.figure, self.readout])])
        self.state: dict = {}
        self._update()

    @property
    def predicted_box(self) -> np.ndarray:
        """The predicted box, (4,) xyxy, from the sliders."""
        values = [self.sliders[k].value for k in ("centre x", "centre y", "width", "height")]
        return boxes.convert(np.asarray(values, float), "center_xywh", "xyxy")

    def _update(self, change=None) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.state = explain(self.true_box, self.predicted_box)
        self.readout.value = readout_html(self.state)
        fig = draw(self.true_box, self.predicted_box, self.state)
        self.figure.clear_output(wait=True)
        with self.figure:
            display(fig)
        plt.close(fig)

    def static_png(self) -> bytes:
        """The current state as a PNG, for front ends without widgets."""
        import matplotlib.pyplot as plt

        fig = draw(self.true_box, self.predicted_box, self.state)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
        plt.close(fig)
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        # JupyterLab renders the widget view; nbval, nbconvert's HTML (no widget state saved)
        # and static viewers fall back to the picture of the same state.
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = self.static_png()
        bundle["text/plain"] = "BoxExplorer: " + ", ".join(f"{k.upper()} {self.state[k]['score']:.3f}" for k in SCORES)
        return bundle
