"""Data loaders, offline-first: one module per data set, ``common`` for what they share.

Each loader tries its sources in this order, unless ``source=`` forces one:

1. ``local``:   the upstream files a learner copied into ``$ACV_DATA_DIR``;
2. ``keras``:   Keras's cache (``~/.keras/datasets``) or its download, which
                gives up quickly when there is no network (``download`` for the birds:
                the course's prepared TFDS folder, then CUB-200-2011's archive);
3. ``standin``: data made from what installed packages ship (scikit-learn's
                handwritten digits and sample photos) or generated
                deterministically, with the same shapes and dtypes as the real thing.

Every loader returns its data with a ``source`` that says which one was used.
A forced source that cannot be used raises ``SourceUnavailable`` with the URL
and the ``$ACV_DATA_DIR`` alternative.

  mnist    load_mnist                      (N, 28, 28) digits
  cifar10  load_cifar10, synthetic_patterns (N, 32, 32, 3) ten classes
  pets     load_cats_vs_dogs               cats vs dogs as files (filtered, PetImages)
  birds    load_birds                      bird photos with one box each (CUB-200-2011,
           (cub: the CUB_200_2011 reader)  or the course's prepared Caltech birds 2010 folder)
  folder   load_image_folder               your own photos, folder/<class>/*.jpg
  canvas   paste_on_canvas, canvas_pipeline  the course's digit-on-a-canvas localization data (fixed, or a new place per epoch)
  common   batches                         arrays as shuffled tf.data batches, in an order set by the seed alone
"""

from __future__ import annotations

from ..sources import DATA_DIR_VAR, data_dir
from .birds import BIRDS_NAME, example_photo, load_birds, paste_objects_on_photos
from .canvas import canvas_pipeline, paste_on_canvas
from .cifar10 import CIFAR10_CLASSES, CIFAR10_SHA256, CIFAR10_STANDIN_CLASSES, CIFAR10_URL, load_cifar10, synthetic_patterns
from .common import BoxedImages, BoxedSplits, Dataset, batches, random_crops, resize_all, sample_photos, sha256_of
from .cub import CUB_NAME, CUB_URL, read_cub
from .folder import load_image_folder
from .mnist import MNIST_SHA256, MNIST_URL, load_mnist
from .pets import FILTERED_URL, PETIMAGES_URL, PETS_VARIANTS, LabelledImages, load_cats_vs_dogs

# One quick call per data set, for the setup check: small images and few
# examples where the loader allows it (the source found is what matters there).
LOADERS = {
    "mnist": load_mnist,
    "cifar10": load_cifar10,
    "cats_vs_dogs": lambda: load_cats_vs_dogs("filtered", standin_size=(8, 4), image_size=32),
    "birds": lambda: load_birds(image_size=32, n_train=8, n_test=4),
}

# What each data set looks like in $ACV_DATA_DIR, and which notebooks use it.
LOCAL_LAYOUTS = {
    "mnist": (["mnist.npz"], "04"),
    "cifar10": (["cifar-10-python.tar.gz", "cifar-10-batches-py"], "03"),
    "cats_and_dogs_filtered": (["cats_and_dogs_filtered"], "01, 02, 08"),
    "petimages": (["PetImages"], "01 (full)"),
    "birds": ([CUB_NAME, BIRDS_NAME], "05, 08"),
}


def local_status() -> dict[str, str]:
    """For each data set, whether ``$ACV_DATA_DIR`` holds it (for the setup check)."""
    folder = data_dir()
    if folder is None:
        return {name: f"${DATA_DIR_VAR} is not set" for name in LOCAL_LAYOUTS}
    return {
        name: next((f"found {folder / p} (notebook {notebooks})" for p in paths if (folder / p).exists()),
                    f"not in {folder} (notebook {notebooks} uses a download or a stand-in)")
        for name, (paths, notebooks) in LOCAL_LAYOUTS.items()
    }


__all__ = [
    "BIRDS_NAME", "CIFAR10_CLASSES", "CIFAR10_SHA256", "CIFAR10_STANDIN_CLASSES", "CIFAR10_URL", "CUB_NAME",
    "CUB_URL", "FILTERED_URL", "LOADERS", "LOCAL_LAYOUTS", "MNIST_SHA256", "MNIST_URL", "PETIMAGES_URL",
    "PETS_VARIANTS", "BoxedImages", "BoxedSplits", "Dataset", "LabelledImages", "load_birds",
    "example_photo", "load_cats_vs_dogs", "load_cifar10", "load_image_folder", "load_mnist", "local_status", "paste_objects_on_photos",
    "batches", "canvas_pipeline", "paste_on_canvas", "random_crops", "read_cub", "resize_all", "sample_photos", "sha256_of", "synthetic_patterns",
]
