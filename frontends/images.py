"""Image preprocessing to the pretrained models' int8 input (FACTS.md section 2).

Resize the shorter side to `resize` (bilinear), centre-crop `size` x `size`,
RGB, then `x_q = trunc(pixel - 127.5)`: the real input is `(pixel - 127.5) /
127.5` with scale 1/127.5 and zero point 0, and truncation toward zero maps
0..255 onto -127..127.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def load_image(path: str | Path, *, size: int = 128, resize: int = 147) -> np.ndarray:
    """An NCHW int8 array `1 x 3 x size x size`."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    width, height = rgb.size
    ratio = resize / min(width, height)
    rgb = rgb.resize((max(size, round(width * ratio)), max(size, round(height * ratio))), Image.Resampling.BILINEAR)
    width, height = rgb.size
    left, top = (width - size) // 2, (height - size) // 2
    crop = np.asarray(rgb.crop((left, top, left + size, top + size)), dtype=np.float32)
    quantized = np.trunc(crop - 127.5).astype(np.int8)
    return quantized.transpose(2, 0, 1)[None]
