"""The exercises' checks: every reference solution passes, and the mistakes learners make fail
with the hint that names them. A check that accepts a wrong answer is a bug."""

import json

import keras
import numpy as np
import pytest

from helpers import exercises

EXPECTED_IDS = {"01.freeze_at", "02.unfreeze_top", "03.upsample", "04.giou", "04.iou", "04.paste",
                "04.two_heads", "05.yxyx_to_xyxy"}


@pytest.fixture(autouse=True)
def _own_progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ACV_BUILD_DIR", str(tmp_path))


def _fails_with(capsys, exercise, answer, hint_words):
    assert exercises.check(exercise, answer) is False, f"{exercise} accepted a wrong answer"
    out = capsys.readouterr().out
    assert "likely mistake: " + hint_words in out or hint_words in out, out


def test_every_exercise_is_listed_with_the_notebook_first():
    assert set(exercises.ids()) >= EXPECTED_IDS
    assert all(i.split(".")[0].isdigit() for i in exercises.ids())


@pytest.mark.parametrize("exercise", sorted(EXPECTED_IDS))
def test_the_reference_solution_passes_and_is_remembered(exercise, capsys, tmp_path):
    assert exercises.check(exercise, exercises.EXERCISES[exercise].reference) is True, capsys.readouterr().out
    assert exercise in json.loads((tmp_path / "exercises.json").read_text())
    assert "passed" in exercises.progress(exercise.split(".")[0])


@pytest.mark.parametrize("exercise", sorted(EXPECTED_IDS))
def test_a_stub_is_not_attempted_and_nothing_is_remembered(exercise, capsys, tmp_path):
    def stub(*args):
        """Your code here."""
        ...
    assert exercises.check(exercise, stub) is False
    assert exercises.NOT_ATTEMPTED in capsys.readouterr().out
    assert not (tmp_path / "exercises.json").exists()


def test_hint_solution_and_an_unknown_id(capsys):
    assert "union" in exercises.hint("04.iou")
    code = exercises.solution("04.iou")
    assert code.startswith("def solution_iou") and "np.clip" in code
    with pytest.raises(ValueError, match="unknown exercise '04.ioo'.*04.iou"):
        exercises.check("04.ioo", lambda a, b: a)


def test_an_exception_in_the_learners_code_is_reported_not_raised(capsys):
    def broken(a, b):
        return a[:, 7]  # IndexError
    assert exercises.check("04.iou", broken) is False
    assert "raised IndexError" in capsys.readouterr().out


# --------------------------------------------------------------------------- 04.iou: the mistakes


def _iou_without(clip=True, union_counts_overlap_once=True, min_max_right=True, over_union=True):
    def wrong(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        lo, hi = (np.maximum, np.minimum) if min_max_right else (np.minimum, np.maximum)
        w = hi(a[:, 2], b[:, 2]) - lo(a[:, 0], b[:, 0])
        h = hi(a[:, 3], b[:, 3]) - lo(a[:, 1], b[:, 1])
        if clip:
            w, h = np.clip(w, 0, None), np.clip(h, 0, None)
        overlap = w * h
        area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
        area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        union = area_a + area_b - (overlap if union_counts_overlap_once else 0)
        denominator = union if over_union else area_a
        return np.where(denominator > 0, overlap / np.where(denominator > 0, denominator, 1), 0)
    return wrong


def test_iou_without_clipping_fails_on_boxes_that_do_not_touch(capsys):
    _fails_with(capsys, "04.iou", _iou_without(clip=False), "clip each side of the overlap at 0")


def test_iou_with_the_overlap_counted_twice_in_the_union_fails(capsys):
    _fails_with(capsys, "04.iou", _iou_without(union_counts_overlap_once=False), "counted twice in the union")


def test_iou_with_min_and_max_swapped_fails(capsys):
    _fails_with(capsys, "04.iou", _iou_without(min_max_right=False), "min and max swapped")


def test_iou_over_one_boxs_area_fails(capsys):
    _fails_with(capsys, "04.iou", _iou_without(over_union=False), "divided by one box's area")


def test_iou_that_divides_by_zero_fails_on_a_zero_area_box(capsys):
    def nan_for_empty(a, b):
        with np.errstate(invalid="ignore", divide="ignore"):
            a, b = np.asarray(a, float), np.asarray(b, float)
            w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
            h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
            union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - w * h
            return w * h / union
    _fails_with(capsys, "04.iou", nan_for_empty, "never NaN")


# --------------------------------------------------------------------------- 04.giou


def test_giou_that_is_plain_iou_fails(capsys):
    _fails_with(capsys, "04.giou", exercises.solution_iou, "subtract the enclosing box's empty share")


def test_giou_with_an_intersection_for_the_enclosing_box_fails(capsys):
    def wrong(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        iou = exercises.solution_iou(a, b)
        enclosing = ((np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]))
                     * (np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])))  # the overlap, not the hull
        return iou - np.abs(enclosing) * 0.1
    assert exercises.check("04.giou", wrong) is False


def test_giou_that_adds_the_empty_share_fails(capsys):
    def wrong(a, b):
        return 2 * exercises.solution_iou(a, b) - exercises.solution_giou(a, b)  # IoU + empty share
    _fails_with(capsys, "04.giou", wrong, "GIoU goes below 0")


# --------------------------------------------------------------------------- 04.paste


def test_paste_with_rows_and_columns_swapped_fails(capsys):
    def transposed(digit, xmin, ymin, canvas=75):
        image = np.zeros((canvas, canvas), digit.dtype)
        image[xmin:xmin + 28, ymin:ymin + 28] = digit
        return image, np.array([xmin, ymin, xmin + 28, ymin + 28]) / canvas
    _fails_with(capsys, "04.paste", transposed, "rows are y and columns are x")


def test_paste_with_a_box_in_pixels_fails(capsys):
    def in_pixels(digit, xmin, ymin, canvas=75):
        image = np.zeros((canvas, canvas), digit.dtype)
        image[ymin:ymin + 28, xmin:xmin + 28] = digit
        return image, np.array([xmin, ymin, xmin + 28, ymin + 28], float)
    _fails_with(capsys, "04.paste", in_pixels, "divide the box by 75")


def test_paste_with_the_far_edge_off_by_one_fails(capsys):
    def off_by_one(digit, xmin, ymin, canvas=75):
        image = np.zeros((canvas, canvas), digit.dtype)
        image[ymin:ymin + 28, xmin:xmin + 28] = digit
        return image, np.array([xmin, ymin, xmin + 27, ymin + 27]) / canvas
    _fails_with(capsys, "04.paste", off_by_one, "one past its last pixel")


def test_paste_with_the_box_in_yxyx_fails(capsys):
    def y_first(digit, xmin, ymin, canvas=75):
        image = np.zeros((canvas, canvas), digit.dtype)
        image[ymin:ymin + 28, xmin:xmin + 28] = digit
        return image, np.array([ymin, xmin, ymin + 28, xmin + 28]) / canvas
    _fails_with(capsys, "04.paste", y_first, "x first")


# --------------------------------------------------------------------------- 04.two_heads


def _two_heads(names=("classification", "bounding_box"), softmax=True, shared=True):
    def build():
        inputs = keras.Input((75, 75, 1))
        def trunk():
            return keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(keras.layers.AveragePooling2D(5)(inputs)))
        first = trunk()
        second = first if shared else trunk()
        cls = keras.layers.Dense(10, activation="softmax" if softmax else None, name=names[0])(first)
        box = keras.layers.Dense(4, name=names[1])(second)
        return keras.Model(inputs, [cls, box])
    return build


def test_two_heads_with_unnamed_outputs_fails(capsys):
    _fails_with(capsys, "04.two_heads", _two_heads(names=("dense_out", "boxes")), "name the output layers")


def test_two_heads_without_softmax_fails(capsys):
    _fails_with(capsys, "04.two_heads", _two_heads(softmax=False), "activation='softmax'")


def test_two_heads_on_two_separate_trunks_fails(capsys):
    _fails_with(capsys, "04.two_heads", _two_heads(shared=False), "share nothing but the input")


# --------------------------------------------------------------------------- 01.freeze_at


def test_freeze_at_that_forgets_to_freeze_fails(capsys):
    def not_frozen(base, layer_name):
        return keras.Model(base.input, base.get_layer(layer_name).output)
    _fails_with(capsys, "01.freeze_at", not_frozen, "base.trainable = False")


def test_freeze_at_that_returns_the_whole_base_fails(capsys):
    def whole(base, layer_name):
        base.trainable = False
        return base
    _fails_with(capsys, "01.freeze_at", whole, "the whole base was returned")


def test_freeze_at_that_builds_new_layers_fails(capsys):
    def new_layers(base, layer_name):
        fresh = keras.models.clone_model(base)  # same architecture, new weights
        fresh.trainable = False
        return keras.Model(fresh.input, fresh.get_layer(layer_name).output)
    _fails_with(capsys, "01.freeze_at", new_layers, "reuse the base's layers")


# --------------------------------------------------------------------------- 02.unfreeze_top


def test_unfreeze_top_with_batchnorm_unfrozen_fails(capsys):
    def with_bn(base, k):
        base.trainable = True
        for i, layer in enumerate(base.layers):
            layer.trainable = i >= k
    _fails_with(capsys, "02.unfreeze_top", with_bn, "keep BatchNormalization frozen")


def test_unfreeze_top_off_by_one_fails(capsys):
    def from_k_plus_one(base, k):
        base.trainable = True
        for i, layer in enumerate(base.layers):
            layer.trainable = i > k and not isinstance(layer, keras.layers.BatchNormalization)
    _fails_with(capsys, "02.unfreeze_top", from_k_plus_one, "index k itself trains")


def test_unfreeze_top_that_leaves_the_base_frozen_fails(capsys):
    def base_still_frozen(base, k):
        for i, layer in enumerate(base.layers):
            layer.trainable = i >= k and not isinstance(layer, keras.layers.BatchNormalization)
    _fails_with(capsys, "02.unfreeze_top", base_still_frozen, "base.trainable = True first")


def test_unfreeze_top_that_unfreezes_everything_fails(capsys):
    def everything(base, k):
        base.trainable = True
        for layer in base.layers:
            layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    _fails_with(capsys, "02.unfreeze_top", everything, "layers before index k stay frozen")


# --------------------------------------------------------------------------- 03.upsample


def _upsample(scale=1.0, preprocess=keras.applications.resnet50.preprocess_input, factor=7):
    def build(f=7):
        inputs = keras.Input((32, 32, 3))
        x = keras.layers.UpSampling2D(size=(factor, factor))(inputs)
        x = keras.layers.Rescaling(scale)(x)
        if preprocess is not None:
            x = keras.layers.Lambda(preprocess)(x)
        return keras.Model(inputs, x)
    return build


def test_upsample_scaled_to_0_1_first_fails(capsys):
    _fails_with(capsys, "03.upsample", _upsample(scale=1 / 255), "do not divide by 255 first")


def test_upsample_with_another_networks_preprocessing_fails(capsys):
    _fails_with(capsys, "03.upsample", _upsample(preprocess=keras.applications.mobilenet_v2.preprocess_input),
                "ResNet50's own preprocess_input")


def test_upsample_without_preprocessing_fails(capsys):
    _fails_with(capsys, "03.upsample", _upsample(preprocess=None), "apply keras.applications.resnet50.preprocess_input")


def test_upsample_by_the_wrong_factor_fails(capsys):
    _fails_with(capsys, "03.upsample", _upsample(factor=4), "UpSampling2D(size=(7, 7))")


# --------------------------------------------------------------------------- 05.yxyx_to_xyxy


def test_conversion_that_swaps_nothing_fails(capsys):
    _fails_with(capsys, "05.yxyx_to_xyxy", lambda b: np.array(b, copy=True), "nothing was swapped")


def test_conversion_to_xxyy_fails(capsys):
    _fails_with(capsys, "05.yxyx_to_xyxy", lambda b: np.asarray(b)[:, [1, 3, 0, 2]], "swap within each corner")


def test_conversion_in_place_fails(capsys):
    def in_place(b):
        b[:, [0, 1, 2, 3]] = b[:, [1, 0, 3, 2]]
        return b
    _fails_with(capsys, "05.yxyx_to_xyxy", in_place, "work on a copy")



# --------------------------------------------------------------------------- the notebooks' exercise cells

from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_CELLS = [(path.name, cell) for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
                  for cell in nbformat.read(path, as_version=4).cells if "exercise" in cell.metadata.get("tags", [])]


def _exercise_of(cell):
    import re

    match = re.search(r'exercises\.check\("([^"]+)", (\w+)\)', cell.source)
    assert match, f"an exercise cell without exercises.check(id, answer): {cell.source[:80]}"
    return match.group(1), match.group(2)


def test_every_exercise_has_one_cell_in_the_notebook_it_names():
    found = sorted(_exercise_of(cell)[0] for _, cell in EXERCISE_CELLS)
    assert found == exercises.ids(), f"exercise cells {found}; exercises {exercises.ids()}"
    for name, cell in EXERCISE_CELLS:
        assert name.startswith(_exercise_of(cell)[0].split(".")[0]), f"{_exercise_of(cell)[0]} is in {name}"


@pytest.mark.parametrize("name,cell", EXERCISE_CELLS, ids=lambda v: v if isinstance(v, str) else "")
def test_the_stub_cell_says_not_attempted_and_the_filled_in_cell_passes(name, cell, capsys):
    import ast
    import inspect

    exercise, stub_name = _exercise_of(cell)
    namespace = {"np": np, "keras": keras, "exercises": exercises}
    exec(cell.source, dict(namespace))  # the cell as the notebook holds it
    assert exercises.NOT_ATTEMPTED in capsys.readouterr().out
    # Filled in: the stub's def replaced by the reference solution under the stub's name.
    tree = ast.parse(cell.source)
    stub = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == stub_name)
    lines = cell.source.splitlines()
    reference = exercises.EXERCISES[exercise].reference
    solution_code = inspect.getsource(reference).replace(f"def {reference.__name__}(", f"def {stub_name}(", 1)
    filled = "\n".join(lines[:stub.lineno - 1] + [solution_code] + lines[stub.end_lineno:])
    exec(filled, {**vars(exercises), **namespace})
    out = capsys.readouterr().out
    assert f"{exercise}: passed, every test." in out, out


# --------------------------------------------------------------------------- from a critical read: more mistakes, and right answers in other shapes


def test_right_answers_in_other_shapes_pass(capsys):
    def iou_with_epsilon(a, b):
        a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
        w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
        h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
        union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - w * h
        return w * h / (union + 1e-6)  # float32 and an epsilon, as many courses write it
    assert exercises.check("04.iou", iou_with_epsilon), capsys.readouterr().out

    def dict_heads():
        inputs = keras.Input((75, 75, 1))
        x = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(keras.layers.AveragePooling2D(5)(inputs)))
        return keras.Model(inputs, {"classification": keras.layers.Dense(10, activation="softmax", name="classification")(x),
                                    "bounding_box": keras.layers.Dense(4, name="bounding_box")(x)})
    assert exercises.check("04.two_heads", dict_heads), capsys.readouterr().out

    def paste_with_channel(digit, xmin, ymin, canvas=75):
        image, box = exercises.solution_paste(digit, xmin, ymin, canvas)
        return image[..., None], list(box)  # (canvas, canvas, 1), as tf.image.pad_to_bounding_box gives it
    assert exercises.check("04.paste", paste_with_channel), capsys.readouterr().out


def test_a_constant_answer_is_an_attempt_not_a_stub(capsys):
    def constant(a, b):
        """Always half."""
        return 0.5
    assert exercises.check("04.iou", constant) is False
    assert exercises.NOT_ATTEMPTED not in capsys.readouterr().out


def test_odd_answers_are_reported_never_raised(capsys):
    class Subclassed(keras.Model):
        def call(self, x):
            return x
    assert exercises.check("04.two_heads", Subclassed) is False
    assert "functional API" in capsys.readouterr().out
    assert exercises.check("04.two_heads", exercises.solution_two_heads()) is False  # the model, not the function
    assert "not a function" in capsys.readouterr().out
    _fails_with(capsys, "04.iou", lambda a, b: None if a is None else print(end=""), "does not `return`")
    for exercise, odd in (("04.giou", lambda a, b: {"iou": 1}), ("05.yxyx_to_xyxy", lambda b: "boxes"),
                          ("04.paste", lambda d, x, y, canvas=75: (np.zeros((75, 75)), {"xmin": x}))):
        assert exercises.check(exercise, odd) is False


def test_iou_that_clips_the_product_not_each_side_fails(capsys):
    def clip_product(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        w = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
        h = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
        overlap = np.maximum(w * h, 0)
        union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - overlap
        return np.where(union > 0, overlap / np.where(union > 0, union, 1), 0)
    _fails_with(capsys, "04.iou", clip_product, "not the product")


def test_iou_over_the_second_boxs_area_fails(capsys):
    def over_b(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
        h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
        area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        return np.where(area_b > 0, w * h / np.where(area_b > 0, area_b, 1), 0)
    _fails_with(capsys, "04.iou", over_b, "not by one box's area")


def test_two_heads_with_the_box_on_the_class_probabilities_fails(capsys):
    def chained():
        inputs = keras.Input((75, 75, 1))
        x = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(keras.layers.AveragePooling2D(5)(inputs)))
        classes = keras.layers.Dense(10, activation="softmax", name="classification")(x)
        return keras.Model(inputs, [classes, keras.layers.Dense(4, name="bounding_box")(classes)])
    _fails_with(capsys, "04.two_heads", chained, "10 probabilities hold no position")


def test_two_heads_with_a_softmax_box_fails(capsys):
    def softmax_box():
        inputs = keras.Input((75, 75, 1))
        x = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(keras.layers.AveragePooling2D(5)(inputs)))
        return keras.Model(inputs, [keras.layers.Dense(10, activation="softmax", name="classification")(x),
                                    keras.layers.Dense(4, activation="softmax", name="bounding_box")(x)])
    _fails_with(capsys, "04.two_heads", softmax_box, "not softmax")


def test_unfreeze_top_from_k_minus_one_fails(capsys):
    def from_k_minus_one(base, k):
        base.trainable = True
        for i, layer in enumerate(base.layers):
            layer.trainable = i >= k - 1 and not isinstance(layer, keras.layers.BatchNormalization)
    _fails_with(capsys, "02.unfreeze_top", from_k_minus_one, "index k itself trains")


def test_paste_that_ignores_the_canvas_argument_fails(capsys):
    def always_75(digit, xmin, ymin, canvas=75):
        return exercises.solution_paste(digit, xmin, ymin, 75)
    _fails_with(capsys, "04.paste", always_75, "use the canvas argument, not 75")


def test_upsample_that_ignores_the_factor_fails(capsys):
    _fails_with(capsys, "03.upsample", _upsample(), "use the factor argument")


def test_upsample_by_blending_fails_with_nearest_named(capsys):
    def bilinear(factor=7):
        inputs = keras.Input((32, 32, 3))
        x = keras.layers.UpSampling2D(size=(factor, factor), interpolation="bilinear")(inputs)
        return keras.Model(inputs, keras.layers.Lambda(keras.applications.resnet50.preprocess_input)(x))
    _fails_with(capsys, "03.upsample", bilinear, "each pixel repeated in a 7x7 block")


@pytest.mark.parametrize("exercise,name", [("04.iou", "iou_numpy"), ("04.giou", "giou_numpy")])
def test_the_notebooks_own_worked_version_passes_its_exercise(exercise, name, capsys):
    # 04 shows its own short version right after each exercise: a learner who copies it must pass.
    notebook = nbformat.read(ROOT / "notebooks" / "04_object_localization.ipynb", as_version=4)
    source = next(c.source for c in notebook.cells if c.cell_type == "code" and c.source.startswith(f"def {name}("))
    namespace = {"np": np}
    exec(source.split("\n\n\n")[0], namespace)  # the def only, not the cell's checks below it
    assert exercises.check(exercise, namespace[name]), capsys.readouterr().out
