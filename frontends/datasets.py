"""Real data sets for on-device transfer learning, preprocessed to a model's int8 input.

Fashion-MNIST comes from Debian's `dataset-fashion-mnist` (IDX files in
/usr/share/datasets/fashion-mnist). Preprocessing, documented and reproducible: the
28x28 grayscale image is resized (bilinear) to `size` x `size`, replicated to RGB, and
quantized like the pretrained models' input: `x_q = trunc(pixel - 127.5)`.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
from PIL import Image

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


class DatasetMissing(FileNotFoundError):
    pass


def _read_idx(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DatasetMissing(f"{path} not found (install Debian's dataset-fashion-mnist; make demo does)")
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion_mnist(split: str = "train", directory: Path = FASHION_MNIST_DIR) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 N x 28 x 28, labels uint8 N) of the `train` or `t10k` split."""
    prefix = {"train": "train", "test": "t10k", "t10k": "t10k"}[split]
    images = _read_idx(directory / f"{prefix}-images-idx3-ubyte.gz")
    labels = _read_idx(directory / f"{prefix}-labels-idx1-ubyte.gz")
    return images, labels


def to_model_input(gray: np.ndarray, size: int = 128) -> np.ndarray:
    """A 28x28 uint8 image as the model's `1 x 3 x size x size` int8 input."""
    resized = Image.fromarray(gray).resize((size, size), Image.Resampling.BILINEAR)
    pixels = np.asarray(resized, dtype=np.float32)
    quantized = np.trunc(pixels - 127.5).astype(np.int8)
    return np.broadcast_to(quantized, (1, 3, size, size)).copy()
