"""Data sets and the one preprocessing rule (frontends/images.py, frontends/datasets.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from tiny_training.frontends import datasets
from tiny_training.frontends.datasets import (
    DatasetError,
    DatasetMissing,
    load_dataset,
    load_fashion_mnist,
    load_opencv_digits,
    to_model_input,
)
from tiny_training.frontends.images import (
    PRETRAINED_INPUT,
    InputQuantization,
    input_quantization,
    load_image,
    preprocess,
    quantize_pixels,
)
from tiny_training.paths import shared_dir


def q(pixels) -> np.ndarray:
    """The pretrained models' input rule by hand: trunc(pixel - 127.5)."""
    return np.trunc(np.asarray(pixels, dtype=np.float64) - 127.5).astype(np.int8)


def upsample2(values: list[float]) -> list[float]:
    """Bilinear x2 with half-pixel centres and clamped edges: a, .75a+.25b, .25a+.75b, ..."""
    out = []
    for i, v in enumerate(values):
        left, right = values[max(i - 1, 0)], values[min(i + 1, len(values) - 1)]
        out += [0.75 * v + 0.25 * left, 0.75 * v + 0.25 * right]
    return out


# --- preprocessing by hand ------------------------------------------------------------------------


def test_quantization_rule_on_every_pixel_value():
    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    rgb = np.stack([pixels] * 3, axis=2)
    quantized = quantize_pixels(rgb)
    assert quantized.shape == (1, 3, 16, 16) and quantized.dtype == np.int8
    assert quantized[0, 0, 0, 0] == -127 and quantized[0, 0, 15, 15] == 127  # 0 -> -127, 255 -> 127
    assert quantized[0, 0, 7, 15] == 0 and quantized[0, 0, 8, 0] == 0  # 127 -> trunc(-0.5), 128 -> trunc(0.5)
    for channel in range(3):
        np.testing.assert_array_equal(quantized[0, channel], q(pixels))
    # Another quantization: r = (p - 127.5) / 127.5, x_q = trunc(r / scale) + zero_point
    other = quantize_pixels(rgb, InputQuantization(scale=2 / 127.5, zero_point=10))
    assert other[0, 0, 0, 0] == -63 + 10  # trunc(-127.5 / 2) = trunc(-63.75)
    assert other[0, 0, 15, 15] == 63 + 10
    assert other[0, 0, 8, 0] == 0 + 10  # p = 128: trunc(0.25)
    assert quantize_pixels(rgb, InputQuantization(scale=0.5 / 127.5, zero_point=0)).max() == 127  # clamped


def test_crop_without_resampling_by_hand():
    # 4 x 6 RGB, resolution 4: the shorter side is already 4, so only the centre crop (columns 1..4).
    image = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3) * 3
    result = preprocess(image, 4)
    expected = q(image[:, 1:5, :]).transpose(2, 0, 1)[None]
    np.testing.assert_array_equal(result, expected)


def test_bilinear_upsampling_by_hand_gray_to_rgb():
    # 2 x 2 grayscale -> 4 x 4: every output value is integral, so Pillow's 8-bit resampling is exact.
    gray = np.array([[0, 200], [40, 240]], dtype=np.uint8)
    rows = [upsample2([float(v) for v in row]) for row in gray]  # horizontal pass
    columns = [upsample2([rows[0][x], rows[1][x]]) for x in range(4)]  # vertical pass
    expected = q(np.array(columns).T)
    assert np.array(columns).T[1].tolist() == [10.0, 60.0, 160.0, 210.0]
    result = preprocess(gray, 4)
    assert result.shape == (1, 3, 4, 4)
    for channel in range(3):  # grayscale replicated to RGB
        np.testing.assert_array_equal(result[0, channel], expected)
    # The same image given as RGB, or as H x W x 1, or as a Pillow image, preprocesses the same.
    np.testing.assert_array_equal(preprocess(np.stack([gray] * 3, axis=2), 4), result)
    np.testing.assert_array_equal(preprocess(gray[:, :, None], 4), result)
    np.testing.assert_array_equal(preprocess(Image.fromarray(gray), 4), result)


def test_short_side_resize_then_centre_crop_by_hand():
    # 2 x 3 grayscale, resolution 4: shorter side 2 -> 4 (width 3 -> 6), centre crop columns 1..4.
    gray = np.array([[0, 80, 160], [40, 120, 200]], dtype=np.uint8)
    rows = [upsample2([float(v) for v in row]) for row in gray]
    full = np.array([upsample2([rows[0][x], rows[1][x]]) for x in range(6)]).T  # 4 x 6
    expected = q(full[:, 1:5])
    result = preprocess(gray, 4)
    np.testing.assert_array_equal(result[0, 0], expected)
    # An explicit larger `resize` (shorter side 8, crop 4 in the middle) keeps the centre.
    assert preprocess(np.full((5, 7), 90, np.uint8), 4, resize=8).tolist() == q(np.full((1, 3, 4, 4), 90)).tolist()


def test_preprocess_errors():
    with pytest.raises(ValueError, match="uint8"):
        preprocess(np.zeros((4, 4), np.float32), 4)
    with pytest.raises(ValueError, match="H x W"):
        preprocess(np.zeros((4, 4, 2), np.uint8), 4)
    with pytest.raises(ValueError, match="at least the resolution"):
        preprocess(np.zeros((4, 4), np.uint8), 4, resize=3)


def test_to_model_input_is_the_shared_rule():
    gray = (np.arange(28 * 28) % 251).astype(np.uint8).reshape(28, 28)
    legacy = np.asarray(Image.fromarray(gray).resize((128, 128), Image.Resampling.BILINEAR), dtype=np.float32)
    np.testing.assert_array_equal(to_model_input(gray), np.broadcast_to(q(legacy), (1, 3, 128, 128)))
    np.testing.assert_array_equal(to_model_input(gray, 96), preprocess(gray, 96))


def test_input_quantization_read_from_the_model():
    try:
        path = shared_dir() / "models" / "mcu" / "mcunet-5fps.pkl"
    except FileNotFoundError as error:
        pytest.skip(str(error))
    from tiny_training.frontends.mcu_builder import build_inference_module
    from tiny_training.frontends.mcu_pickle import load_mcu_model
    from tiny_training.interpreters import ReferenceInterpreter

    model = load_mcu_model(path)
    assert input_quantization(model) == PRETRAINED_INPUT == InputQuantization(1 / 127.5, 0)
    assert input_quantization(None) == PRETRAINED_INPUT
    # Lower resolutions: the models are fully convolutional up to the global pooling.
    for resolution in (96, 64):
        module = build_inference_module(model, resolution=resolution, function_name="main")
        assert input_quantization(module) == PRETRAINED_INPUT
        image = preprocess(np.full((30, 40, 3), 200, np.uint8), resolution, quantization=input_quantization(module))
        (logits,) = ReferenceInterpreter(module).call("main", image)
        assert logits.shape == (1, 1000, 1, 1)


def test_load_image_default_crop_matches_explicit():
    try:
        photo = shared_dir() / "data" / "photos" / "apple.jpg"
    except FileNotFoundError as error:
        pytest.skip(str(error))
    np.testing.assert_array_equal(load_image(photo), load_image(photo, size=128, resize=147))
    assert load_image(photo, size=96).shape == (1, 3, 96, 96)


# --- image folders --------------------------------------------------------------------------------


def make_folder(root, classes: dict[str, int], size=(30, 20)) -> dict[str, list]:
    written: dict[str, list] = {}
    rng = np.random.default_rng(7)
    for name, count in classes.items():
        (root / name).mkdir(parents=True)
        written[name] = []
        for i in range(count):
            if i % 2:
                pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
            else:
                pixels = rng.integers(0, 256, (size[1] + i, size[0]), dtype=np.uint8)  # grayscale, other sizes
            path = root / name / f"img{i:02d}.png"
            Image.fromarray(pixels).save(path)
            written[name].append(pixels)
    return written


def test_image_folder(tmp_path):
    written = make_folder(tmp_path, {"zebra": 5, "ant": 3})
    (tmp_path / "ant" / "notes.txt").write_text("not an image")  # ignored
    inputs, labels, classes = load_dataset(tmp_path, "all", resolution=16)
    assert classes == ("ant", "zebra")  # sorted by name, label = index
    assert inputs.shape == (8, 1, 3, 16, 16) and inputs.dtype == np.int8
    assert labels.dtype == np.int32 and labels.tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    np.testing.assert_array_equal(inputs[3], preprocess(written["zebra"][0], 16))
    np.testing.assert_array_equal(inputs[1], preprocess(written["ant"][1], 16))
    # Fixed split without train/ and test/: every fifth file of a class is a test image.
    _, test_labels, _ = load_dataset(tmp_path, "test", resolution=16)
    _, train_labels, _ = load_dataset(tmp_path, "train", resolution=16)
    assert test_labels.tolist() == [1] and train_labels.tolist() == [0, 0, 0, 1, 1, 1, 1]
    # Deterministic subsets.
    first = load_dataset(tmp_path, "all", count=4, resolution=16, seed=3)
    again = load_dataset(tmp_path, "all", count=4, resolution=16, seed=3)
    np.testing.assert_array_equal(first.inputs, again.inputs)
    np.testing.assert_array_equal(first.labels, again.labels)
    index = np.random.default_rng(3).choice(8, 4, replace=False)
    np.testing.assert_array_equal(first.inputs, inputs[index])


def test_image_folder_with_split_folders(tmp_path):
    make_folder(tmp_path / "train", {"a": 2, "b": 2})
    make_folder(tmp_path / "test", {"a": 1, "b": 1})
    assert load_dataset(tmp_path, "train", resolution=8).labels.tolist() == [0, 0, 1, 1]
    assert load_dataset(tmp_path, "test", resolution=8).classes == ("a", "b")


def test_image_folder_errors(tmp_path):
    with pytest.raises(DatasetMissing, match="neither a data set name"):
        load_dataset(tmp_path / "missing")
    with pytest.raises(DatasetError, match="no class folders"):
        load_dataset(tmp_path, "all")
    make_folder(tmp_path, {"cat": 2})
    (tmp_path / "dog").mkdir()
    with pytest.raises(DatasetError, match="dog: no images"):
        load_dataset(tmp_path, "all")
    (tmp_path / "dog" / "broken.jpg").write_bytes(b"this is not a JPEG")
    with pytest.raises(DatasetError, match=r"broken\.jpg: cannot read the image"):
        load_dataset(tmp_path, "all", resolution=8)
    with pytest.raises(DatasetError, match="count 9"):
        load_dataset(tmp_path, "all", count=9)


# --- OpenCV digits and Fashion-MNIST --------------------------------------------------------------


@pytest.fixture(scope="module")
def digits_png():
    try:
        return datasets.find_opencv_digits()
    except DatasetMissing as error:
        pytest.skip(f"{error}")


def test_opencv_digits(digits_png, tmp_path):
    train_images, train_labels = load_opencv_digits("train")
    test_images, test_labels = load_opencv_digits("test")
    assert train_images.shape == (4000, 20, 20) and test_images.shape == (1000, 20, 20)
    assert np.bincount(train_labels).tolist() == [400] * 10
    assert np.bincount(test_labels).tolist() == [100] * 10
    with Image.open(digits_png) as image:
        sheet = np.asarray(image.convert("L"))
    assert sheet.shape == (1000, 2000)
    np.testing.assert_array_equal(train_images[0], sheet[0:20, 0:20])  # digit 0, row 0, column 0
    np.testing.assert_array_equal(train_images[101], sheet[20:40, 20:40])  # digit 0, row 1, column 1
    np.testing.assert_array_equal(train_images[400], sheet[100:120, 0:20])  # digit 1, row 0 (sheet row 5)
    np.testing.assert_array_equal(test_images[0], sheet[80:100, 0:20])  # digit 0, row 4
    np.testing.assert_array_equal(test_images[100], sheet[180:200, 0:20])  # digit 1, row 4 (sheet row 9)
    # A gzip-compressed copy reads the same.
    import gzip

    compressed = tmp_path / "digits.png.gz"
    compressed.write_bytes(gzip.compress(digits_png.read_bytes()))
    np.testing.assert_array_equal(load_opencv_digits("test", path=compressed)[0], test_images)

    subset = load_dataset("digits", "test", count=12, resolution=64, seed=1)
    assert subset.inputs.shape == (12, 1, 3, 64, 64) and subset.labels.dtype == np.int32
    assert subset.classes == tuple("0123456789")
    index = np.random.default_rng(1).choice(1000, 12, replace=False)
    assert subset.labels.tolist() == test_labels[index].tolist()
    np.testing.assert_array_equal(subset.inputs[5], preprocess(test_images[index[5]], 64))


def test_fashion_mnist_subsets_are_deterministic():
    try:
        images, labels = load_fashion_mnist("test")
    except DatasetMissing as error:
        pytest.skip(str(error))
    first = load_dataset("fashion-mnist", "test", count=6, resolution=96, seed=5)
    again = load_dataset("fashion-mnist", "test", count=6, resolution=96, seed=5)
    other = load_dataset("fashion-mnist", "test", count=6, resolution=96, seed=6)
    np.testing.assert_array_equal(first.inputs, again.inputs)
    np.testing.assert_array_equal(first.labels, again.labels)
    assert not np.array_equal(first.inputs, other.inputs)
    index = np.random.default_rng(5).choice(len(labels), 6, replace=False)
    assert first.labels.tolist() == labels[index].tolist()
    np.testing.assert_array_equal(first.inputs[0], to_model_input(images[index[0]], 96))
    assert first.inputs.shape == (6, 1, 3, 96, 96) and len(first.classes) == 10
    with pytest.raises(DatasetError, match="unknown split"):
        load_dataset("fashion-mnist", "validation", count=1)
