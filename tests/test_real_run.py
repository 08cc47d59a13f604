"""After ``make test-real``: the notebooks used the real data and weights that the data folder holds.

Skipped unless ``$ACV_REAL_METRICS`` names the metrics folder of such a run. A
notebook that fell back to a stand-in would skip its real-data checks and still
pass under nbval; this catches it.
"""

import json
import os
from pathlib import Path

import pytest

from helpers import data, weights

METRICS = os.environ.get("ACV_REAL_METRICS", "")
pytestmark = pytest.mark.skipif(not METRICS, reason="set ACV_REAL_METRICS (make test-real does)")

# notebook -> (data set in LOCAL_LAYOUTS, weights as weights.weights_status names them or None,
# the record's key for those weights where the notebook records more than one)
EXPECTED = {
    "01_feature_extraction": ("cats_and_dogs_filtered", "InceptionV3", None),
    "02_fine_tuning": ("cats_and_dogs_filtered", "MobileNetV2", None),
    "03_cifar10_resnet50_upsampling": ("cifar10", "ResNet50 to conv4_block6_out", "weights:resnet50_to_conv4_probe"),
    "04_object_localization": ("mnist", None, None),
    "05_bird_boxes": ("birds", "MobileNetV2", None),
    "06_transferability": ("cifar10", None, None),
    "08_what_layers_learned": ("cats_and_dogs_filtered", "InceptionV3", None),
}


def _record(notebook: str) -> dict:
    path = Path(METRICS) / f"{notebook}.json"
    assert path.is_file(), f"{notebook} recorded nothing in {METRICS}"
    return json.loads(path.read_text())


@pytest.mark.parametrize("notebook", sorted(EXPECTED))
def test_notebook_used_every_real_source_the_folder_holds(notebook):
    dataset, application, key = EXPECTED[notebook]
    sources = _record(notebook)["sources"]
    if data.local_status()[dataset].startswith("found"):
        used = [s for k, s in sources.items() if k.startswith("data")]
        assert used and all(s["real"] for s in used), f"{notebook}: data folder holds {dataset}, but it used {used}"
    if application is not None and weights.weights_status()[application][1].real:
        used = ([sources[key]] if key in sources else []) if key else [
            s for k, s in sources.items() if k.startswith("weights") and s["name"].startswith(application)]
        assert used and all(s["real"] for s in used), f"{notebook}: {application} weights are there, but it used {used}"
