"""Real data sets for on-device transfer learning, preprocessed to a model's int8 input.

    from tiny_training.frontends.datasets import load_dataset
    inputs, labels, classes = load_dataset("fashion-mnist", "train", count=200, resolution=128, seed=0)
    # inputs: int8 N x 1 x 3 x R x R (inputs[i] is one model input), labels: int32 N, classes: names

Data sets (`name_or_path`):

* `fashion-mnist`: Debian's `dataset-fashion-mnist` (IDX files in /usr/share/datasets/fashion-mnist),
  28x28 grayscale, 10 classes; splits `train` (60,000) and `test` (10,000, the `t10k` files).
* `digits` (or `opencv-digits`): Debian's `opencv-doc` ships `digits.png`
  (/usr/share/doc/opencv-doc/examples/data/digits.png, also read if gzip-compressed as
  `digits.png.gz`): 5,000 handwritten digits of 20x20 in a 2000x1000 image, 50 rows of 100;
  rows 5d..5d+4 hold digit d. Fixed split: the first four rows of each digit (400 per class,
  4,000) are `train`, the fifth row (100 per class, 1,000) is `test`.
* a folder of images per class (torchvision's ImageFolder layout): `root/CLASS/*.jpg|png|...`,
  classes sorted by name (label = index). Splits: `root/train/...` and `root/test/...` when those
  folders exist; otherwise `all` is every image and `train`/`test` is a fixed split per class:
  files sorted by name, every fifth (index 4, 9, ...) in `test`, the rest in `train`.

Subsets: `count=None` is the whole split in its order; `count=k` draws k examples without
replacement with `numpy.random.default_rng(seed).choice(n, k, replace=False)`, in the drawn
order, so the same arguments always give the same examples. Only the chosen images are decoded
and preprocessed (the whole Fashion-MNIST train split at 128x128 would be 2.9 GB of int8).

Preprocessing is `frontends/images.py`'s `preprocess` for every data set: shorter side resized
to `resize` (default: the resolution) with Pillow's bilinear filter, centre crop
`resolution x resolution`, grayscale replicated to RGB, then the model's input quantization
(`quantization`: an imported module, an `McuModel` or an `InputQuantization`; default the
pretrained models' `scale = 1/127.5, zero_point = 0`, i.e. `x_q = trunc(pixel - 127.5)`).
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from PIL import Image

from tiny_training.frontends.images import (
    DEFAULT_RESOLUTION,
    InputQuantization,
    input_quantization,
    open_image,
    preprocess,
)

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

OPENCV_DIGITS_PATHS = (
    Path("/usr/share/doc/opencv-doc/examples/data/digits.png"),
    Path("/usr/share/doc/opencv-doc/examples/data/digits.png.gz"),
)
DIGITS_CLASSES = tuple(str(digit) for digit in range(10))
DIGIT_SIZE, DIGITS_PER_ROW, ROWS_PER_DIGIT, TRAIN_ROWS_PER_DIGIT = 20, 100, 5, 4

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".ppm", ".pgm", ".pbm", ".tif", ".tiff", ".webp")
FOLDER_TEST_EVERY = 5  # folder data sets without train/ and test/: every fifth file of a class is `test`

DATASET_NAMES = ("fashion-mnist", "digits", "opencv-digits")


class DatasetMissing(FileNotFoundError):
    """The data set's files are not there (a Debian package not installed, a wrong path)."""


class DatasetError(ValueError):
    """A data set that is there but malformed: an empty folder, an unreadable image, a bad argument."""


class Dataset(NamedTuple):
    inputs: np.ndarray  # int8 N x 1 x 3 x R x R
    labels: np.ndarray  # int32 N
    classes: tuple[str, ...]


# --- Fashion-MNIST --------------------------------------------------------------------------------


def _read_idx(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DatasetMissing(f"{path} not found (install Debian's dataset-fashion-mnist; make demo does)")
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion_mnist(split: str = "train", directory: Path = FASHION_MNIST_DIR) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 N x 28 x 28, labels uint8 N) of the `train` or `test` (`t10k`) split."""
    prefixes = {"train": "train", "test": "t10k", "t10k": "t10k"}
    if split not in prefixes:
        raise DatasetError(f"fashion-mnist: unknown split '{split}' (train, test)")
    images = _read_idx(directory / f"{prefixes[split]}-images-idx3-ubyte.gz")
    labels = _read_idx(directory / f"{prefixes[split]}-labels-idx1-ubyte.gz")
    return images, labels


def to_model_input(gray: np.ndarray, size: int = DEFAULT_RESOLUTION) -> np.ndarray:
    """A uint8 image (e.g. 28x28 grayscale) as the pretrained models' `1 x 3 x size x size` int8 input."""
    return preprocess(gray, size)


# --- OpenCV digits --------------------------------------------------------------------------------


def find_opencv_digits() -> Path:
    for path in OPENCV_DIGITS_PATHS:
        if path.is_file():
            return path
    raise DatasetMissing(
        f"OpenCV's digits.png not found at {OPENCV_DIGITS_PATHS[0]} (install Debian's opencv-doc; make test does)"
    )


def load_opencv_digits(split: str = "train", path: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 N x 20 x 20, labels uint8 N): `train` 4,000 (rows 0-3 of each digit), `test`
    1,000 (row 4 of each digit), `all` 5,000; ordered by digit, then row, then column."""
    if split not in ("train", "test", "all"):
        raise DatasetError(f"digits: unknown split '{split}' (train, test, all)")
    path = find_opencv_digits() if path is None else Path(path)
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    with Image.open(io.BytesIO(data)) as image:
        sheet = np.asarray(image.convert("L"), dtype=np.uint8)
    rows_total = 10 * ROWS_PER_DIGIT
    if sheet.shape != (rows_total * DIGIT_SIZE, DIGITS_PER_ROW * DIGIT_SIZE):
        raise DatasetError(f"{path}: expected a 2000x1000 sheet of 20x20 digits, got {sheet.shape[1]}x{sheet.shape[0]}")
    # cells[row, column] is one 20x20 digit
    cells = sheet.reshape(rows_total, DIGIT_SIZE, DIGITS_PER_ROW, DIGIT_SIZE).transpose(0, 2, 1, 3)
    rows = {"train": range(TRAIN_ROWS_PER_DIGIT), "test": range(TRAIN_ROWS_PER_DIGIT, ROWS_PER_DIGIT),
            "all": range(ROWS_PER_DIGIT)}[split]  # fmt: skip
    chosen = [ROWS_PER_DIGIT * digit + row for digit in range(10) for row in rows]
    images = cells[chosen].reshape(-1, DIGIT_SIZE, DIGIT_SIZE).copy()
    labels = np.repeat(np.arange(10, dtype=np.uint8), len(rows) * DIGITS_PER_ROW)
    return images, labels


# --- image folders --------------------------------------------------------------------------------


def _is_image(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES


def scan_image_folder(root: str | Path, split: str = "all") -> tuple[list[Path], np.ndarray, tuple[str, ...]]:
    """(image paths, int32 labels, class names) of an ImageFolder-layout data set, without decoding."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetMissing(f"{root}: no such folder (expected root/CLASS/IMAGE files)")
    if split not in ("train", "test", "all"):
        raise DatasetError(f"{root}: unknown split '{split}' (train, test, all)")
    folder, split_within = root, split
    if split in ("train", "test") and (root / split).is_dir():
        folder, split_within = root / split, "all"
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DatasetError(f"{folder}: no class folders (expected {folder}/CLASS/IMAGE files)")
    paths: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(classes):
        files = sorted((p for p in (folder / name).iterdir() if _is_image(p)), key=lambda p: p.name)
        if not files:
            raise DatasetError(f"{folder / name}: no images ({', '.join(IMAGE_SUFFIXES)}) in class folder '{name}'")
        if split_within != "all":
            files = [f for i, f in enumerate(files) if (i % FOLDER_TEST_EVERY == FOLDER_TEST_EVERY - 1) == (split_within == "test")]
        paths.extend(files)
        labels.extend([label] * len(files))
    return paths, np.array(labels, dtype=np.int32), tuple(classes)


# --- one entry point ------------------------------------------------------------------------------


def subset_indices(total: int, count: int | None, seed: int) -> np.ndarray:
    """All indices in order (`count=None`), or `count` drawn without replacement by `seed`."""
    if count is None:
        return np.arange(total)
    if not 0 <= count <= total:
        raise DatasetError(f"count {count} outside [0, {total}] (the split has {total} examples)")
    return np.random.default_rng(seed).choice(total, count, replace=False)


def _stack(images: Sequence[np.ndarray], resolution: int) -> np.ndarray:
    if not images:
        return np.zeros((0, 1, 3, resolution, resolution), dtype=np.int8)
    return np.stack(images)


def load_dataset(
    name_or_path: str | Path,
    split: str = "train",
    count: int | None = None,
    resolution: int = DEFAULT_RESOLUTION,
    seed: int = 0,
    *,
    resize: int | None = None,
    quantization: Any = None,
) -> Dataset:
    """(int8 inputs N x 1 x 3 x R x R, int32 labels N, class names) of a data set: `fashion-mnist`,
    `digits`, or an ImageFolder-layout folder. See the module documentation for splits, subsets
    and preprocessing; `quantization` is an imported module, an `McuModel`, an `InputQuantization`
    or None (the pretrained models')."""
    q: InputQuantization = input_quantization(quantization)
    name = str(name_or_path)

    def convert(image: Any) -> np.ndarray:
        return preprocess(image, resolution, resize=resize, quantization=q)

    if name in ("fashion-mnist", "digits", "opencv-digits"):
        if name == "fashion-mnist":
            images, raw_labels = load_fashion_mnist(split)
            classes = FASHION_MNIST_CLASSES
        else:
            images, raw_labels = load_opencv_digits(split)
            classes = DIGITS_CLASSES
        index = subset_indices(len(raw_labels), count, seed)
        inputs = _stack([convert(images[i]) for i in index], resolution)
        return Dataset(inputs, raw_labels[index].astype(np.int32), classes)

    root = Path(name_or_path)
    if not root.exists():
        raise DatasetMissing(f"{name}: neither a data set name ({', '.join(DATASET_NAMES)}) nor a folder")
    paths, labels, classes = scan_image_folder(root, split)
    index = subset_indices(len(paths), count, seed)
    inputs = []
    for i in index:
        try:
            image = open_image(paths[i])
        except ValueError as error:
            raise DatasetError(str(error)) from None
        inputs.append(convert(image))
    return Dataset(_stack(inputs, resolution), labels[index], classes)
