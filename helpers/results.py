"""Headline numbers: this run beside our reference run, the course and the baseline.

Three places show a notebook's headline and must agree: the notebook's last
printout (``conclusion``), the reader (``make run``) and the README's results
table. All three read ``HEADLINES`` below and the recorded runs:

- this run:          ``build/metrics/<notebook>.json`` (``report.record``);
- our reference run: ``reference/<profile>/<notebook>.json``, a run of the
  notebook on real data and weights kept in the repository
  (``make reference DATA=...`` writes them, then rewrites the README's table).

    python -m helpers.results --readme   # rewrite the README's results table from reference/cpu
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import report
from .sources import ROOT

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


# ----------------------------------------------------------------------------
# the README's results table, generated from the reference runs

README = ROOT / "README.md"
START, END = "<!-- results: generated by python -m helpers.results --readme -->", "<!-- results: end -->"


def _f(value, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def _row_01(n):
    return (f"01 feature extraction (InceptionV3 cut at `mixed7`, {n['image_size']} px, {n['n_train']:,} / "
            f"{n['n_val']:,} images, {n['epochs']} epochs)",
            f"validation accuracy {_f(n['val_accuracy'])} (head on cached features {_f(n['cached_val_accuracy'])}); "
            f"an epoch on cached features {n['cache_speedup']:.1f}x faster (pooled head "
            f"{n['cache_speedup_pooled_head']:.0f}x)",
            "chance 0.5", "about 0.97 (PetImages, 2 epochs)")


def _row_02(n):
    c = n["comparison"]
    return (f"02 fine-tuning (MobileNetV2, {n['image_size']} px, {n['n_train']:,} / {n['n_val']:,} images, "
            f"{n['epochs_each']} epochs each)",
            f"feature extraction {_f(c['feature_extraction']['val_accuracy'])}, fine-tuning "
            f"{_f(c['fine_tuning']['val_accuracy'])} validation accuracy",
            f"from scratch {_f(c['scratch']['val_accuracy'])}", "(TensorFlow's tutorial, 160 px, 20 epochs)")


def _row_03(n):
    probe = n["linear_probe"]
    methods = [m for m in ("nearest", "bilinear", "zero-pad") if m in probe]
    factors = sorted({int(k[1:]) for m in methods for k in probe[m]})
    parts = [f"{m} " + ", ".join(f"x{f} {_f(probe[m][f'x{f}']['accuracy'], 2)}" for f in factors[1:]
                                 if f"x{f}" in probe[m]) for m in methods]
    return (f"03 linear probe on frozen ResNet50 cut at conv4_block6_out ({n['probe_n_train']:,} / "
            f"{n['probe_n_test']:,} images)",
            f"accuracy x{factors[0]} (32 px) {_f(probe['nearest'][f'x{factors[0]}']['accuracy'], 2)}; " + "; ".join(parts),
            "chance 0.1", "not comparable: ResNet50 at x7, every layer trained 4 epochs, 0.951")


def _row_05(n):
    o, k, a = n["ours"], n["constant_box"], n["course_recipe_ablation"]
    names = {"nothing": "as it is", "batchnorm": "BatchNormalization frozen", "base": "whole base frozen"}
    arms = ", ".join(f"{names[arm]} " + ("diverged" if a[arm].get("diverged") else f"{a[arm]['good_boxes']}")
                     for arm in names if arm in a)
    return (f"05 bird boxes (CUB-200-2011 classes 1-25, {n['n_train']:,} train, first {o['n_eval']} test, "
            f"{n['image_size']} px)",
            f"ours: IoU >= 0.5 for {o['good_boxes']} of {o['n_eval']}, mean IoU {_f(o['mean_iou'])}; "
            f"the course's recipe, {n['epochs']} epochs ({arms} of {o['n_eval']})",
            f"constant box: {k['good_boxes']} of {k['n_eval']}, mean IoU {_f(k['mean_iou'])}",
            "280 of 500 (Caltech birds 2010, 224 px, 50 epochs)")


def _interval(record: dict) -> str:
    """"+0.034 (+0.012 to +0.056)" from a recorded helpers.stats interval."""
    if record.get("low") is None:
        return f"{record['mean']:+.3f} (one seed)"
    return f"{record['mean']:+.3f} ({record['low']:+.3f} to {record['high']:+.3f})"


def _row_06(n):
    f = n["findings"]
    m = f["mixed"]
    parts = [f"AnB+ - BnB+ {_interval(m['anb_plus_minus_bnb_plus'])}",
             f"AnB+ - baseB {_interval(m['anb_plus_minus_base'])}, BnB+ - baseB {_interval(m['bnb_plus_minus_base'])} "
             "(means over n)",
             f"frozen AnB at n = 1 minus at n = 4 {_interval(m['anb_depth_loss'])}"]
    if n.get("dissimilar_extra_loss"):
        parts.append(f"vehicles vs animals lose {_interval(n['dissimilar_extra_loss'])} more at n = 4")
    return (f"06 transferability (mixed split, {n['n_per_class']} + {n['n_val_per_class']} images per class, early "
            f"stopping, {len(n['seeds'])} seeds; 95 % t-intervals over seeds)", "; ".join(parts),
            f"baseB {_f(n['curves']['mixed']['baseB']['mean'], 2)}",
            "(the paper, ImageNet: AnB+ +0.015 to +0.02 over baseB, BnB+ at baseB; AnB -0.025 to -0.08 at n = 4-7)")


def _row_07(n):
    errors = n["final_error_per_case"]
    order = ", ".join(f"{name.upper() if name != 'mse' else 'MSE'} {value:.4f}" for name, value in
                      sorted(errors.items(), key=lambda item: item[1]))
    return (f"07 IoU losses at scale (Zheng et al.'s simulation, {n['n_cases']:,} cases, {n['iterations']} iterations)",
            f"mean l1 error per case after the descent: {order}", f"IoU loss {errors['iou']:.2f}",
            "(the paper: CIoU <= DIoU < GIoU < IoU; DIoU, CIoU fastest)")


ROWS = {"01_feature_extraction": _row_01, "02_fine_tuning": _row_02, "03_cifar10_resnet50_upsampling": _row_03,
        "05_bird_boxes": _row_05, "06_transferability": _row_06, "07_iou_losses_at_scale": _row_07}


def readme_table(profile: str = "cpu") -> str:
    """The README's results table (markdown) from ``reference/<profile>``; real-data runs only."""
    lines = ["| notebook | measured here | baseline | the course |", "|---|---|---|---|"]
    for notebook, row in ROWS.items():
        record = reference(notebook, profile)
        if record is None or stand_ins(record):
            continue
        lines.append("| " + " | ".join(row(record["numbers"])) + " |")
    return "\n".join(lines)


def rewrite_readme(profile: str = "cpu", path: Path = README) -> bool:
    """Replace the table between the markers in the README; returns whether it changed."""
    text = path.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{path} has no results markers; put {START!r} and {END!r} where the table goes")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{readme_table(profile)}\n{END}{tail}"
    path.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="rewrite the README's results table")
    parser.add_argument("--profile", default="cpu")
    args = parser.parse_args(argv)
    if args.readme:
        changed = rewrite_readme(args.profile)
        print(f"README.md results table {'rewritten' if changed else 'already up to date'} from "
              f"{REFERENCE_DIR / args.profile}")
    else:
        print(readme_table(args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
