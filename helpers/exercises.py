"""Exercises a learner can check offline: write one of the week's mechanics, then ``check`` it.

    def my_iou(a, b):
        ...                                  # your code: (N, 4) xyxy, (N, 4) xyxy -> (N,)

    exercises.check("04.iou", my_iou)         # one line per test; the likely mistake when one fails
    exercises.hint("04.iou")                  # a nudge
    exercises.solution("04.iou")              # the tested reference solution, as code
    exercises.ids()                           # every exercise, the notebook first: "04.iou", ...
    exercises.progress()                      # which ones you have passed

``check`` returns True when every test passes, False otherwise; it never raises on a wrong
answer: an exception inside your code is caught and shown with its message. Passing is
remembered in ``build/exercises.json`` (``$ACV_BUILD_DIR`` when set), which git ignores.

Each test that fails names the mistake it was written to catch, so a test's input is chosen
for one mistake: boxes that do not touch catch an overlap that goes negative, a zero-area box
catches a division by zero, and so on. The reference solutions are at the end of this module.
"""

from __future__ import annotations

import inspect
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import boxes
from .sources import ROOT

NOT_ATTEMPTED = "not attempted yet"


# --------------------------------------------------------------------------- the machinery


@dataclass(frozen=True)
class Outcome:
    """One test: what was tried, whether it passed, what came back and what the mistake likely is."""

    tried: str
    passed: bool
    detail: str = ""
    mistake: str = ""


@dataclass(frozen=True)
class Exercise:
    id: str
    task: str                                         # one sentence: what to write
    hint: str
    run_tests: Callable[[Callable], list[Outcome]]    # the learner's answer -> one Outcome per test
    reference: Callable                               # the tested solution (``solution`` prints its code)


EXERCISES: dict[str, Exercise] = {}


def _exercise(id_: str, task: str, hint: str, reference: Callable):
    def register(run_tests):
        EXERCISES[id_] = Exercise(id_, task, hint, run_tests, reference)
        return run_tests
    return register


def ids() -> list[str]:
    """Every exercise id, in notebook order ("01.freeze_at", ..., "05.yxyx_to_xyxy")."""
    return sorted(EXERCISES)


def _get(exercise: str) -> Exercise:
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; the exercises are: {', '.join(ids())}")
    return EXERCISES[exercise]


def hint(exercise: str) -> str:
    """A nudge for ``exercise``, printed and returned."""
    ex = _get(exercise)
    text = f"{ex.id}: {ex.task}\nhint: {ex.hint}"
    print(text)
    return text


def solution(exercise: str) -> str:
    """The reference solution of ``exercise`` as code (the one the tests check), printed and returned."""
    code = inspect.getsource(_get(exercise).reference)
    print(code)
    return code


def _progress_file() -> Path:
    value = os.environ.get("ACV_BUILD_DIR", "").strip()
    return (ROOT / value if value else ROOT / "build") / "exercises.json"


def _passed() -> dict[str, str]:
    path = _progress_file()
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}  # a damaged progress file is not worth stopping a lesson for


def _remember(exercise: str) -> None:
    passed = {**_passed(), exercise: time.strftime("%Y-%m-%d %H:%M")}
    path = _progress_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passed, indent=1, sort_keys=True) + "\n")


def progress(notebook: str | None = None) -> str:
    """Which exercises you have passed (all, or those of ``notebook``, e.g. "04"), printed and returned."""
    passed = _passed()
    chosen = [i for i in ids() if notebook is None or i.split(".")[0] == notebook]
    lines = [f"  {'passed' if i in passed else '      '}  {i:<18} {EXERCISES[i].task}" for i in chosen]
    done = sum(i in passed for i in chosen)
    text = f"exercises passed: {done} of {len(chosen)}" + ("" if not chosen else "\n" + "\n".join(lines))
    print(text)
    return text


def _placeholder(*args, **kwargs):
    """A stub's body."""
    ...


def _attempted(answer) -> bool:
    """False for a stub: None, or a function whose body is only ``...``, ``pass`` and a docstring."""
    if answer is None:
        return False
    code = getattr(answer, "__code__", None)
    if code is None:
        return True
    # Such a body compiles to "return None", the same bytecode as _placeholder's whatever the
    # signature; `return 0.0` compiles alike, with another constant, so the constants count too.
    constants = {c for c in code.co_consts if c is not answer.__doc__}
    return code.co_code != _placeholder.__code__.co_code or not constants <= {None, Ellipsis}


def check(exercise: str, answer) -> bool:
    """Run ``exercise``'s tests on ``answer`` (your function); True when every test passes.

    Prints one line per test and, for each failure, the mistake it points to. Never raises on a
    wrong answer; an unknown exercise id is the caller's mistake and raises ``ValueError``.
    """
    ex = _get(exercise)
    if not _attempted(answer):
        print(f"{ex.id}: {NOT_ATTEMPTED}. {ex.task} Write it in the cell above, then run this cell again "
              f"(exercises.hint({ex.id!r}) gives a nudge).")
        return False
    if not callable(answer) or (not isinstance(answer, type) and hasattr(answer, "predict")):  # a built model: the result
        print(f"{ex.id}: got {type(answer).__name__}, not a function: pass the function itself "
              f"(my_function, not my_function()).")
        return False
    try:
        outcomes = ex.run_tests(answer)
    except Exception as exc:  # noqa: BLE001 - an answer shaped like nothing we expected: say so, never raise
        outcomes = [Outcome("read what your function returned", False,
                            f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}",
                            "return what the task asks for: " + ex.task)]
    for o in outcomes:
        print(f"  {'ok  ' if o.passed else 'FAIL'}  {o.tried}" + (f": {o.detail}" if o.detail else ""))
        if not o.passed and o.mistake:
            print(f"        likely mistake: {o.mistake}")
    passed = all(o.passed for o in outcomes)
    n_failed = sum(not o.passed for o in outcomes)
    print(f"{ex.id}: " + ("passed, every test." if passed else f"{n_failed} of {len(outcomes)} tests failed."))
    if passed:
        _remember(ex.id)
    return passed


def _call(answer, *args):
    """(result, None) or (None, "what it raised") for answer(*args)."""
    try:
        with np.errstate(all="ignore"):  # a NaN or an overflow is reported by the test that meets it
            return answer(*args), None
    except Exception as exc:  # noqa: BLE001 - a learner's code may raise anything; we report it
        return None, f"raised {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def _shown(values: np.ndarray, most: int = 6) -> str:
    """A short rendering of an array: its first ``most`` numbers, rounded."""
    flat = np.round(values.ravel(), 4).tolist()
    text = ", ".join(f"{v:g}" for v in flat[:most]) + (f", ... ({len(flat)} numbers)" if len(flat) > most else "")
    return f"[{text}]"


def _compare(tried: str, answer, args, expected, mistake: str, atol: float = 1e-6) -> Outcome:
    """Call ``answer(*args)`` and compare its result with ``expected`` (arrays, to ``atol``)."""
    result, error = _call(answer, *args)
    if error:
        return Outcome(tried, False, error, mistake)
    if result is None:
        return Outcome(tried, False, "returned None", "the function computes but does not `return` its result")
    try:
        got = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return Outcome(tried, False, f"returned {type(result).__name__}, not numbers", "return a NumPy array of numbers")
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        return Outcome(tried, False, f"returned shape {got.shape}, expected {want.shape}",
                       f"return shape {want.shape}" + (" (flatten the extra axis)" if got.size == want.size else ""))
    if not np.isfinite(got).all():
        return Outcome(tried, False, f"returned {_shown(got)} (not finite), expected {_shown(want)}", mistake)
    if not np.allclose(got, want, atol=atol, rtol=1e-4):  # rtol: a tiny epsilon in a division is fine
        wrong = ~np.isclose(got, want, atol=atol, rtol=1e-4)
        first = int(np.flatnonzero(wrong.ravel())[0])
        where = f"; first wrong at [{first}]: {got.ravel()[first]:.4g} instead of {want.ravel()[first]:.4g}" if got.size > 6 else ""
        return Outcome(tried, False, f"returned {_shown(got)}, expected {_shown(want)}{where}", mistake)
    return Outcome(tried, True)


def _random_boxes(rng, n: int, size: float = 1.0) -> np.ndarray:
    """(n, 4) valid xyxy boxes inside [0, size]^2."""
    corners = rng.uniform(0, size, (n, 2, 2))  # (n, two points, xy)
    lo, hi = corners.min(axis=1), corners.max(axis=1)
    return np.concatenate([lo, hi], axis=1)


# --------------------------------------------------------------------------- 04: boxes and IoU


def _iou_tests(answer, reference_fn: Callable, what: str) -> list[Outcome]:
    """Shared cases for the IoU family: answer(a, b) on (N, 4) xyxy boxes -> (N,)."""
    rng = np.random.default_rng(0)
    a, b = _random_boxes(rng, 200, size=75), _random_boxes(rng, 200, size=75)  # pixels, as on 04's canvas
    case = lambda *pair: tuple(np.array([p], float) for p in pair)  # noqa: E731 - one-row arrays
    far = case([0, 0, 1, 1], [2, 0, 3, 1])  # side by side: the x overlap is negative, the y overlap not
    single = [
        _compare("two boxes that do not touch", answer, far, reference_fn(*far),
                 "the overlap went negative for boxes that do not touch: clip each side of the overlap at 0"
                 if what == "IoU" else "apart, the enclosing box's empty part must count: GIoU goes below 0"),
        _compare("two boxes apart diagonally", answer, case([0, 0, 1, 1], [2, 2, 3, 3]),
                 reference_fn(*case([0, 0, 1, 1], [2, 2, 3, 3])),
                 "both sides of the overlap went negative and their product positive: clip each side at 0, "
                 "not the product" if what == "IoU" else "clip each side of the overlap at 0, not the product"),
        _compare("two boxes one above the other", answer, case([0, 0, 1, 1], [0, 2, 1, 3]),
                 reference_fn(*case([0, 0, 1, 1], [0, 2, 1, 3])), "clip the height of the overlap at 0 too, not only its width"),
        _compare("two boxes that touch at an edge", answer, case([0, 0, 1, 1], [1, 0, 2, 1]),
                 reference_fn(*case([0, 0, 1, 1], [1, 0, 2, 1])), "boxes sharing only an edge overlap by zero area"),
        _compare("a box inside another", answer, case([1, 1, 2, 2], [0, 0, 4, 4]), reference_fn(*case([1, 1, 2, 2], [0, 0, 4, 4])),
                 "the overlap is counted twice in the union: union = area(a) + area(b) - overlap, or the "
                 "overlap is divided by one box's area instead of the union"),
        _compare("a box around another", answer, case([0, 0, 4, 4], [1, 1, 2, 2]), reference_fn(*case([0, 0, 4, 4], [1, 1, 2, 2])),
                 "divide by the union, area(a) + area(b) - overlap, not by one box's area or the larger one"),
        _compare("the same box twice", answer, case([1, 2, 3, 5], [1, 2, 3, 5]), [1.0],
                 "a box and itself must give 1: check the union (area + area - overlap)"),
        _compare("a box of zero area against itself", answer, case([1, 1, 1, 3], [1, 1, 1, 3]),
                 reference_fn(*case([1, 1, 1, 3], [1, 1, 1, 3])),
                 "a zero-area box divides by a zero union: return 0 there, never NaN (np.where or a tiny epsilon)"),
        _compare("boxes overlapping in a corner", answer, case([0, 0, 2, 2], [1, 1, 3, 3]),
                 reference_fn(*case([0, 0, 2, 2], [1, 1, 3, 3])),
                 "the overlap's corners: the larger of the two mins and the smaller of the two maxes (min and max swapped?)"),
    ]
    many = _compare("200 random boxes against helpers.boxes", answer, (a, b), reference_fn(a, b),
                    "right on the single boxes above, wrong on these: index columns (a[:, 0]), not rows, and "
                    "clip each side of the overlap, not the product or the ratio"
                    if all(o.passed for o in single) else "fix the single-box cases above first")
    return single + [many]


def solution_iou(a, b):
    """(N, 4) xyxy, (N, 4) xyxy -> (N,) intersection over union."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    overlap_w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)  # (N,)
    overlap_h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    overlap = overlap_w * overlap_h
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - overlap
    return np.where(union > 0, overlap / np.where(union > 0, union, 1.0), 0.0)  # zero area: 0, not NaN


@_exercise("04.iou", "IoU of two (N, 4) arrays of xyxy boxes -> (N,).",
           "overlap = clipped width x clipped height, from the larger mins and the smaller maxes; "
           "union = area(a) + area(b) - overlap; return 0 where the union is 0.", solution_iou)
def _test_iou(answer):
    return _iou_tests(answer, lambda a, b: boxes.iou(a, b, "xyxy"), "IoU")


def solution_giou(a, b):
    """(N, 4) xyxy, (N, 4) xyxy -> (N,) generalised IoU, in (-1, 1]."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    iou = solution_iou(a, b)
    overlap_w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    overlap_h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    union = ((a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
             - overlap_w * overlap_h)
    enclosing = ((np.maximum(a[:, 2], b[:, 2]) - np.minimum(a[:, 0], b[:, 0]))
                 * (np.maximum(a[:, 3], b[:, 3]) - np.minimum(a[:, 1], b[:, 1])))  # the smallest box around both
    empty = np.where(enclosing > 0, (enclosing - union) / np.where(enclosing > 0, enclosing, 1.0), 0.0)
    return iou - empty


@_exercise("04.giou", "Generalised IoU of two (N, 4) arrays of xyxy boxes -> (N,).",
           "GIoU = IoU - (enclosing area - union) / enclosing area; the enclosing box takes the smaller "
           "of the mins and the larger of the maxes.", solution_giou)
def _test_giou(answer):
    outcomes = _iou_tests(answer, lambda a, b: boxes.giou(a, b, "xyxy"), "GIoU")
    near, far = (np.array([[0, 0, 1, 1]], float), np.array([[2, 0, 3, 1]], float)), \
        (np.array([[0, 0, 1, 1]], float), np.array([[5, 0, 6, 1]], float))
    near_value, far_value = _call(answer, *near), _call(answer, *far)
    further_is_worse = (near_value[1] is None and far_value[1] is None
                        and float(np.asarray(far_value[0]).ravel()[0]) < float(np.asarray(near_value[0]).ravel()[0]))
    outcomes.append(Outcome("a box further away scores lower", further_is_worse,
                            "" if further_is_worse else "GIoU did not fall as the boxes moved apart",
                            "this is plain IoU (0 for both): subtract the enclosing box's empty share"))
    return outcomes


def solution_paste(digit, xmin, ymin, canvas=75):
    """(28, 28) digit at column xmin, row ymin -> ((canvas, canvas) image, (4,) rel_xyxy box)."""
    h, w = digit.shape
    image = np.zeros((canvas, canvas), dtype=digit.dtype)
    image[ymin:ymin + h, xmin:xmin + w] = digit  # rows are y, columns are x
    box = np.array([xmin, ymin, xmin + w, ymin + h], float) / canvas
    return image, box


@_exercise("04.paste", "Paste a 28x28 digit at (xmin, ymin) on a 75x75 black canvas; return (canvas, rel_xyxy box).",
           "image[ymin:ymin + 28, xmin:xmin + 28] = digit (rows are y); the box is "
           "[xmin, ymin, xmin + 28, ymin + 28] / 75.", solution_paste)
def _test_paste(answer):
    digit = np.zeros((28, 28), np.uint8)
    digit[2:26, 10:18] = 255          # a tall stroke, off-centre, so a transposed paste shows
    digit[0, 0] = 7                   # the top-left pixel, to find where the corner went
    outcomes = []
    for xmin, ymin, canvas in ((5, 30, 75), (47, 47, 75), (0, 0, 75), (60, 10, 100)):
        tried = f"xmin={xmin}, ymin={ymin}" + ("" if canvas == 75 else f", canvas={canvas}")
        result, error = _call(answer, digit, xmin, ymin) if canvas == 75 else _call(answer, digit, xmin, ymin, canvas)
        if error or not (isinstance(result, (tuple, list)) and len(result) == 2):
            outcomes.append(Outcome(tried, False, error or "did not return (canvas, box)",
                                    f"return two things: the ({canvas}, {canvas}) canvas and the (4,) box"
                                    + ("; use the canvas argument, not 75" if canvas != 75 else "")))
            continue
        image = np.asarray(result[0])
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]  # (canvas, canvas, 1), as the course's pad_to_bounding_box makes it: fine
        try:
            box = np.asarray(result[1], float)
        except (TypeError, ValueError):
            outcomes.append(Outcome(tried + ", box", False, f"the box is a {type(result[1]).__name__}",
                                    "the box is four numbers: an array [xmin, ymin, xmax, ymax] / canvas"))
            continue
        want_image, want_box = solution_paste(digit, xmin, ymin, canvas)
        if image.shape != (canvas, canvas):
            outcomes.append(Outcome(tried + ", canvas", False, f"shape {image.shape}, expected ({canvas}, {canvas})",
                                    f"the canvas is {canvas}x{canvas}, one channel: np.zeros(({canvas}, {canvas}))"))
        elif not np.array_equal(image, want_image):
            if np.allclose(image * 255, want_image, atol=1):
                mistake = "keep the digit's 0..255 values: the model scales them itself"
            elif np.array_equal(image, want_image.T) or image[min(xmin, canvas - 1), min(ymin, canvas - 1)] == 7:
                mistake = "rows are y and columns are x: image[ymin:ymin + 28, xmin:xmin + 28]"
            else:
                mistake = "paste the whole 28x28 digit, its top-left corner at (xmin, ymin)"
            outcomes.append(Outcome(tried + ", canvas", False, "the digit is not where it belongs", mistake))
        else:
            outcomes.append(Outcome(tried + ", canvas", True))
        if box.shape != (4,):
            outcomes.append(Outcome(tried + ", box", False, f"shape {box.shape}, expected (4,)", "one box: four numbers"))
        elif np.allclose(box, want_box * canvas):
            outcomes.append(Outcome(tried + ", box", False, f"{np.round(box, 4).tolist()}", f"divide the box by {canvas}: "
                                    "rel_xyxy is relative to the canvas"))
        elif not np.allclose(box, want_box, atol=1e-6):
            pixels = box * canvas
            if np.allclose(pixels + [0, 0, 1, 1], want_box * canvas):
                mistake = "the far edge is xmin + 28, not xmin + 27: a box's max is one past its last pixel"
            elif np.allclose(pixels, [xmin, ymin, 28, 28]):
                mistake = "that is [xmin, ymin, width, height] (xywh): the box is [xmin, ymin, xmax, ymax]"
            elif np.allclose(pixels, [ymin, xmin, ymin + 28, xmin + 28]):
                mistake = "that is [ymin, xmin, ymax, xmax]: the box is [xmin, ymin, xmax, ymax], x first"
            elif canvas != 75 and np.allclose(box * 75, want_box * canvas):
                mistake = "divide by the canvas argument, not by 75"
            else:
                mistake = "the box is [xmin, ymin, xmin + 28, ymin + 28] / canvas"
            outcomes.append(Outcome(tried + ", box", False, f"{np.round(box, 4).tolist()}, expected "
                                    f"{np.round(want_box, 4).tolist()}", mistake))
        else:
            outcomes.append(Outcome(tried + ", box", True))
    return outcomes


def solution_two_heads():
    """A small model: (75, 75, 1) canvas -> {"classification": (10,) softmax, "bounding_box": (4,)}."""
    import keras

    inputs = keras.Input((75, 75, 1))
    x = keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    shared = keras.layers.Dense(32, activation="relu")(x)        # the trunk both heads read
    classification = keras.layers.Dense(10, activation="softmax", name="classification")(shared)
    bounding_box = keras.layers.Dense(4, name="bounding_box")(shared)
    return keras.Model(inputs, [classification, bounding_box])


def _ancestors(tensor_layer, seen=None) -> set:
    """Every layer upstream of a layer in a functional model."""
    seen = set() if seen is None else seen
    for node in tensor_layer._inbound_nodes:
        for parent in node.parent_nodes:
            layer = parent.operation
            if id(layer) not in seen:
                seen.add(id(layer))
                _ancestors(layer, seen)
    return seen


@_exercise("04.two_heads", "A Keras model on a (75, 75, 1) canvas with two outputs named 'classification' "
           "(10-way softmax) and 'bounding_box' (4 numbers) on a shared trunk.",
           "build one trunk (convolutions, Flatten, a Dense layer), then two Dense layers on its output: "
           "Dense(10, activation='softmax', name='classification') and Dense(4, name='bounding_box'); "
           "keras.Model(inputs, [classification, bounding_box]).", solution_two_heads)
def _test_two_heads(answer):
    import keras

    model, error = _call(answer)
    if error or not isinstance(model, keras.Model):
        return [Outcome("build the model", False, error or f"returned {type(model).__name__}, not a keras.Model",
                        "return keras.Model(inputs, [classification, bounding_box])")]
    outputs = getattr(model, "outputs", None)
    if not outputs:
        return [Outcome("builds a functional model", False, f"a {type(model).__name__} without symbolic outputs",
                        "build it with the functional API: inputs = keras.Input((75, 75, 1)), ..., "
                        "keras.Model(inputs, [classification, bounding_box])")]
    outcomes = [Outcome("builds a keras.Model", True)]
    layer_names = [t._keras_history.operation.name for t in outputs]  # the layers that make the outputs
    if len(layer_names) != 2:
        return outcomes + [Outcome("two outputs", False, f"{len(layer_names)} output(s): {layer_names}",
                                   "a model with two heads has two outputs: keras.Model(inputs, [classification, bounding_box])")]
    named = sorted(layer_names) == ["bounding_box", "classification"]
    outcomes.append(Outcome("outputs named 'classification' and 'bounding_box'", named,
                            f"output layers are named {layer_names}",
                            "name the output layers: Dense(..., name='classification') and Dense(4, name='bounding_box')"))
    shape_ok = len(model.inputs) == 1 and tuple(model.inputs[0].shape) == (None, 75, 75, 1)
    outcomes.append(Outcome("input (75, 75, 1)", shape_ok, f"inputs {[tuple(t.shape) for t in model.inputs]}",
                            "keras.Input((75, 75, 1)): one grey channel"))
    if not (named and shape_ok):
        return outcomes
    predicted = model(np.random.default_rng(0).uniform(0, 1, (3, 75, 75, 1)).astype("float32"))
    by_name = dict(predicted) if isinstance(predicted, dict) else dict(zip(layer_names, predicted))
    cls, box = np.asarray(by_name["classification"]), np.asarray(by_name["bounding_box"])
    outcomes.append(Outcome("classification gives 10 probabilities that sum to 1",
                            cls.shape == (3, 10) and np.allclose(cls.sum(axis=1), 1, atol=1e-4) and (cls >= 0).all(),
                            f"shape {cls.shape}", "Dense(10, activation='softmax') for the classes"))
    outcomes.append(Outcome("bounding_box gives 4 numbers", box.shape == (3, 4), f"shape {box.shape}",
                            "Dense(4) for xmin, ymin, xmax, ymax"))
    heads = [model.get_layer(name) for name in ("classification", "bounding_box")]
    box_activation = getattr(getattr(heads[1], "activation", None), "__name__", "linear")
    outcomes.append(Outcome("the four box numbers are free (no softmax)", box_activation != "softmax",
                            f"bounding_box's activation is {box_activation}",
                            "four independent coordinates: a linear Dense(4) (or sigmoid), not softmax, which "
                            "forces them to sum to 1"))
    chained = id(heads[0]) in _ancestors(heads[1]) or id(heads[1]) in _ancestors(heads[0])
    outcomes.append(Outcome("each head reads the trunk, not the other head", not chained,
                            "one head is stacked on the other" if chained else "",
                            "the box head reads the class probabilities (or the reverse): 10 probabilities hold no "
                            "position; put both heads on the trunk's output"))
    trunk = _ancestors(heads[0]) & _ancestors(heads[1])
    trunk_layers = [layer for layer in model.layers if id(layer) in trunk and not isinstance(layer, keras.layers.InputLayer)
                    and layer.weights]
    outcomes.append(Outcome("both heads read one shared trunk", bool(trunk_layers),
                            f"{len(trunk_layers)} layer(s) with weights feed both heads",
                            "the two heads share nothing but the input: put both on the same trunk's output"))
    return outcomes


# --------------------------------------------------------------------------- 01, 02: freezing


def _small_base():
    """A tiny functional base with named layers, BatchNormalization included (for 01 and 02's checks)."""
    import keras

    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.Activation("relu", name="mixed1")(x)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", name="conv2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    x = keras.layers.Activation("relu", name="mixed2")(x)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", name="conv3")(x)
    x = keras.layers.BatchNormalization(name="bn3")(x)
    x = keras.layers.Activation("relu", name="mixed3")(x)
    return keras.Model(inputs, x, name="small_base")


def solution_freeze_at(base, layer_name):
    """A frozen feature extractor: base's input -> the output of its layer ``layer_name``."""
    import keras

    base.trainable = False  # every layer's weights frozen (BatchNormalization runs in inference mode)
    return keras.Model(base.input, base.get_layer(layer_name).output)


@_exercise("01.freeze_at", "A frozen feature extractor cut at a named layer: (base, layer_name) -> keras.Model.",
           "keras.Model(base.input, base.get_layer(layer_name).output), after base.trainable = False.",
           solution_freeze_at)
def _test_freeze_at(answer):
    import keras

    outcomes = []
    for layer_name in ("mixed2", "mixed1"):
        base = _small_base()
        model, error = _call(answer, base, layer_name)
        tried = f"cut a small base at {layer_name!r}"
        if error or not isinstance(model, keras.Model):
            outcomes.append(Outcome(tried, False, error or f"returned {type(model).__name__}",
                                    "return a keras.Model from base.input to the layer's output"))
            continue
        want = tuple(base.get_layer(layer_name).output.shape)
        got = tuple(model.outputs[0].shape)
        outcomes.append(Outcome(tried + ": output is that layer's", got == want, f"output shape {got}, the layer's {want}",
                                "the whole base was returned: cut it with base.get_layer(layer_name).output"
                                if got == tuple(base.output.shape) else "the output must be base.get_layer(layer_name).output"))
        n_trainable = len(model.trainable_weights)
        outcomes.append(Outcome(tried + ": nothing trainable", n_trainable == 0, f"{n_trainable} trainable weights",
                                "freeze it: base.trainable = False (or every layer's trainable = False)"))
        x = np.random.default_rng(1).uniform(0, 1, (2, 16, 16, 3)).astype("float32")
        reference_out = keras.Model(base.input, base.get_layer(layer_name).output)(x, training=False)
        same = got == want and np.allclose(np.asarray(model(x, training=False)), np.asarray(reference_out), atol=1e-5)
        outcomes.append(Outcome(tried + ": the base's own weights", same, "" if same else "outputs differ from the base's layer",
                                "reuse the base's layers (base.input, base.get_layer(...).output); do not build new ones"))
    return outcomes


def solution_unfreeze_top(base, k):
    """Fine-tuning's set-up: layers k and above train, except BatchNormalization; layers below k frozen."""
    import keras

    base.trainable = True  # a layer trains only if every model around it is trainable too
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= k and not isinstance(layer, keras.layers.BatchNormalization)


@_exercise("02.unfreeze_top", "Unfreeze a base from layer index k on, BatchNormalization kept frozen, the layers "
           "before k frozen: (base, k) -> None.",
           "base.trainable = True first; then for each (index, layer): trainable = index >= k and not a "
           "BatchNormalization layer.", solution_unfreeze_top)
def _test_unfreeze_top(answer):
    import keras

    outcomes = []
    for k in (4, 5, 7):  # 5: the layer before k holds weights, so an off-by-one shows
        base = _small_base()
        base.trainable = False  # as after feature extraction
        _, error = _call(answer, base, k)
        tried = f"unfreeze from index {k}"
        if error:
            outcomes.append(Outcome(tried, False, error, "set layer.trainable on base.layers; return nothing"))
            continue
        outcomes.append(Outcome(tried + ": the base itself trainable", base.trainable, f"base.trainable is {base.trainable}",
                                "set base.trainable = True first: a frozen model freezes every layer in it"))
        below = [layer.name for layer in base.layers[:k] if layer.trainable and layer.weights]
        outcomes.append(Outcome(tried + ": layers before k frozen", not below, f"trainable below k: {below}",
                                "layers before index k stay frozen (trainable = False)"))
        bn = [layer.name for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable]
        outcomes.append(Outcome(tried + ": every BatchNormalization frozen", not bn, f"trainable: {bn}",
                                "keep BatchNormalization frozen: on Keras 3, fit() would otherwise update its statistics"))
        top = [layer.name for layer in base.layers[k:] if layer.weights
               and not isinstance(layer, keras.layers.BatchNormalization) and not layer.trainable]
        off_by_one = k - 1 >= 0 and base.layers[k - 1].trainable and base.layers[k - 1].weights
        outcomes.append(Outcome(tried + ": layers from k on trainable", not top and not off_by_one,
                                f"frozen from k on: {top}" if top else ("" if not off_by_one else f"layer {k - 1} trainable"),
                                "index k itself trains: layers[k:], not layers[k + 1:] or layers[k - 1:]"))
    return outcomes


# --------------------------------------------------------------------------- 03: small images into ResNet50


def solution_upsample(factor=7):
    """(batch, 32, 32, 3) RGB 0..255 -> (batch, 32 * factor, 32 * factor, 3) as ResNet50 expects."""
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.UpSampling2D(size=(factor, factor))(inputs)              # repeats each pixel
    x = keras.layers.Lambda(keras.applications.resnet50.preprocess_input)(x)  # RGB -> BGR minus ImageNet's mean
    return keras.Model(inputs, x)


@_exercise("03.upsample", "The input stack Input(32, 32, 3) -> 7x upsampling -> ResNet50's preprocessing: "
           "(factor=7) -> keras.Model.",
           "UpSampling2D(size=(factor, factor)), then keras.applications.resnet50.preprocess_input on 0..255 "
           "RGB values (in a Lambda layer).", solution_upsample)
def _test_upsample(answer):
    import keras

    model, error = _call(answer)
    if error or not isinstance(model, keras.Model):
        return [Outcome("build the stack", False, error or f"returned {type(model).__name__}", "return a keras.Model")]
    images = np.random.default_rng(2).integers(0, 256, (2, 32, 32, 3)).astype("float32")
    out, error = _call(lambda x: np.asarray(model(x)), images)
    if error:
        return [Outcome("run it on two 32x32 images", False, error, "the model's input is (32, 32, 3)")]
    outcomes = [Outcome("output is (224, 224, 3)", out.shape == (2, 224, 224, 3), f"shape {out.shape}",
                        "upsample 7 times: UpSampling2D(size=(7, 7)) turns 32 into 224")]
    if out.shape != (2, 224, 224, 3):
        return outcomes
    repeated = np.repeat(np.repeat(images, 7, 1), 7, 2)  # (2, 224, 224, 3): what UpSampling2D makes
    want = np.asarray(keras.applications.resnet50.preprocess_input(repeated.copy()))
    right = np.allclose(out, want, atol=1e-3)
    blocks_flat = np.allclose(out[:, :7, :7], out[:, :1, :1], atol=1e-3)  # a repeated pixel: one value per 7x7 block
    if right:
        mistake = ""
    elif not blocks_flat:
        mistake = "nearest-neighbour, as the course: each pixel repeated in a 7x7 block (UpSampling2D's default), not blended"
    elif np.allclose(out, repeated):
        mistake = "the pixels are unchanged: apply keras.applications.resnet50.preprocess_input"
    elif np.allclose(out, keras.applications.resnet50.preprocess_input(repeated / 255), atol=1e-3):
        mistake = "preprocess_input expects 0..255 values: do not divide by 255 first"
    elif np.allclose(out[..., ::-1], want, atol=1e-3) or np.allclose(out, want[..., ::-1], atol=1e-3):
        mistake = "the channels are in the wrong order: resnet50.preprocess_input turns RGB into BGR itself"
    else:
        mistake = "use ResNet50's own preprocess_input (not another network's): BGR minus ImageNet's mean pixel"
    outcomes.append(Outcome("values are ResNet50's preprocessing of the repeated pixels", right,
                            "" if right else f"first pixel {np.round(out[0, 0, 0], 2).tolist()}, expected "
                            f"{np.round(want[0, 0, 0], 2).tolist()}", mistake))
    other, error = _call(answer, 4)
    other_shape = None if error or not hasattr(other, "outputs") else tuple(other.outputs[0].shape)
    outcomes.append(Outcome("factor=4 gives (128, 128, 3)", other_shape == (None, 128, 128, 3),
                            error or f"output {other_shape}", "use the factor argument: UpSampling2D(size=(factor, factor))"))
    return outcomes


# --------------------------------------------------------------------------- 05: box formats


def solution_yxyx_to_xyxy(boxes_yxyx):
    """(N, 4) [ymin, xmin, ymax, xmax] -> (N, 4) [xmin, ymin, xmax, ymax], a new array."""
    boxes_yxyx = np.asarray(boxes_yxyx)
    return boxes_yxyx[:, [1, 0, 3, 2]]  # fancy indexing copies: the input is left as it was


@_exercise("05.yxyx_to_xyxy", "Convert (N, 4) boxes from [ymin, xmin, ymax, xmax] (TFDS) to [xmin, ymin, xmax, ymax].",
           "swap within each corner: columns [1, 0, 3, 2]; return a new array and leave the input alone.",
           solution_yxyx_to_xyxy)
def _test_yxyx_to_xyxy(answer):
    tall = np.array([[0.1, 0.2, 0.9, 0.4]])  # a tall box: 0.8 high, 0.2 wide
    given = tall.copy()
    want = boxes.convert(tall, "rel_yxyx", "rel_xyxy")
    outcomes = []
    result, error = _call(answer, given)
    got = None if error else np.asarray(result, float)
    if error or got.shape != want.shape:
        outcomes.append(Outcome("a tall box", False, error or f"shape {got.shape}", "return (N, 4) boxes"))
    else:
        if np.allclose(got, want):
            mistake = ""
        elif np.allclose(got, tall):
            mistake = "nothing was swapped: x comes first in xyxy"
        elif np.allclose(got, tall[:, [1, 3, 0, 2]]):
            mistake = "that is [xmin, xmax, ymin, ymax]: swap within each corner, columns [1, 0, 3, 2]"
        elif np.allclose(got, tall[:, [3, 2, 1, 0]]):
            mistake = "the corners are reversed: the first two numbers are the min corner"
        else:
            mistake = "columns [1, 0, 3, 2] of the input"
        outcomes.append(Outcome("a tall box (0.8 high, 0.2 wide)", not mistake,
                                f"returned {np.round(got, 3).tolist()}, expected {np.round(want, 3).tolist()}", mistake))
    outcomes.append(Outcome("the input is left as it was", np.array_equal(given, tall), "" if np.array_equal(given, tall)
                            else f"input is now {given.tolist()}", "work on a copy: assigning columns in place changed "
                            "the caller's boxes"))
    rng = np.random.default_rng(3)
    many = boxes.convert(_random_boxes(rng, 50), "rel_xyxy", "rel_yxyx")
    outcomes.append(_compare("50 random boxes, converted and back", lambda b: boxes.convert(
        np.asarray(answer(b), float), "rel_xyxy", "rel_yxyx"), (many,), many, "the round trip must give the boxes back"))
    return outcomes
