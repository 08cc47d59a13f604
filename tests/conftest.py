import os

import matplotlib
import pytest
from hypothesis import settings

# Tests never touch the network, and draw without a screen.
os.environ["ACV_OFFLINE"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
matplotlib.use("Agg")

# Property tests check results, not speed: on a loaded 2-core machine one example of the
# TensorFlow path can take longer than hypothesis's default 200 ms deadline.
settings.register_profile("acv", deadline=None)
settings.load_profile("acv")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty $ACV_DATA_DIR for one test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("ACV_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def build_dir(tmp_path, monkeypatch):
    """A private $ACV_BUILD_DIR, so tests never write into build/."""
    folder = tmp_path / "build"
    monkeypatch.setenv("ACV_BUILD_DIR", str(folder))
    return folder
