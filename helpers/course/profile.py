"""Run profiles: how big each notebook's run is.

A profile is one of:

- ``smoke``: what CI runs. Tiny samples, 1 to 3 short epochs; every notebook
  finishes in about a minute on 2 CPU cores. The numbers only show that the
  code runs end to end.
- ``cpu``: a laptop. Minutes per notebook, real data when it is reachable.
- ``full``: the course's exact lab settings, meant for a GPU.
- ``auto``: ``full`` when TensorFlow sees a GPU, else ``cpu``.

Pick one with the environment variable ``ACV_PROFILE`` or the ``PROFILE``
parameter at the top of a notebook. ``settings(notebook)`` returns the values
that notebook uses under the active profile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import rehearsal

PROFILES = ("smoke", "cpu", "full")
# Reference runs (make reference) measure more than a learner's cpu run can afford: with
# ACV_REFERENCE=1, the cpu profile takes the values in REFERENCE below, and the run's record
# says so. What a notebook quotes as "the reference run" was run this way.
REFERENCE_VAR = "ACV_REFERENCE"
CHOICES = PROFILES + ("auto",)
ENV_VAR = "ACV_PROFILE"

# Values shared by every notebook under a profile. `deterministic` turns on
# TensorFlow's op determinism so that two smoke runs give identical metrics.
COMMON = {
    "smoke": {"seed": 42, "deterministic": True},
    "cpu": {"seed": 42, "deterministic": False},
    "full": {"seed": 42, "deterministic": False},
}

# One entry per notebook: profile -> values. `full` holds the course's lab
# settings (see the table at the top of each notebook); do not shrink it.
# `cpu` is what make run uses: its sizes and epochs were cut so that make run fits
# 25 minutes on 2 cores, each cut checked on real data (README, "How long make run takes").
NOTEBOOKS: dict[str, dict[str, dict[str, Any]]] = {
    "00_setup_check": {"smoke": {}, "cpu": {}, "full": {}},
    # Course lab 1: InceptionV3 at 150x150 cut at mixed7, frozen; PetImages
    # split 90/10; RMSprop 1e-4, batch 100, 2 epochs, augmentation.
    "01_feature_extraction": {
        "smoke": {"variant": "filtered", "n_train": 320, "n_val": 64, "image_size": 75,
                  "batch_size": 16, "epochs": 2, "learning_rate": 1e-4},
        "cpu": {"variant": "filtered", "n_train": 1000, "n_val": 500, "image_size": 150,
                "batch_size": 32, "epochs": 2, "learning_rate": 1e-4},
        "full": {"variant": "petimages", "n_train": None, "n_val": None, "image_size": 150,
                 "batch_size": 100, "epochs": 2, "learning_rate": 1e-4},
    },
    # TensorFlow's fine-tuning tutorial: MobileNetV2 at 160x160 on the filtered
    # cats and dogs, 10 epochs frozen at 1e-4, then 10 more from layer 100 at 1e-5.
    "02_fine_tuning": {
        "smoke": {"variant": "filtered", "n_train": 320, "n_val": 160, "image_size": 96, "batch_size": 32,
                  "frozen_epochs": 2, "fine_tune_epochs": 1, "learning_rate": 1e-3, "fine_tune_at": 100},
        "cpu": {"variant": "filtered", "n_train": 1000, "n_val": 500, "image_size": 96, "batch_size": 32,
                "frozen_epochs": 3, "fine_tune_epochs": 3, "learning_rate": 1e-4, "fine_tune_at": 100},
        "full": {"variant": "filtered", "n_train": None, "n_val": None, "image_size": 160, "batch_size": 32,
                 "frozen_epochs": 10, "fine_tune_epochs": 10, "learning_rate": 1e-4, "fine_tune_at": 100},
    },
    # Course lab 2: CIFAR-10 upsampled 7x to 224x224 into ResNet50 (ImageNet),
    # everything trainable, SGD 0.01, batch 64, 4 epochs. `res_*` size the
    # resolution/cost table (time per step only), `probe_*` the linear probe per factor on frozen
    # ResNet50 cut at conv4_block6_out; `probe_cs`: the values of C it chooses from per arm by 3-fold
    # cross-validation on its training images (a stand-in's random features get the first: they
    # measure nothing, and choosing for them would only cost minutes).
    "03_cifar10_resnet50_upsampling": {
        "smoke": {"n_train": 192, "n_test": 128, "factor": 1, "batch_size": 32, "epochs": 1,
                  "learning_rate": 0.01, "res_factors": (1, 2), "res_n_train": 64,
                  "res_batch_size": 16, "res_epochs": 1,
                  "probe_factors": (1, 2), "probe_n_train": 300, "probe_n_test": 200, "probe_cs": (0.01, 0.1)},
        "cpu": {"n_train": 2000, "n_test": 500, "factor": 2, "batch_size": 32, "epochs": 2,
                "learning_rate": 0.01, "res_factors": (1, 2, 4, 7), "res_n_train": 160,
                "res_batch_size": 16, "res_epochs": 1,
                "probe_factors": (1, 2, 4), "probe_n_train": 1000, "probe_n_test": 500,
                "probe_cs": (1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)},
        "full": {"n_train": 50000, "n_test": 10000, "factor": 7, "batch_size": 64, "epochs": 4,
                 "learning_rate": 0.01, "res_factors": (1, 2, 3, 4, 7), "res_n_train": 10000,
                 "res_batch_size": 64, "res_epochs": 1,
                 "probe_factors": (1, 2, 3, 4, 7), "probe_n_train": 10000, "probe_n_test": 2000,
                 "probe_cs": (1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)},
    },
    # Course assignment: MobileNetV2 at 224x224 on Caltech birds, SGD momentum
    # 0.9, MSE, 50 epochs; scored on the first 500 test images at IoU >= 0.5.
    # `head_*`: our model, a head trained with Adam on the frozen base's cached features.
    "05_bird_boxes": {
        "smoke": {"n_train": 256, "n_test": 128, "image_size": 96, "batch_size": 32, "epochs": 2,
                  "learning_rate": 0.01, "n_eval": 128, "head_epochs": 20, "head_learning_rate": 1e-3},
        # cpu's 750: all that CUB-200-2011's classes 1-25 hold for training (our reference data),
        # so that the stand-in trains on no more images than the real run
        "cpu": {"n_train": 750, "n_test": 500, "image_size": 128, "batch_size": 32, "epochs": 6,
                "learning_rate": 0.01, "n_eval": 500, "head_epochs": 30, "head_learning_rate": 1e-3},
        "full": {"n_train": None, "n_test": None, "image_size": 224, "batch_size": 64, "epochs": 50,
                 "learning_rate": 0.01, "n_eval": 500, "head_epochs": 30, "head_learning_rate": 1e-3},
    },
    # Course lab 3: MNIST digits on a 75x75 canvas, Adam, CE + MSE, 10 epochs
    # of 60000/64 steps. `comparison_*` size the loss comparison; `mse_weights`: the MSE box
    # weights it chooses from on the validation split; `scaled_sizes`: its scaled-digit canvas;
    # `fresh_positions`: the main models draw a new place per digit every epoch, as the course's
    # tf.data pipeline does (full), or keep one (smoke, cpu: simpler to show and to score).
    "04_object_localization": {
        "smoke": {"n_train": 2000, "n_test": 300, "epochs": 3, "batch_size": 64,
                  "comparison_n_train": 2000, "comparison_epochs": 1, "mse_weights": (10.0,), "scaled_sizes": (14, 56),
                  "fresh_positions": False},
        "cpu": {"n_train": 60000, "n_test": 10000, "epochs": 3, "batch_size": 64,
                "comparison_n_train": 3000, "comparison_epochs": 2, "mse_weights": (1.0, 10.0, 100.0),
                "scaled_sizes": (14, 56), "fresh_positions": False},
        "full": {"n_train": 60000, "n_test": 10000, "epochs": 10, "batch_size": 64,
                 "comparison_n_train": 60000, "comparison_epochs": 10, "mse_weights": (1.0, 10.0, 100.0),
                 "scaled_sizes": (14, 56), "fresh_positions": True},
    },
    # Yosinski et al. (2014) at CIFAR-10 scale: tasks A and B are fixed halves of the classes
    # (helpers.transfer.SPLIT_CLASSES); `ns`: how many layers are copied; `little_data`: training
    # images per class of B for the little-data arm.
    # The training rule, written down before any test score of this design was read: every network
    # (baseA, baseB, each treatment, each little-data arm) trains until its accuracy on
    # `n_val_per_class` validation images per class (carved from the training images, never the test
    # images) has not improved for `patience` epochs, at most `max_epochs`, and keeps its best epoch.
    # An epoch is always n_per_class images per class (a smaller set is repeated), so the rule means
    # the same at every data size. The same rule for every arm: "more training" cannot pass for
    # "transfer". Sizes (cpu) were set by time alone: 250 + 50 per class, 3 seeds, the two ends of
    # the depth curve (n = 1 and 4), the mixed split only and the little-data arm at the experiment's
    # own size only (it reuses the experiment's own networks, so it costs nothing). Each was cut by
    # time (2026-12-03: 06 alone took 1,441 s of a 56-minute make run, 228 s of it in the little-data
    # arm's 20 per class); no claim is checked on the little-data arm. Tried and withdrawn on
    # 2026-12-03: 125 per class (894 s instead of 1,441) left seed 2's baseB stopped at 0.483 against
    # 0.607 and 0.651, so that AnB+ minus baseB spread from -0.088 to +0.168 over the 3 seeds (a 95 %
    # interval of -0.29 to +0.35): too few images for early stopping to mean the same for every arm.
    # The reference run (REFERENCE below) adds n = 2, 3, two seeds, the man-made vs natural split and
    # 20 and 60 per class.
    "06_transferability": {
        "smoke": {"splits": ("mixed",), "seeds": (0,), "ns": (1, 4), "n_per_class": 100, "n_val_per_class": 20,
                  "max_epochs": 2, "patience": 1, "batch_size": 64, "learning_rate": 1e-3,
                  "little_data": (20, 100), "little_n": 4},
        "cpu": {"splits": ("mixed",), "seeds": (0, 1, 2), "ns": (1, 4),
                "n_per_class": 250, "n_val_per_class": 50, "max_epochs": 20, "patience": 3,
                "batch_size": 64, "learning_rate": 1e-3, "little_data": (250,), "little_n": 4},
        "full": {"splits": ("mixed", "man-made vs natural"), "seeds": (0, 1, 2, 3, 4), "ns": (1, 2, 3, 4),
                 "n_per_class": 4500, "n_val_per_class": 500, "max_epochs": 60, "patience": 5,
                 "batch_size": 64, "learning_rate": 1e-3, "little_data": (20, 100, 500, 4500), "little_n": 4},
    },
    # What InceptionV3's layers learned (beyond the course's labs, which cut it at mixed7 at 150 px):
    # `pets_*` cats vs dogs (filtered: the held-out images are its validation split), `birds_*` CUB
    # species; `patch_n_images` the images searched for each unit's strongest patches, `field_input`
    # the input size its receptive fields are measured at; `probe_cs`: the values of C each linear
    # probe chooses from by 3-fold cross-validation on its training images.
    "08_what_layers_learned": {
        "smoke": {"image_size": 75, "batch_size": 32, "pets_n_train": 96, "pets_n_test": 64, "birds_n_train": 96,
                  "birds_n_test": 64, "patch_n_images": 64, "units_per_depth": 3, "patches_per_unit": 5,
                  "field_input": 300, "probe_cs": (0.01,),
                  "down_size": 32, "down_source_epochs": 1, "down_epochs": 2, "down_seeds": (0, 1),
                  "down_classes": (4, 7), "down_n_per_class": 20, "down_n_val_per_class": 10, "down_target": 0.7},
        # cpu's 750 birds: all that CUB-200-2011's classes 1-25 hold for training (as in 05). The grid of C
        # reaches 1.0: a first run on the data folder with (1e-3, 1e-2, 0.1) chose 0.1, its end, for 11 of 18
        # probes (cross-validation on the training images; nothing else was changed after that run).
        "cpu": {"image_size": 150, "batch_size": 32, "pets_n_train": 1000, "pets_n_test": 500, "birds_n_train": 750,
                "birds_n_test": 500, "patch_n_images": 500, "units_per_depth": 4, "patches_per_unit": 6,
                "field_input": 600, "probe_cs": (1e-3, 1e-2, 0.1, 1.0),
                # Downstreaming (written before its first run): our small network at 64 px, trained on the
                # cats and dogs above, then CIFAR-10's deer (4) and horses (7), 100 + 100 validation per class,
                # five seeds; 0.70 is the validation accuracy whose first epoch is "the time to reach it".
                "down_size": 64, "down_source_epochs": 10, "down_epochs": 12, "down_seeds": (0, 1, 2, 3, 4),
                "down_classes": (4, 7), "down_n_per_class": 100, "down_n_val_per_class": 100, "down_target": 0.7},
        "full": {"image_size": 150, "batch_size": 64, "pets_n_train": None, "pets_n_test": None, "birds_n_train": None,
                 "birds_n_test": None, "patch_n_images": 1000, "units_per_depth": 4, "patches_per_unit": 6,
                 "field_input": 600, "probe_cs": (1e-3, 1e-2, 0.1, 1.0),
                 # the whole data sets at the course's 150 px (CIFAR-10 upsampled), ten seeds
                 "down_size": 150, "down_source_epochs": 15, "down_epochs": 30, "down_seeds": tuple(range(10)),
                 "down_classes": (4, 7), "down_n_per_class": None, "down_n_val_per_class": 500, "down_target": 0.7},
    },
    # Zheng et al.'s simulation (DIoU paper): n_points anchor centres x 343 regression cases each,
    # `iterations` steps of gradient descent with the paper's step rule; full is the paper's 1,715,000 x 200.
    "07_iou_losses_at_scale": {
        "smoke": {"n_points": 40, "iterations": 100},
        "cpu": {"n_points": 1000, "iterations": 200},
        "full": {"n_points": 5000, "iterations": 200},
    },
}


def gpu_available() -> bool:
    """True when TensorFlow sees at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def resolve(profile: str | None = None) -> str:
    """Turn a requested profile into one of ``smoke``, ``cpu``, ``full``.

    ``None`` means: use ``$ACV_PROFILE``, else ``auto``.
    """
    requested = profile if profile is not None else os.environ.get(ENV_VAR, "auto")
    requested = str(requested).strip().lower()
    if requested not in CHOICES:
        raise ValueError(
            f"unknown profile {requested!r} (from "
            f"{'the PROFILE parameter' if profile is not None else '$' + ENV_VAR}); "
            f"expected one of: {', '.join(CHOICES)}"
        )
    if requested == "auto":
        return "full" if gpu_available() else "cpu"
    return requested


@dataclass(frozen=True)
class Settings:
    """The values one notebook uses under one profile.

    Read them as attributes: ``cfg.epochs``, ``cfg.batch_size``.
    """

    notebook: str
    profile: str
    values: Mapping[str, Any] = field(default_factory=dict)
    rehearsal: bool = False  # each data size cut to one batch, first seed only (helpers.course.rehearsal)
    reference: bool = False  # cpu with REFERENCE's values (make reference)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for the profile values.
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        raise AttributeError(
            f"{self.notebook!r} has no setting {name!r} in profile "
            f"{self.profile!r}; it has: {', '.join(sorted(values))}"
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)

    def table(self) -> str:
        """Every setting under all three profiles side by side, this run's column marked.

        Generated from ``NOTEBOOKS``, so what a notebook prints cannot drift from
        what it runs.
        """
        columns = {name: {**COMMON[name], **NOTEBOOKS[self.notebook][name]} for name in PROFILES}
        keys = list(dict.fromkeys(k for values in columns.values() for k in values))
        cells = [["setting"] + [f"{n} (this run)" if n == self.profile else n for n in PROFILES]]
        cells += [[k] + [repr(columns[n].get(k, "-")) for n in PROFILES] for k in keys]
        widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
        lines = [f"settings of {self.notebook}, from helpers/course/profile.py (full: the course's)"]
        if self.reference:
            lines.append(f"REFERENCE RUN: cpu with {REFERENCE.get(self.notebook, {})} (${REFERENCE_VAR}=1)")
        if self.rehearsal:
            cut = {k: v for k, v in self.values.items() if v != columns[self.profile].get(k)}
            lines.append(f"REHEARSAL of {self.profile}: data sizes cut to {cut}; every fit runs one epoch")
        lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines)


# cpu values that a reference run replaces (ACV_REFERENCE=1), per notebook.
REFERENCE: dict[str, dict[str, Any]] = {
    # The learner's cpu run was cut by time on 2026-12-03 (tools/README.md, "How long make run
    # takes"); the reference runs keep the sizes they were run at, so that `make reference`
    # reproduces them. The resolution table at every factor the course's x7 passes through
    # (the learner's: 1, 2, 4, 7).
    "03_cifar10_resnet50_upsampling": {"res_factors": (1, 2, 3, 4, 7)},
    # the loss comparison on 6,000 digits per canvas (the learner's: 3,000)
    "04_object_localization": {"comparison_n_train": 6000},
    # 5 seeds (the learner's: 3), every depth n (the learner's: 1 and 4), both splits (the
    # learner's: mixed) and three little-data sizes (the learner's: the experiment's own).
    "06_transferability": {"seeds": (0, 1, 2, 3, 4), "ns": (1, 2, 3, 4), "splits": ("mixed", "man-made vs natural"),
                           "little_data": (20, 60, 250)},
}


def reference_active() -> bool:
    """True when $ACV_REFERENCE asks for a reference run; names the bad value otherwise."""
    text = os.environ.get(REFERENCE_VAR, "").strip()
    if text not in ("", "0", "1"):
        raise ValueError(f"${REFERENCE_VAR} must be 1 (a reference run) or 0 / unset (not); got {text!r}")
    return text == "1"


def settings(notebook: str, profile: str | None = None) -> Settings:
    """The settings ``notebook`` runs with under ``profile`` (see ``resolve``)."""
    if notebook not in NOTEBOOKS:
        raise ValueError(
            f"unknown notebook {notebook!r}; expected one of: {', '.join(sorted(NOTEBOOKS))}"
        )
    name = resolve(profile)
    values = {**COMMON[name], **NOTEBOOKS[notebook][name]}
    reference = name == "cpu" and reference_active()
    if reference:
        values.update(REFERENCE.get(notebook, {}))
    if rehearsal.active():
        values = rehearsal.capped(values)
    return Settings(notebook=notebook, profile=name, values=MappingProxyType(values), rehearsal=rehearsal.active(),
                    reference=reference)
