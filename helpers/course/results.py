"""Headline numbers: this run beside our reference run, the course and the baseline.

Three places show a notebook's headline and must agree: the notebook's last
printout (``conclusion``), the reader (``make run``) and the README's results
table. All three read ``HEADLINES`` below and the recorded runs:

- this run:          ``build/metrics/<notebook>.json`` (``report.record``);
- our reference run: ``reference/<profile>/<notebook>.json``, a run of the
  notebook on real data and weights kept in the repository
  (``make reference DATA=...`` writes them, then ``tools/readme_results.py``
  rewrites the README's table).
"""

from __future__ import annotations

import json

from ..sources import ROOT
from . import report

REFERENCE_DIR = ROOT / "reference"
REFERENCE_LABEL = "our reference run ({profile}, 2 CPU cores, {data})"

# notebook -> (what the headline measures, its key in the record, the course's
# result, the baseline's name, the baseline's key in the record or a fixed value)
HEADLINES = {
    "01_feature_extraction": ("validation accuracy, frozen InceptionV3 + head", "val_accuracy",
                              "about 0.97 (PetImages, 2 epochs)", "chance", 0.5),
    "02_fine_tuning": ("validation accuracy after fine-tuning MobileNetV2", "val_accuracy",
                       "(TensorFlow's tutorial, no course lab)", "from scratch", "comparison.scratch.val_accuracy"),
    "03_cifar10_resnet50_upsampling": ("linear-probe accuracy on frozen ResNet50 cut at conv4_block6_out, "
                                       "UpSampling2D at the largest factor",
                                       "linear_probe_largest", "not comparable: ResNet50 at x7, every layer trained 4 epochs, 0.951",
                                       "the same probe at x1 (32 px)", "linear_probe_x1"),
    "04_object_localization": ("share of test digits with IoU >= 0.6", "share_iou_ge_0_6",
                               "0.61 (6,106 of 10,000)", "the course's model", "course_model.share_iou_ge_0_6"),
    "05_bird_boxes": ("share of test birds with IoU >= 0.5", "share_iou_ge_0_5",
                      "0.56 (280 of the first 500)", "constant box", "constant_box.share_iou_ge_0_5"),
    "06_transferability": ("AnB+ minus its control BnB+, mean over n (mixed split): what A's layers add over "
                           "the same copying and retraining without transfer",
                           "findings.mixed.anb_plus_minus_bnb_plus.mean",
                           "AnB+ +0.015 to +0.02 over baseB at every n, BnB+ at baseB's level (ImageNet)",
                           "no transfer", 0.0),
    "07_iou_losses_at_scale": ("mean l1 error per case after the descent, CIoU loss", "final_error_per_case.ciou",
                               "CIoU <= DIoU < GIoU < IoU in final error", "the IoU loss",
                               "final_error_per_case.iou"),
}


# whose result the "course" column holds, where it is not the course's own lab
COURSE_LABEL = {"06_transferability": "the paper (Yosinski et al.)", "07_iou_losses_at_scale": "the paper (Zheng et al.)"}


# the sources a headline depends on, where not all of a run's sources (03's headline is the
# probe on ResNet50 cut at stage 4; the whole ResNet50's weights may be random without touching it)
HEADLINE_SOURCES = {"03_cifar10_resnet50_upsampling": ("data", "weights:resnet50_to_conv4_probe")}


def stand_ins(record: dict) -> list[str]:
    """Names of the stand-in sources (data or weights) that ``record``'s headline depends on."""
    sources = record.get("sources", {})
    keys = HEADLINE_SOURCES.get(record["notebook"], tuple(sources))
    return [sources[k]["name"] for k in keys if k in sources and not sources[k]["real"]]


def data_kind(record: dict) -> str:
    """"real data", "stand-in <names>" or "no data needed": what a run's headline stood on."""
    fake = stand_ins(record)
    return "stand-in " + ", ".join(fake) if fake else "real data" if record.get("sources") else "no data needed"


def reference_label(record: dict) -> str:
    """"our reference run (cpu, 2 CPU cores, real data)" for a reference record."""
    return REFERENCE_LABEL.format(profile=record["profile"], data=data_kind(record))


def lookup(numbers: dict, key: str):
    """``numbers["a"]["b"]`` for ``key`` "a.b"; None when any part is missing."""
    value = numbers
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def reference(notebook: str, profile: str = "cpu") -> dict | None:
    """Our reference run of ``notebook`` under ``profile`` (the recorded JSON), or None."""
    path = REFERENCE_DIR / profile / f"{notebook}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def headline(record: dict) -> dict | None:
    """{"what", "ours", "course", "baseline_name", "baseline"} for one recorded run; None without a headline."""
    if record["notebook"] not in HEADLINES:
        return None
    what, key, course, base_name, base = HEADLINES[record["notebook"]]
    numbers = record.get("numbers", {})
    return {"what": what, "ours": lookup(numbers, key), "course": course, "baseline_name": base_name,
            "baseline": lookup(numbers, base) if isinstance(base, str) else base}


def _describe_run(record: dict) -> str:
    data = data_kind(record)
    if record.get("rehearsal"):
        return f"this run (a REHEARSAL of {record['profile']}, {data}: not a result)"
    return f"this run ({record['profile']}, {data})"


def conclusion(notebook: str | None = None, reference_profile: str = "cpu") -> str:
    """The notebook's headline: this run, our reference run, the course, the baseline. Printed and returned.

    Reads what this run recorded (call ``report.record`` first).
    """
    run = report.current()
    notebook = notebook or run.notebook
    record = report.read(notebook)
    if record is None:
        raise RuntimeError(f"{notebook} has recorded nothing yet: call report.record(...) before conclusion()")
    mine = headline(record)
    if mine is None:
        raise ValueError(f"no headline for {notebook}; notebooks with one: {', '.join(HEADLINES)}")
    ref = reference(notebook, reference_profile)
    ref_line = headline(ref)["ours"] if ref else None
    rows = [(_describe_run(record), mine["ours"]),
            (reference_label(ref) if ref else f"our reference run ({reference_profile})",
             ref_line if ref_line is not None else "(none recorded)"),
            (COURSE_LABEL.get(notebook, "the course"), mine["course"]),
            (f"baseline: {mine['baseline_name']}", mine["baseline"])]
    width = max(len(name) for name, _ in rows)
    lines = [mine["what"]] + [f"  {name:<{width}}  {report.format_value(value)}" for name, value in rows]
    text = "\n".join(lines)
    print(text)
    return text
