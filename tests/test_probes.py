"""helpers.probes: receptive fields measured on networks whose fields are known by hand, strongest
responses, crops at the edge, and a probe's choice of C."""

import keras
import numpy as np
import pytest

from helpers import probes


def _convs(*layers, size=32):
    inputs = keras.Input((size, size, 1))
    x = inputs
    for kernel, stride, padding in layers:
        x = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding, kernel_initializer="ones")(x)
    return keras.Model(inputs, x)


def test_receptive_field_of_two_valid_convolutions_by_hand():
    # 3x3 then 3x3 with stride 2: a unit sees 3 + (3 - 1) * 1 = 5 pixels; neighbours 2 apart; unit 0 starts at 0
    field = probes.receptive_field(_convs((3, 1, "valid"), (3, 2, "valid")), 32)
    assert (field.size, field.stride, field.offset) == (5, 2, 0)
    assert field.box(1, 2) == (2, 4, 7, 9)


def test_receptive_field_with_same_padding_starts_before_the_image():
    # the same two layers, padded: the first pads one pixel on each side, so its unit u sees pixels
    # u-1..u+1. The second (stride 2 on 32 pixels) needs one pixel of padding in all and TensorFlow puts
    # it after the image, so its unit 0 sees units 0..2 of the first: pixels -1..3
    field = probes.receptive_field(_convs((3, 1, "same"), (3, 2, "same")), 32)
    assert (field.size, field.stride, field.offset) == (5, 2, -1)


def test_receptive_field_grows_with_pooling():
    inputs = keras.Input((32, 32, 1))
    x = keras.layers.Conv2D(1, 3, kernel_initializer="ones")(inputs)        # 3, stride 1
    x = keras.layers.AveragePooling2D(2)(x)                                  # 4, stride 2
    x = keras.layers.Conv2D(1, 3, kernel_initializer="ones")(x)              # 4 + 2 * 2 = 8, stride 2
    field = probes.receptive_field(keras.Model(inputs, x), 32)
    assert (field.size, field.stride, field.offset) == (8, 2, 0)


def test_strongest_takes_each_images_peak_and_orders_them():
    maps = np.zeros((4, 3, 3, 2))
    maps[2, 1, 2, 0], maps[0, 0, 1, 0], maps[0, 2, 2, 0] = 9.0, 5.0, 4.0   # image 0's second place must not count
    maps[3, 2, 0, 1] = 7.0
    top = probes.strongest(maps, 2)                                          # (2 channels, 2, 3)
    assert top[0].tolist() == [[2, 1, 2], [0, 0, 1]]
    assert top[1, 0].tolist() == [3, 2, 0]
    with pytest.raises(ValueError, match="between 1 and the number of images"):
        probes.strongest(maps, 5)


def test_crop_is_clipped_at_the_edges():
    image = np.arange(100).reshape(10, 10)
    field = probes.ReceptiveField(size=5, stride=2, offset=-2)
    assert probes.crop(image, 0, 0, field).shape == (3, 3)           # rows -2..2 -> 0..2
    assert probes.crop(image, 1, 1, field)[0, 0] == image[0, 0]      # rows 0..4
    assert probes.crop(image, 5, 5, field).shape == (2, 2)           # rows 8..12 -> 8..9
    with pytest.raises(ValueError, match="sees none"):
        probes.crop(image, 9, 9, field)


def test_fit_probe_chooses_c_by_cross_validation_and_names_bad_input():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 60)
    features = np.hstack([labels[:, None] * 3.0 + rng.normal(0, 1.0, (120, 1)), rng.normal(size=(120, 20))])
    # C = 1e-8 shrinks the weights to almost nothing (cross-validated accuracy 0.82 here, against 0.87
    # at C = 1): the better C is chosen whichever comes first
    assert probes.fit_probe(features, labels, cs=(1e-8, 1.0))[1] == 1.0
    assert probes.fit_probe(features, labels, cs=(1.0, 1e-8))[1] == 1.0
    classifier, only = probes.fit_probe(features, labels, cs=(1e-8,))
    assert only == 1e-8 and classifier.score(features, labels) > 0.5
    quick, first = probes.fit_probe(features, labels, cs=(1e-8, 1.0), quick=True)  # random features: no CV
    assert first == 1e-8 and quick[-1].max_iter == 200
    few = np.array([0, 0, 1, 1])                                             # two images a class: no 3-fold CV
    assert probes.fit_probe(rng.normal(size=(4, 3)), few, cs=(0.1, 1.0))[1] == 0.1
    with pytest.raises(ValueError, match="two classes"):
        probes.fit_probe(features, np.zeros(120), cs=(1.0,))
    with pytest.raises(ValueError, match="positive C"):
        probes.fit_probe(features, labels, cs=())


def test_a_field_that_covers_the_whole_input_is_named_not_measured():
    with pytest.raises(probes.FieldTooLarge, match="reaches past the edge of a 32x32 input"):
        probes.receptive_field(_convs((33, 1, "same")), 32)  # unit 16 sees pixels 0..32


def test_selective_units_prefers_a_channel_that_answers_to_few_images():
    rng = np.random.default_rng(1)
    maps = rng.uniform(0.9, 1.1, (20, 2, 2, 3))   # three channels, each about 1 everywhere
    maps[:3, 0, 0, 2] = 5.0                        # channel 2: strong on three images only
    maps[:, :, :, 1] *= 4.0                        # channel 1: strong everywhere, so not selective
    assert probes.selective_units(maps, 1, k=3).tolist() == [2]
    assert probes.selective_units(maps, 3, k=3)[0] == 2
    with pytest.raises(ValueError, match="k must be in 1..20"):
        probes.selective_units(maps, 1, k=30)


def test_multiply_adds_by_hand():
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, name="first")(inputs)            # 30x30 outputs x 3*3*3 x 8 = 194,400
    x = keras.layers.MaxPooling2D(2)(x)                             # 15x15, no multiply-adds counted
    x = keras.layers.Conv2D(4, 1, name="second")(x)                 # 15x15 x 1*1*8 x 4 = 7,200
    model = keras.Model(inputs, x)
    assert probes.multiply_adds(model, 32, ["first", "second"]) == {"first": 194_400, "second": 194_400 + 7_200}
    with pytest.raises(ValueError, match="no layer named"):
        probes.multiply_adds(model, 32, ["third"])
