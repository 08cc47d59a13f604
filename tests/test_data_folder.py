"""Your own photos (data.load_image_folder): the layout, the bad files PetImages taught us, clear errors."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import data, transfer

SHARED_CUB = Path(__file__).resolve().parents[2] / "shared" / "data" / "CUB_200_2011" / "images"


def _photo(path: Path, colour, size=(40, 30)):
    Image.new("RGB", size, colour).save(path, "JPEG")


def _folder(tmp_path, counts=(("cats", 6), ("dogs", 5))):
    root = tmp_path / "photos"
    for k, (name, n) in enumerate(dict(counts).items()):
        (root / name).mkdir(parents=True)
        for i in range(n):
            _photo(root / name / f"{i}.jpg", (200 * k, 50, 100))
    return root


def test_each_class_folder_becomes_a_class_and_every_class_is_split(tmp_path):
    found = data.load_image_folder(_folder(tmp_path), 24, test_fraction=0.2)
    assert found.class_names == ("cats", "dogs") and found.source.real
    assert found.x_train.shape[1:] == (24, 24, 3) and found.x_train.dtype == np.uint8
    assert np.bincount(found.y_test).tolist() == [1, 1] and np.bincount(found.y_train).tolist() == [5, 4]
    assert (found.x_train[found.y_train == 1][:, 0, 0, 0] > 150).all()  # dogs are the red ones: labels follow folders
    assert "all 11 files readable" in found.source.detail


def test_bad_files_are_skipped_and_counted_as_in_petimages(tmp_path):
    root = _folder(tmp_path)
    (root / "cats" / "666.jpg").write_bytes(b"")  # PetImages' zero-length file
    (root / "dogs" / "fake.jpg").write_bytes(b"GIF89a not a jpeg")
    whole = (root / "dogs" / "0.jpg").read_bytes()
    (root / "dogs" / "cut.jpg").write_bytes(whole[: len(whole) // 2])  # truncated
    (root / "dogs" / "middle.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100) + b"\xff\xd9")  # ends right, will not decode
    (root / "dogs" / "notes.txt").write_text("ignored: not a photo")
    found = data.load_image_folder(root, 16)
    assert len(found.y_train) + len(found.y_test) == 11
    assert ("skipped 4 of 15 files: 1 empty (cats/666.jpg); 1 not a JPEG (dogs/fake.jpg); 1 truncated (dogs/cut.jpg); "
            "1 undecodable (dogs/middle.jpg)") in found.source.detail


def test_a_folder_without_the_layout_gets_an_error_that_shows_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"'.*typo' does not exist; expected folder/<class>/\*\.jpg"):
        data.load_image_folder(tmp_path / "typo", 16)
    flat = tmp_path / "flat"
    flat.mkdir()
    for i in range(3):
        _photo(flat / f"{i}.jpg", (0, 0, 0))
    with pytest.raises(ValueError, match=r"found no class folder with photos; 3 photos lie directly in it .*expected folder/<class>"):
        data.load_image_folder(flat, 16)
    with pytest.raises(ValueError, match=r"found cats/ \(6\); expected"):
        data.load_image_folder(_folder(tmp_path / "one", {"cats": 6}.items()), 16)
    with pytest.raises(ValueError, match=r"at least 4 readable photos .*these have fewer: \{'dogs': 2\}"):
        data.load_image_folder(_folder(tmp_path / "few", {"cats": 6, "dogs": 2}.items()), 16)


@pytest.mark.skipif(not SHARED_CUB.is_dir(), reason="needs ../shared/data (CUB_200_2011)")
def test_a_folder_of_real_birds_runs_the_downstreaming_both_ways(tmp_path):
    # Two CUB species copied as a learner would lay out their own photos, with one broken file,
    # then what 08 does with MY_FOLDER: a task from the folder, trained from scratch and from a network's blocks.
    root = tmp_path / "my_birds"
    for species in sorted(SHARED_CUB.iterdir())[:2]:
        (root / species.name.split(".")[1]).mkdir(parents=True)
        for photo in sorted(species.glob("*.jpg"))[:12]:
            shutil.copy(photo, root / species.name.split(".")[1] / photo.name)
    (root / "Laysan_Albatross" / "broken.jpg").write_bytes(b"")
    found = data.load_image_folder(root, 32)
    assert found.class_names == ("Black_footed_Albatross", "Laysan_Albatross")
    assert "skipped 1 of 25 files: 1 empty" in found.source.detail
    task = transfer.task(found, (0, 1), n_per_class=None, n_val_per_class=2)
    source = transfer.build_net(2, (32, 32, 3))
    arms = [transfer.train_on(task, 2, 8, seed=0, start_from=start) for start in (None, source)]
    assert all(len(arm.val_accuracy) == 2 and arm.test_right.shape == (len(task.y_test),) for arm in arms)
