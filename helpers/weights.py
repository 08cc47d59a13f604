"""Pretrained Keras applications, offline-first.

``application(keras.applications.ResNet50, include_top=False, ...)`` returns
the model with ImageNet weights from the first place that has them, plus a
``Source`` that names the file used:

1. ``$ACV_DATA_DIR/models/<file>``: weight files a learner copied there;
2. Keras's cache, ``~/.keras/models/<file>`` (read directly, so it also works
   with ``$ACV_OFFLINE`` set);
3. Keras's download, which gives up quickly without a network;
4. otherwise the same architecture with random weights.

``<file>`` is the name Keras's own loader asks for (``weight_file_name``).
The notebooks print the source: transfer learning without pretrained weights
is just training from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .sources import DATA_DIR_VAR, Source, SourceUnavailable, data_dir, download_guard, keras_home, offline, reachable
from .training import set_batchnorm_momentum

WEIGHTS = ("auto", "imagenet", "random")
WEIGHTS_HOST = "storage.googleapis.com"
WEIGHTS_URL = f"https://{WEIGHTS_HOST}/tensorflow/keras-applications/"
# Keras's applications average their BatchNormalization statistics with momentum
# 0.99 or 0.999, made for long ImageNet runs. From random weights a model trains
# from scratch, and in a few epochs those moving statistics (which evaluation
# uses) would barely leave their initial values: training accuracy 0.99,
# validation 0.5, as notebook 02 measured. Random-weight builds get this instead.
SCRATCH_BN_MOMENTUM = 0.9
# MobileNetV2's ImageNet weights exist for these square input sizes; for any
# other size Keras loads the 224-px file (and warns).
MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)
LOCAL_WEIGHT_FOLDERS = f"${DATA_DIR_VAR}/models/ or ~/.keras/models/"
_STEMS = {"ResNet50": "resnet50", "InceptionV3": "inception_v3"}


def weight_file_name(constructor: Callable, include_top: bool = True, input_shape=None,
                     alpha: float = 1.0, **_) -> str | None:
    """The file name Keras's loader asks for, e.g. ``resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5``.

    Mirrors ``keras.applications`` for MobileNetV2, ResNet50 and InceptionV3
    (channels-last ``input_shape`` (H, W, 3)); None for other applications,
    which then skip the local folders and go straight to Keras's download.
    """
    name = constructor.__name__
    if name == "MobileNetV2":
        rows = 224
        if input_shape is not None and input_shape[0] == input_shape[1] and input_shape[0] in MOBILENET_V2_SIZES:
            rows = int(input_shape[0])
        top = "" if include_top else "_no_top"
        return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    if name in _STEMS:
        return f"{_STEMS[name]}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return None


def find_weight_file(file_name: str | None) -> tuple[Path, str] | None:
    """``(path, kind)`` of ``file_name`` in ``$ACV_DATA_DIR/models`` ("local") or the
    Keras cache ("keras cache"), whichever comes first; None when neither has it."""
    if file_name is None:
        return None
    folders = []
    if data_dir() is not None:
        folders.append((data_dir() / "models", "local"))
    folders.append((keras_home() / "models", "keras cache"))
    for folder, kind in folders:
        path = folder / file_name
        if path.is_file() and path.stat().st_size > 0:
            return path, kind
    return None


def find_local_weights(constructor: Callable, **kwargs) -> tuple[Path | None, Source]:
    """Where the ImageNet weights for ``constructor(**kwargs)`` lie on this machine, without
    building the model or downloading: ``(path, Source)``, or ``(None, Source)`` saying
    which file is missing from which folders."""
    name = f"{constructor.__name__} weights"
    file_name = weight_file_name(constructor, **kwargs)
    found = find_weight_file(file_name)
    if found is None:
        return None, Source(name, "random", f"no {file_name or 'weight file'} in {LOCAL_WEIGHT_FOLDERS}", real=False)
    path, kind = found
    return path, Source(name, kind, f"ImageNet weights from {path}{_size_note(constructor, kwargs)}", real=True)


def _size_note(constructor: Callable, kwargs: dict) -> str:
    """For MobileNetV2 at a size without weights of its own: which weights stand in."""
    shape = kwargs.get("input_shape")
    if constructor.__name__ == "MobileNetV2" and shape is not None and shape[0] not in MOBILENET_V2_SIZES:
        return f"; Keras has no MobileNetV2 weights for {shape[0]} px, so the 224-px weights are used"
    return ""


def imagenet_argument(constructor: Callable, **kwargs) -> tuple[str | None, Source]:
    """What to pass as ``weights=`` to ``constructor(weights=..., **kwargs)`` on this machine.

    A local weight file's path where one lies in ``LOCAL_WEIGHT_FOLDERS``; else "imagenet"
    (Keras downloads the file once into ~/.keras/models/) when the download host answers and
    ``$ACV_OFFLINE`` is not set; else None (random weights). Returns ``(argument, Source)``,
    without building the model. For a notebook that writes the Keras call itself;
    ``application`` does the same and builds the model.
    """
    path, local = find_local_weights(constructor, **kwargs)
    if path is not None:
        return str(path), local
    name = f"{constructor.__name__} weights"
    if not offline() and reachable(WEIGHTS_HOST):
        return "imagenet", Source(name, "imagenet", f"ImageNet weights (Keras download){_size_note(constructor, kwargs)}",
                                  real=True)
    why = "$ACV_OFFLINE is set" if offline() else f"{WEIGHTS_HOST} is not reachable"
    return None, Source(name, "random", "random initialisation, no pretrained features", real=False,
                        skipped=(local.detail, f"no download: {why}"))


def application(constructor: Callable, weights: str = "auto", **kwargs):
    """Build ``constructor(**kwargs)`` with the best weights available.

    weights: "auto" (ImageNet from the first source that has them, else random),
    "imagenet" (raise ``SourceUnavailable`` if no source has them) or "random".
    A model built with random weights gets BatchNormalization momentum
    ``SCRATCH_BN_MOMENTUM`` (see above); its ``Source`` says so.
    Returns ``(model, Source)``.
    """
    if weights not in WEIGHTS:
        raise ValueError(f"unknown weights {weights!r}; expected one of: {', '.join(WEIGHTS)}")
    name = f"{constructor.__name__} weights"
    skipped: tuple[str, ...] = ()
    if weights in ("auto", "imagenet"):
        path, local = find_local_weights(constructor, **kwargs)
        if path is not None:
            return constructor(weights=str(path), **kwargs), local
        file_name = weight_file_name(constructor, **kwargs)
        hint = (f"Copy {file_name or 'the weight file'} into {LOCAL_WEIGHT_FOLDERS} "
                f"(Keras caches it in ~/.keras/models/ after one run on a machine with internet)")
        url = WEIGHTS_URL + (file_name or constructor.__name__.lower())
        try:
            with download_guard(url, hint):
                # Probe first: offline, Keras would print "Downloading data from ..." for every
                # model built before failing; the probe answers in a moment and prints nothing.
                if not reachable(WEIGHTS_HOST):
                    raise SourceUnavailable(f"could not download {url}: {WEIGHTS_HOST} is not reachable. {hint}")
                model = constructor(weights="imagenet", **kwargs)
            detail = f"ImageNet weights (Keras download){_size_note(constructor, kwargs)}"
            return model, Source(name, "imagenet", detail, real=True)
        except SourceUnavailable as exc:
            if weights == "imagenet":
                raise
            skipped = (local.detail, str(exc).split(". ")[0])
    model = constructor(weights=None, **kwargs)
    set_batchnorm_momentum(model, SCRATCH_BN_MOMENTUM)
    detail = (f"random initialisation, no pretrained features; BatchNormalization momentum "
              f"{SCRATCH_BN_MOMENTUM} for training from scratch")
    return model, Source(name, "random", detail, real=False, skipped=skipped)


# ResNet50 cut after its fourth stage: 1,024 channels at 1/16 of the input size. A file that
# is exact through this layer only (stage 5 missing) serves the cut as well as Keras's full
# file; it lives under its own name so that Keras never mistakes it for the whole network.
RESNET50_CUT = "conv4_block6_out"
RESNET50_TO_CUT_FILE = "resnet50_imagenet_exact_to_conv4_notop.h5"


def find_resnet50_cut_weights() -> tuple[Path | None, Source]:
    """Where ImageNet weights for ResNet50 up to ``RESNET50_CUT`` lie on this machine:
    ``RESNET50_TO_CUT_FILE``, else Keras's whole-network file; ``(None, Source)`` when neither."""
    found = find_weight_file(RESNET50_TO_CUT_FILE)
    if found is not None:
        path, kind = found
        return path, Source("ResNet50 weights", kind, f"ImageNet weights from {path}, exact through {RESNET50_CUT}",
                            real=True)
    import keras

    path, source = find_local_weights(keras.applications.ResNet50, include_top=False)
    if path is None:
        whole = weight_file_name(keras.applications.ResNet50, include_top=False)
        return None, Source("ResNet50 weights", "random",
                            f"neither {RESNET50_TO_CUT_FILE} nor {whole} in {LOCAL_WEIGHT_FOLDERS}", real=False)
    return path, source


def resnet50_to_conv4(input_shape, weights: str = "auto"):
    """ResNet50 (no top) cut at ``RESNET50_CUT``: (batch, H, W, 3) -> (batch, H/16, W/16, 1024).

    Weights: ``RESNET50_TO_CUT_FILE`` where it lies in ``LOCAL_WEIGHT_FOLDERS``, else what
    ``application`` finds for the whole ResNet50 (Keras's full ImageNet file, local or
    downloaded), else random. Returns ``(model, Source)``.
    """
    import keras

    path, source = find_resnet50_cut_weights() if weights != "random" else (None, None)
    if path is not None and path.name == RESNET50_TO_CUT_FILE:
        base = keras.applications.ResNet50(weights=str(path), include_top=False, input_shape=input_shape)
    else:
        base, source = application(keras.applications.ResNet50, weights=weights, include_top=False,
                                   input_shape=input_shape)
    cut = keras.Model(base.input, base.get_layer(RESNET50_CUT).output, name=f"resnet50_to_{RESNET50_CUT}")
    return cut, source


# The weight files the notebooks ask for: (notebook, constructor name, keyword arguments).
NOTEBOOK_WEIGHTS = (
    ("01", "InceptionV3", dict(include_top=False, input_shape=(150, 150, 3))),
    ("02, 03, 05", "MobileNetV2", dict(include_top=False, input_shape=(224, 224, 3))),
    ("03", "ResNet50", dict(include_top=False, input_shape=(224, 224, 3))),
)


def weights_status() -> dict[str, tuple[str, Source]]:
    """For the setup check: for each application the notebooks use, its weight file and a
    ``Source`` saying where it was found (without building the model or downloading)."""
    import keras

    status = {name: (notebooks, find_local_weights(getattr(keras.applications, name), **kwargs)[1])
              for notebooks, name, kwargs in NOTEBOOK_WEIGHTS}
    status[f"ResNet50 to {RESNET50_CUT}"] = ("03's probe", find_resnet50_cut_weights()[1])
    return status


def cached_weight_files() -> list[str]:
    """Names of the weight files in Keras's cache (``~/.keras/models``) and in
    ``$ACV_DATA_DIR/models`` (for the setup check)."""
    folders = [keras_home() / "models"] + ([data_dir() / "models"] if data_dir() is not None else [])
    return sorted({p.name for folder in folders if folder.is_dir() for p in folder.glob("*.h5")})
