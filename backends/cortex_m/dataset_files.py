"""The dataset program's files (driver.c, TT_DATASET; little-endian): the samples going in,
the parameters going in and out. backends/cortex_m/harness.py runs the program on them.

    tt_dataset.bin     "TTDS", u32 version 1, u32 count, u32 image_bytes, u32 flags,
                       then count x (image_bytes int8, int32 label)
    tt_params_*.bin    "TTPW", u32 version 1, u32 count, then count x (u32 name_length,
                       name, u32 dtype (0 int8, 1 int32, 2 float32), u32 rank,
                       rank x u32 shape, u32 bytes, values)
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np

DATASET_FILE = "tt_dataset.bin"
PARAMS_OUT_FILE = "tt_params_out.bin"
PARAMS_IN_FILE = "tt_params_in.bin"
DATASET_MAGIC = b"TTDS"
PARAMS_MAGIC = b"TTPW"
FORMAT_VERSION = 1
FLAG_LOAD_PARAMS = 1
FLAG_NO_TRAIN = 2
FLAG_NO_INFER = 4
DTYPE_CODES = {np.dtype(np.int8): 0, np.dtype(np.int32): 1, np.dtype(np.float32): 2}
CODE_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}


class HarnessError(RuntimeError):
    """The dataset program did not run to its end."""


def write_dataset(path: Path | str, images, labels, *, flags: int = 0) -> int:
    """Writes the samples; returns the bytes of one image. Images: int8 arrays of one size."""
    images = [np.asarray(image) for image in images]
    labels = [int(label) for label in np.asarray(labels).reshape(-1)]
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if not images:
        raise ValueError("no samples")
    for index, image in enumerate(images):
        if image.dtype != np.int8:
            raise ValueError(f"image {index} is {image.dtype}; the program takes int8 images")
        if image.size != images[0].size:
            raise ValueError(f"image {index} has {image.size} values, image 0 has {images[0].size}")
    if any(not -(2**31) <= label < 2**31 for label in labels):
        raise ValueError("a label does not fit an int32")
    image_bytes = images[0].size
    with open(path, "wb") as file:
        file.write(DATASET_MAGIC + struct.pack("<4I", FORMAT_VERSION, len(images), image_bytes, flags))
        for image, label in zip(images, labels):
            file.write(np.ascontiguousarray(image).tobytes())
            file.write(struct.pack("<i", label))
    return image_bytes


def write_params(path: Path | str, params: Mapping[str, np.ndarray]) -> None:
    """Writes parameters (int8, int32 or float32 arrays, by name) in the program's format."""
    with open(path, "wb") as file:
        file.write(PARAMS_MAGIC + struct.pack("<2I", FORMAT_VERSION, len(params)))
        for name, value in params.items():
            value = np.asarray(value)
            if value.dtype not in DTYPE_CODES:
                raise ValueError(f"parameter {name}: {value.dtype} is not int8, int32 or float32")
            if value.ndim > 4:
                raise ValueError(f"parameter {name}: rank {value.ndim} > 4")
            encoded = name.encode()
            if len(encoded) > 255:
                raise ValueError(f"parameter name over 255 bytes: {name}")
            file.write(struct.pack("<I", len(encoded)) + encoded)
            file.write(struct.pack(f"<{2 + value.ndim}I", DTYPE_CODES[value.dtype], value.ndim, *value.shape))
            data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False).tobytes()
            file.write(struct.pack("<I", len(data)) + data)


def read_params(path: Path | str) -> dict[str, np.ndarray]:
    """Reads a parameter file (tt_params_out.bin): name -> array with the model's shape and dtype."""
    data = Path(path).read_bytes()
    if len(data) < 12 or data[:4] != PARAMS_MAGIC:
        raise HarnessError(f"{path} is not a parameter file (no TTPW header)")
    version, count = struct.unpack_from("<2I", data, 4)
    if version != FORMAT_VERSION:
        raise HarnessError(f"{path}: parameter file version {version}, expected {FORMAT_VERSION}")
    offset, params = 12, {}
    try:
        for _ in range(count):
            (length,) = struct.unpack_from("<I", data, offset)
            name = data[offset + 4 : offset + 4 + length].decode()
            offset += 4 + length
            code, rank = struct.unpack_from("<2I", data, offset)
            shape = struct.unpack_from(f"<{rank}I", data, offset + 8)
            (size,) = struct.unpack_from("<I", data, offset + 8 + 4 * rank)
            offset += 12 + 4 * rank
            dtype = CODE_DTYPES[code].newbyteorder("<")
            values = np.frombuffer(data, dtype=dtype, count=size // dtype.itemsize, offset=offset)
            params[name] = values.astype(CODE_DTYPES[code]).reshape(shape)
            offset += size
    except (struct.error, KeyError, ValueError) as error:
        raise HarnessError(f"{path}: malformed parameter file ({error})") from None
    if offset != len(data):
        raise HarnessError(f"{path}: {len(data) - offset} bytes after the last parameter")
    return params
