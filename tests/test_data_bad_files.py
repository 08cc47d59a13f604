"""The bad files that real full-size data brings: skipped with one line, or one clear error naming the file."""

import io
import tarfile

import numpy as np
import pytest
from PIL import Image
from test_data import _fake_cifar_batches

from helpers import data


def _photo(seed):
    return Image.fromarray((np.random.default_rng(seed).random((40, 50, 3)) * 255).astype("uint8"))


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def _petimages(root):
    """A PetImages folder mixed with each kind of bad file the real archive holds."""
    good, bad = {}, {}
    for animal in ("Cat", "Dog"):
        (root / "PetImages" / animal).mkdir(parents=True)
    for k in range(4):
        good[f"Cat/{k}.jpg"] = _jpeg(_photo(k))
        good[f"Dog/{k}.jpg"] = _jpeg(_photo(10 + k))
    good["Cat/grey.jpg"] = _jpeg(_photo(20).convert("L"))
    good["Dog/cmyk.jpg"] = _jpeg(_photo(21).convert("CMYK"))
    png, gif = io.BytesIO(), io.BytesIO()
    _photo(22).save(png, "PNG")
    _photo(23).save(gif, "GIF")
    bad["Cat/666.jpg"] = b""                          # zero bytes, as the real 666.jpg
    bad["Dog/png.jpg"] = png.getvalue()                # a .jpg name, not a JPEG
    bad["Dog/gif.jpg"] = gif.getvalue()
    bad["Cat/text.jpg"] = b"<html>not an image</html>"
    bad["Dog/truncated.jpg"] = _jpeg(_photo(24))[:600]  # TensorFlow stops mid-epoch on this one
    for name, content in {**good, **bad}.items():
        (root / "PetImages" / name).write_bytes(content)
    return good, bad


def test_petimages_skips_every_kind_of_bad_file_with_one_line(data_dir):
    good, bad = _petimages(data_dir)
    pets = data.load_cats_vs_dogs("petimages", image_size=32)
    kept = sorted(str(p).split("PetImages/")[1] for p in np.concatenate([pets.train_x, pets.val_x]))
    assert kept == sorted(good), "CMYK and greyscale JPEGs are kept, every bad file dropped"
    assert ("skipped 5 of 15 files: 1 empty (Cat/666.jpg); 3 not a JPEG (Cat/text.jpg, Dog/gif.jpg, Dog/png.jpg); "
            "1 truncated (Dog/truncated.jpg)") in pets.source.notice()


def test_every_kept_petimages_file_decodes_to_a_real_picture(data_dir):
    _petimages(data_dir)
    pets = data.load_cats_vs_dogs("petimages", image_size=32)
    for split in ("train", "val"):  # a whole epoch: no file stops it midway
        for images, _ in pets.dataset(split, 32, batch_size=4):
            assert images.shape[1:] == (32, 32, 3)
            assert np.all(images.numpy().std(axis=(1, 2, 3)) > 1), "no blank image reaches training"


@pytest.mark.parametrize("content, why", [(b"", "empty"), (b"GIF89a...", "not a JPEG"),
                                          (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "truncated")])
def test_why_unreadable_names_the_reason(tmp_path, content, why):
    path = tmp_path / "x.jpg"
    path.write_bytes(content)
    assert data.pets.why_unreadable(path) == why


def test_a_corrupted_cifar_batch_is_named_with_what_to_do(data_dir):
    folder = data_dir / "cifar-10-batches-py"
    _fake_cifar_batches(folder)
    (folder / "data_batch_3").write_bytes((folder / "data_batch_3").read_bytes()[:100])  # cut short
    with pytest.raises(ValueError, match=r"cifar-10-batches-py/data_batch_3 is not a readable CIFAR-10 batch "
                                         r"\(.*\); download cifar-10-python.tar.gz again"):
        data.load_cifar10()


def test_a_cifar_folder_missing_a_batch_names_it(data_dir):
    folder = data_dir / "cifar-10-batches-py"
    _fake_cifar_batches(folder)
    (folder / "test_batch").unlink()
    with pytest.raises(ValueError, match=r"cifar-10-batches-py: no test_batch; the folder holds data_batch_1..5"):
        data.load_cifar10()


def test_a_truncated_cifar_archive_is_caught_by_its_hash(data_dir, tmp_path):
    _fake_cifar_batches(tmp_path / "cifar-10-batches-py")
    archive = data_dir / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    archive.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"cifar-10-python.tar.gz: sha256 .* does not match .* download it again"):
        data.load_cifar10()
