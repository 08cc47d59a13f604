"""Shared code for the week-1 notebooks of Advanced Computer Vision with TensorFlow.

Modules, one concern each:
  profile  - run profiles (smoke, cpu, full) and each notebook's settings
  session  - the setup cell: seeds, versions, GPU advice (``helpers.start``)
  sources  - where data and weights came from; downloads that fail fast
  data     - offline-first data loaders
  weights  - pretrained Keras applications, offline-first
  report   - recording each notebook's headline numbers
"""

import os

# Quieten TensorFlow's C++ start-up logging before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .session import start  # noqa: E402

__all__ = ["start"]
