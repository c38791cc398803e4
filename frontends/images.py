"""Image preprocessing to a model's int8 input: one documented rule for every data set.

`preprocess(image, resolution, resize=...)`, in order (FACTS.md section 2):

1. Pixels: any Pillow image or uint8 array (H x W grayscale, H x W x 1 or H x W x 3).
   Modes other than `L` (grayscale) and `RGB` are converted to RGB by Pillow first
   (palette expanded, alpha dropped).
2. Resize (Pillow bilinear, with its antialiasing when shrinking) so that the shorter side
   is `resize` pixels (default: `resolution`); the longer side is `round(side * ratio)`,
   at least `resolution`. An image already of that size is not resampled.
3. Centre crop `resolution` x `resolution` (left/top offset `(size - resolution) // 2`).
4. Grayscale is replicated to 3 channels (after resizing: the same values as resizing RGB).
5. Quantize with the model's input quantization `(scale, zero_point)`: the real input is
   `r = (pixel - 127.5) / 127.5` and `x_q = clamp(trunc(r / scale) + zero_point, -128, 127)`.
   For the pretrained models (`scale = 1/127.5`, `zero_point = 0`) this is
   `x_q = trunc(pixel - 127.5)`, mapping 0..255 symmetrically onto -127..127 (round half to
   even would send the half-integers `pixel - 127.5` to even values only).
6. NCHW: `1 x 3 x resolution x resolution` int8.

`load_image` applies it to a photo file with the ImageNet-style evaluation crop (shorter side
147 for 128, i.e. `round(resolution * 147 / 128)`); the data sets (`frontends/datasets.py`)
use `resize = resolution` (the whole centred square). The models are fully convolutional up to
the global pooling, so any resolution the strides allow works (128, 96 and 64 are tested) as
long as the model is imported at the same one (`import_pretrained(name, resolution=96)`,
`tt-import --input-shape 1,3,96,96`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

PIXEL_CENTER = 127.5  # the real input is (pixel - 127.5) / 127.5
DEFAULT_RESOLUTION = 128
PHOTO_RESIZE_RATIO = 147 / 128  # shorter side 147 for a 128 crop (ImageNet's 0.875 crop, rounded up)


@dataclass(frozen=True)
class InputQuantization:
    """The int8 quantization of a model's input image (first conv's `x_scale`, `x_zero`)."""

    scale: float = 1 / 127.5
    zero_point: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"input scale must be finite and positive, got {self.scale}")
        if not -128 <= self.zero_point <= 127:
            raise ValueError(f"input zero point {self.zero_point} outside [-128, 127]")


PRETRAINED_INPUT = InputQuantization()  # the three shared pretrained models


def input_quantization(model: Any = None) -> InputQuantization:
    """The input quantization of `model`: an imported `ModuleOp` (its `@main`'s, else its first
    function's, first argument), an `McuModel` (first conv), an `InputQuantization`, or None
    (the pretrained models' `1/127.5, 0`)."""
    if model is None:
        return PRETRAINED_INPUT
    if isinstance(model, InputQuantization):
        return model
    from tiny_training.frontends.mcu_pickle import McuModel

    if isinstance(model, McuModel):
        return InputQuantization(model.first_conv.x_scale, model.first_conv.x_zero)
    from xdsl.dialects import func
    from xdsl.dialects.builtin import ModuleOp, TensorType

    from tiny_training.dialects import qtrain

    if isinstance(model, ModuleOp):
        functions = [op for op in model.ops if isinstance(op, func.FuncOp)]
        chosen = next((f for f in functions if f.sym_name.data == "main"), functions[0] if functions else None)
        if chosen is None or not chosen.function_type.inputs.data:
            raise ValueError("input_quantization: the module has no function with an image argument")
        image_type = chosen.function_type.inputs.data[0]
        if not (isinstance(image_type, TensorType) and isinstance(image_type.element_type, qtrain.QInt8Type)):
            raise ValueError(f"input_quantization: @{chosen.sym_name.data} takes {image_type}, not an int8 image")
        q = qtrain.quant_params(image_type)
        return InputQuantization(float(q.scale_value), int(q.zero_point_value))
    raise TypeError(f"input_quantization: cannot read an input quantization from {type(model).__name__}")


def _as_pil(image: Image.Image | np.ndarray) -> Image.Image:
    if isinstance(image, Image.Image):
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {array.dtype}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return Image.fromarray(array, mode="L")
    if array.ndim == 3 and array.shape[2] == 3:
        return Image.fromarray(array, mode="RGB")
    raise ValueError(f"expected an H x W or H x W x 3 image, got shape {array.shape}")


def resize_and_crop(image: Image.Image | np.ndarray, resolution: int, resize: int | None = None) -> np.ndarray:
    """Steps 1-4: uint8 `resolution x resolution x 3` RGB pixels."""
    if resolution < 1:
        raise ValueError(f"resolution must be positive, got {resolution}")
    resize = resolution if resize is None else resize
    if resize < resolution:
        raise ValueError(f"resize ({resize}) must be at least the resolution ({resolution})")
    pil = _as_pil(image)
    width, height = pil.size
    if min(width, height) < 1:
        raise ValueError("empty image")
    ratio = resize / min(width, height)
    target = (max(resolution, round(width * ratio)), max(resolution, round(height * ratio)))
    if target != pil.size:
        pil = pil.resize(target, Image.Resampling.BILINEAR)
    width, height = pil.size
    left, top = (width - resolution) // 2, (height - resolution) // 2
    crop = np.asarray(pil.crop((left, top, left + resolution, top + resolution)), dtype=np.uint8)
    if crop.ndim == 2:
        crop = np.repeat(crop[:, :, None], 3, axis=2)
    return crop


def quantize_pixels(pixels: np.ndarray, quantization: InputQuantization = PRETRAINED_INPUT) -> np.ndarray:
    """Steps 5-6: uint8 `H x W x 3` pixels -> int8 `1 x 3 x H x W`."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected uint8 H x W x 3 pixels, got {pixels.dtype} {pixels.shape}")
    centred = pixels.astype(np.float64) - PIXEL_CENTER
    if quantization.scale == 1 / PIXEL_CENTER:
        steps = centred  # exact: r / scale = pixel - 127.5
    else:
        steps = centred / (PIXEL_CENTER * quantization.scale)
    quantized = np.clip(np.trunc(steps) + quantization.zero_point, -128, 127).astype(np.int8)
    return quantized.transpose(2, 0, 1)[None].copy()


def preprocess(
    image: Image.Image | np.ndarray,
    resolution: int = DEFAULT_RESOLUTION,
    *,
    resize: int | None = None,
    quantization: InputQuantization = PRETRAINED_INPUT,
) -> np.ndarray:
    """Any grayscale or RGB image -> the model's int8 input `1 x 3 x resolution x resolution`."""
    return quantize_pixels(resize_and_crop(image, resolution, resize), quantization)


def photo_resize(resolution: int) -> int:
    """The shorter side of the ImageNet-style evaluation crop: 147 for 128, 110 for 96, 74 for 64."""
    return round(resolution * PHOTO_RESIZE_RATIO)


def open_image(path: str | Path) -> Image.Image:
    """A fully decoded Pillow image (L or RGB); `ValueError` naming the file if it cannot be read."""
    try:
        with Image.open(path) as image:
            image.load()
            return image if image.mode in ("L", "RGB") else image.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"{path}: cannot read the image ({type(error).__name__}: {error})") from None


def load_image(
    path: str | Path,
    *,
    size: int = DEFAULT_RESOLUTION,
    resize: int | None = None,
    quantization: InputQuantization = PRETRAINED_INPUT,
) -> np.ndarray:
    """A photo as an NCHW int8 array `1 x 3 x size x size` (shorter side `resize`, default
    `photo_resize(size)` = 147 for 128, then the centre crop)."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    return preprocess(rgb, size, resize=photo_resize(size) if resize is None else resize, quantization=quantization)
