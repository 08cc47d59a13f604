"""The lesson library of the week-1 notebooks of Advanced Computer Vision with TensorFlow.

What the lessons teach, in code a learner may read and reuse:
  boxes      - box formats, conversion, validation, IoU / GIoU / DIoU / CIoU
  losses     - Keras losses and metrics for boxes, the OrderedCorners layer
  scoring    - success curves and the COCO-style average over IoU thresholds
  stats      - intervals over seeds, paired bootstrap over images, verdicts from intervals
  plots      - image grids, boxes, learning curves, IoU histogram and diagram
  data       - offline-first data loaders (MNIST, CIFAR-10, cats vs dogs, birds), one module each
  weights    - pretrained Keras applications, offline-first
  training   - epoch timing, parameter counts, BatchNormalization statistics
  transfer   - the transferability experiment: class splits, copying the first n layers
  probes     - inside a frozen network: linear probes, receptive fields, the patches a unit likes
  widgets    - the box explorer (IoU, GIoU, DIoU, CIoU and their gradients, live)
  simulation - Zheng et al.'s box-regression cases (notebook 07)
  sources    - where data and weights came from; downloads that fail fast
  distribute - the tf.distribute strategy, the global batch, mixed precision and XLA

The notebooks' run-time (their setup and last cells: profiles, claims, records) is
``helpers.course``; a learner need not read it. The maintainers' tools (runner, site,
figures, badges, benchmarks) are in ``tools/`` at the top of the repository.
"""

import os
import sys

# TensorFlow's C++ logging: 3 keeps only fatal messages. Python exceptions are
# unaffected; set TF_CPP_MIN_LOG_LEVEL=0 before importing helpers to see everything.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with the process's stderr silenced for the import only.

    Its start-up lines (CUDA probing, oneDNN notes) are written before any log
    level applies, and a notebook shows them as red noise above every lesson.
    An import that fails still raises its Python exception as usual.
    """
    if "tensorflow" in sys.modules:
        return
    try:
        fd = sys.__stderr__.fileno()
    except (AttributeError, OSError, ValueError):
        import tensorflow  # noqa: F401
        return
    saved, devnull = os.dup(fd), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()


class _DropRetracingWarnings:
    """Drops TensorFlow's "N out of the last M calls ... triggered tf.function retracing".

    The notebooks build several models on purpose (one per upsampling factor, per
    loss); each new model traces its own functions, which is expected and cheap
    here, and the paragraph-long warning teaches a learner nothing.
    """

    def filter(self, record) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def _quiet_expected_warnings() -> None:
    import logging

    logging.getLogger("tensorflow").addFilter(_DropRetracingWarnings())


_quiet_expected_warnings()

def __getattr__(name: str):
    # helpers.start and helpers.finish, the first and last cells' calls, live in the run-time
    # package; imported on first use so that the lesson modules never load the run-time.
    if name in ("start", "finish"):
        from . import course

        return getattr(course, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


__all__ = ["finish", "start"]
