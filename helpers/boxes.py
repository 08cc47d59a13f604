"""Bounding-box formats and the IoU family (IoU, GIoU, DIoU, CIoU).

Every function takes boxes as arrays whose last axis holds 4 numbers, in one of
these formats (named as in ``keras.utils.bounding_boxes``):

    xyxy         [xmin, ymin, xmax, ymax]            pixels
    yxyx         [ymin, xmin, ymax, xmax]            pixels
    xywh         [xmin, ymin, width, height]         pixels
    center_xywh  [x_center, y_center, width, height] pixels
    rel_xyxy     xyxy divided by the image's width/height  (0..1)
    rel_yxyx     yxyx divided likewise (TensorFlow Datasets stores boxes so)
    rel_xywh     xywh divided likewise

One implementation serves NumPy and TensorFlow: called with NumPy arrays (or
lists) the maths runs in NumPy and returns NumPy; called with tensors it runs in
``keras.ops`` and stays differentiable, which is what the losses in
``helpers.losses`` use.

Edge cases: a box with zero area has IoU 0 with everything (never NaN); a
NumPy box holding NaN or an infinite number raises ``ValueError`` naming it; an
inverted box (xmax < xmin or ymax < ymin) counts as empty in the overlap and
area terms, while the enclosing box and centres use its corners as given, so
GIoU, DIoU and CIoU still pull it back towards the target. Use ``validate`` to
reject such boxes in data.
"""

from __future__ import annotations

import math

import numpy as np

FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "rel_xyxy", "rel_yxyx", "rel_xywh")
RELATIVE = {"rel_xyxy": "xyxy", "rel_yxyx": "yxyx", "rel_xywh": "xywh"}


# ----------------------------------------------------------------------------
# plumbing: which array library, and argument checks


def _is_tensor(x) -> bool:
    return not isinstance(x, (np.ndarray, np.generic, list, tuple, float, int))


def _namespace(*arrays):
    """NumPy for NumPy inputs, ``keras.ops`` as soon as one input is a tensor."""
    if any(_is_tensor(a) for a in arrays):
        import keras

        return keras.ops
    return np


def _as_float(boxes, xp):
    if xp is np:
        boxes = np.asarray(boxes)
        return boxes if boxes.dtype in (np.float32, np.float64) else boxes.astype(np.float64)
    import keras

    dtype = keras.backend.standardize_dtype(boxes.dtype) if hasattr(boxes, "dtype") else "float32"
    return xp.cast(boxes, dtype if "float" in dtype else keras.config.floatx())


def check_format(box_format: str) -> str:
    """Return ``box_format`` if it is known, else raise naming the valid ones."""
    if box_format not in FORMATS:
        raise ValueError(f"unknown box format {box_format!r}; expected one of: {', '.join(FORMATS)}")
    return box_format


def _check_last_axis(boxes, name: str = "boxes"):
    shape = tuple(boxes.shape)
    if not shape or shape[-1] != 4:
        raise ValueError(
            f"{name} must have shape (..., 4), one box per row of 4 numbers; got shape {shape}"
        )


def _check_broadcast(a, b) -> None:
    """Raise unless the leading shapes broadcast (unknown dims, as in a graph, pass)."""
    lead_a, lead_b = tuple(a.shape[:-1]), tuple(b.shape[:-1])
    for da, db in zip(reversed(lead_a), reversed(lead_b)):
        if da is not None and db is not None and da != db and 1 not in (da, db):
            raise ValueError(
                f"box arrays of shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast; "
                f"elementwise functions need matching leading shapes (use pairwise_iou for all pairs)"
            )


def _image_hw(image_shape, source: str, target: str) -> tuple[float, float]:
    if image_shape is None:
        raise ValueError(
            f"converting {source} to {target} needs image_shape=(height, width): relative "
            f"boxes are fractions of the image's size"
        )
    if len(image_shape) not in (2, 3) or min(image_shape[:2]) <= 0:
        raise ValueError(f"image_shape must be (height, width) or (height, width, channels) with positive sizes; got {image_shape!r}")
    return float(image_shape[0]), float(image_shape[1])


# ----------------------------------------------------------------------------
# format conversion


def _unstack(boxes):
    """(..., 4) -> four (...,) arrays."""
    if isinstance(boxes, np.ndarray):
        # One transposing copy makes each coordinate contiguous in memory, which
        # roughly halves the time of the elementwise maths on large arrays.
        return tuple(np.moveaxis(boxes, -1, 0).copy())
    return boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]


def _to_xyxy(boxes, fmt: str, xp):
    """Absolute-or-relative ``fmt`` -> xyxy in the same unit."""
    a, b, c, d = _unstack(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return xp.stack([b, a, d, c], axis=-1)
    if fmt == "xywh":
        return xp.stack([a, b, a + c, b + d], axis=-1)
    if fmt == "center_xywh":
        return xp.stack([a - c / 2, b - d / 2, a + c / 2, b + d / 2], axis=-1)
    raise AssertionError(fmt)


def _from_xyxy(boxes, fmt: str, xp):
    x1, y1, x2, y2 = _unstack(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return xp.stack([y1, x1, y2, x2], axis=-1)
    if fmt == "xywh":
        return xp.stack([x1, y1, x2 - x1, y2 - y1], axis=-1)
    if fmt == "center_xywh":
        return xp.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], axis=-1)
    raise AssertionError(fmt)


def convert(boxes, source: str, target: str, image_shape=None):
    """Convert ``boxes`` (..., 4) from format ``source`` to ``target``.

    Relative <-> absolute needs ``image_shape`` = (height, width[, channels]).
    Returns the same kind of array it was given (NumPy or tensor).
    """
    check_format(source)
    check_format(target)
    xp = _namespace(boxes)
    boxes = _as_float(boxes, xp)
    _check_last_axis(boxes)
    if source == target:
        return boxes
    src_rel, dst_rel = source in RELATIVE, target in RELATIVE
    xyxy = _to_xyxy(boxes, RELATIVE.get(source, source), xp)
    if src_rel != dst_rel:
        height, width = _image_hw(image_shape, source, target)
        scale = np.array([width, height, width, height], dtype=np.float64)
        if xp is not np:
            scale = xp.cast(scale, xyxy.dtype)
        xyxy = xyxy * scale if src_rel else xyxy / scale
    return _from_xyxy(xyxy, RELATIVE.get(target, target), xp)


def validate(boxes, box_format: str):
    """Raise ``ValueError`` naming the first bad box and why; else return the boxes.

    Bad: NaN or infinite numbers, inverted (max < min, or negative width or
    height), or outside 0..1 in a relative format.
    """
    check_format(box_format)
    array = np.asarray(boxes, dtype=np.float64)
    _check_last_axis(array)
    flat = array.reshape(-1, 4)
    xyxy = _to_xyxy(flat, RELATIVE.get(box_format, box_format), np)

    def first(bad):
        return int(np.flatnonzero(bad)[0])

    problems = [
        (np.isnan(flat).any(-1), "holds NaN"),
        (np.isinf(flat).any(-1), "holds an infinite number"),
        ((xyxy[:, 2] < xyxy[:, 0]) | (xyxy[:, 3] < xyxy[:, 1]), "is inverted (max < min, or negative width or height)"),
    ]
    if box_format in RELATIVE:
        problems.append((((flat < 0) | (flat > 1)).any(-1), "is outside 0..1, but the format is relative"))
    for bad, why in problems:
        if bad.any():
            i = first(bad)
            index = np.unravel_index(i, array.shape[:-1]) if array.ndim > 1 else ()
            raise ValueError(f"box {tuple(int(k) for k in index)} {flat[i].tolist()} in format {box_format} {why}")
    return boxes


# ----------------------------------------------------------------------------
# the IoU family, elementwise


def _check_finite(boxes, name: str) -> None:
    """NumPy boxes only: raise naming the first box with NaN or an infinite number.

    The IoU of such a box is undefined; scoring it as 0 would hide a model that
    diverged. (Tensors inside a Keras graph cannot raise; the losses see only
    what a model outputs.)
    """
    bad = ~np.isfinite(boxes).all(axis=-1)
    if bad.any():
        index = tuple(int(k) for k in np.argwhere(bad)[0])
        raise ValueError(f"{name}: box {index} {np.asarray(boxes)[index].tolist()} holds NaN or an infinite "
                         f"number; its IoU is undefined (did the model that predicted it diverge?)")


def _prepare(a, b, box_format: str):
    check_format(box_format)
    xp = _namespace(a, b)
    a, b = _as_float(a, xp), _as_float(b, xp)
    _check_last_axis(a, "boxes a")
    _check_last_axis(b, "boxes b")
    _check_broadcast(a, b)
    if xp is np:
        _check_finite(a, "boxes a")
        _check_finite(b, "boxes b")
    if box_format in RELATIVE:
        # Relative boxes: the maths is scale invariant, so units do not matter.
        box_format = RELATIVE[box_format]
    return _to_xyxy(a, box_format, xp), _to_xyxy(b, box_format, xp), xp


def _safe_divide(num, den, xp):
    """num / den, and 0 where den is 0 (gradients stay finite too)."""
    ok = den > 0
    if xp is np:
        return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape, np.result_type(num, den)), where=ok)
    return xp.where(ok, num / xp.where(ok, den, 1.0), 0.0)


def _overlap_terms(a, b, xp):
    """Intersection, union and IoU of xyxy boxes; shapes (...,)."""
    ax1, ay1, ax2, ay2 = _unstack(a)
    bx1, by1, bx2, by2 = _unstack(b)
    area_a = xp.maximum(ax2 - ax1, 0.0) * xp.maximum(ay2 - ay1, 0.0)
    area_b = xp.maximum(bx2 - bx1, 0.0) * xp.maximum(by2 - by1, 0.0)
    inter_w = xp.maximum(xp.minimum(ax2, bx2) - xp.maximum(ax1, bx1), 0.0)
    inter_h = xp.maximum(xp.minimum(ay2, by2) - xp.maximum(ay1, by1), 0.0)
    inter = inter_w * inter_h
    union = area_a + area_b - inter
    return inter, union, _safe_divide(inter, union, xp)


def _enclosing(a, b, xp):
    """Width and height of the smallest box enclosing both; shapes (...,)."""
    width = xp.maximum(a[..., 2], b[..., 2]) - xp.minimum(a[..., 0], b[..., 0])
    height = xp.maximum(a[..., 3], b[..., 3]) - xp.minimum(a[..., 1], b[..., 1])
    return width, height


def iou(a, b, box_format: str = "xyxy"):
    """Intersection over union of boxes ``a`` and ``b``, elementwise.

    a, b: (..., 4) in ``box_format``, broadcastable against each other.
    Returns (...,) in [0, 1]: 1 for the same box, 0 without overlap.
    """
    a, b, xp = _prepare(a, b, box_format)
    return _overlap_terms(a, b, xp)[2]


def giou(a, b, box_format: str = "xyxy"):
    """Generalized IoU (Rezatofighi et al., 2019): IoU - |C minus union| / |C|.

    C is the smallest box enclosing both. In (-1, 1]: unlike IoU it keeps
    falling as non-overlapping boxes move apart, so as a loss it has a gradient
    where IoU has none.
    """
    a, b, xp = _prepare(a, b, box_format)
    _, union, overlap = _overlap_terms(a, b, xp)
    width, height = _enclosing(a, b, xp)
    hull = width * height
    return overlap - _safe_divide(hull - union, hull, xp)


def _centre_term(a, b, xp):
    """rho^2 / c^2: squared centre distance over the enclosing box's squared diagonal."""
    dx = (a[..., 0] + a[..., 2] - b[..., 0] - b[..., 2]) / 2
    dy = (a[..., 1] + a[..., 3] - b[..., 1] - b[..., 3]) / 2
    width, height = _enclosing(a, b, xp)
    return _safe_divide(dx * dx + dy * dy, width * width + height * height, xp)


def diou(a, b, box_format: str = "xyxy"):
    """Distance IoU (Zheng et al., 2020): IoU - rho^2(centres) / c^2. In (-1, 1]."""
    a, b, xp = _prepare(a, b, box_format)
    return _overlap_terms(a, b, xp)[2] - _centre_term(a, b, xp)


def ciou(a, b, box_format: str = "xyxy"):
    """Complete IoU (Zheng et al., 2020): DIoU - alpha * v.

    v = 4/pi^2 (arctan(w_b/h_b) - arctan(w_a/h_a))^2 measures how different the
    aspect ratios are; alpha = v / ((1 - IoU) + v) weighs it.

    Gradients (tensor inputs): alpha is held constant, as in the paper, but v is
    differentiated exactly. The paper's implementation drops the factor
    1 / (w^2 + h^2) from dv/dw and dv/dh to avoid large steps for small boxes, so
    its aspect-ratio gradient differs from ours there; the box explorer's CIoU
    arrows show ours.
    """
    a, b, xp = _prepare(a, b, box_format)
    overlap = _overlap_terms(a, b, xp)[2]

    def aspect(box):  # arctan(w / h), defined for h = 0 too
        w = xp.maximum(box[..., 2] - box[..., 0], 0.0)
        h = xp.maximum(box[..., 3] - box[..., 1], 0.0)
        return xp.arctan2(w, xp.maximum(h, 1e-9))

    v = (4 / math.pi**2) * (aspect(b) - aspect(a)) ** 2
    alpha = _safe_divide(v, (1 - overlap) + v, xp)
    if xp is not np:
        alpha = xp.stop_gradient(alpha)
    return overlap - _centre_term(a, b, xp) - alpha * v


def sort_corners(boxes, box_format: str = "xyxy"):
    """Return the boxes as xyxy (same unit) with min and max corners in order.

    The GIoU paper (Rezatofighi et al., 2019, Algorithm 1) does this to a
    network's predicted boxes before scoring them, so that an inverted
    prediction is scored as the box it spans instead of as empty (which has
    no gradient). The losses in ``helpers.losses`` use it; metrics do not.
    """
    check_format(box_format)
    xp = _namespace(boxes)
    boxes = _as_float(boxes, xp)
    _check_last_axis(boxes)
    x1, y1, x2, y2 = _unstack(_to_xyxy(boxes, RELATIVE.get(box_format, box_format), xp))
    return xp.stack([xp.minimum(x1, x2), xp.minimum(y1, y2), xp.maximum(x1, x2), xp.maximum(y1, y2)], axis=-1)


def flip_left_right(boxes, box_format: str):
    """The boxes of the same images mirrored left to right, in the same format.

    Relative formats only (the image's width is 1): x becomes 1 - x, and the
    left and right edges swap. NumPy arrays (..., 4) in, NumPy out.
    """
    if box_format not in RELATIVE:
        raise ValueError(f"flip_left_right needs a relative format to know the image's width; got {box_format!r}, "
                         f"expected one of: {', '.join(RELATIVE)}")
    x1, y1, x2, y2 = _unstack(_to_xyxy(np.asarray(boxes, np.float64), RELATIVE[box_format], np))
    mirrored = np.stack([1.0 - x2, y1, 1.0 - x1, y2], axis=-1)
    return _from_xyxy(mirrored, RELATIVE[box_format], np).astype(np.asarray(boxes).dtype)


IOU_FUNCTIONS = {"iou": iou, "giou": giou, "diou": diou, "ciou": ciou}


def pairwise_iou(a, b, box_format: str = "xyxy"):
    """IoU of every box in ``a`` (N, 4) with every box in ``b`` (M, 4) -> (N, M)."""
    xp = _namespace(a, b)
    a, b = _as_float(a, xp), _as_float(b, xp)
    for name, boxes in (("boxes a", a), ("boxes b", b)):
        if len(boxes.shape) != 2:
            raise ValueError(f"pairwise_iou takes {name} of shape (N, 4); got {tuple(boxes.shape)}")
    # shape: (N, 1, 4) against (1, M, 4) -> (N, M)
    return iou(a[:, None, :], b[None, :, :], box_format)
