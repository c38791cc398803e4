"""The imported IR of each pretrained model (fake-quant PyTorch module -> torch-mlir ->
`torch` dialect -> convert-torch-to-qtrain), run on the reference interpreter, gives
bit-exactly the int8 logits of an independent numpy implementation of FACTS.md
section 2, written here from the model file alone (nothing from
`tiny_training.interpreters` or `tiny_training.dialects` is used for the expectation).

Rounding is half to even everywhere; requantization in IEEE single precision with
`eff[c] = f32(s_x * s_w[c] / s_y)`; the bias is added with int32 saturation; the
global average pool is the exact quotient rounded half to even.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tiny_training.frontends.images import load_image
from tiny_training.frontends.mcu_pickle import McuModel, QConv, load_mcu_model
from tiny_training.paths import SharedDirMissing, shared_dir

try:
    SHARED = shared_dir()
    SHARED_MISSING_REASON = ""
except SharedDirMissing as error:
    SHARED = None
    SHARED_MISSING_REASON = f"the shared models and photos are absent: {error}"

pytestmark = pytest.mark.skipif(SHARED is None, reason=SHARED_MISSING_REASON or "shared folder missing")

MODELS = ["mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3"]
PHOTOS = ["apple.jpg", "baboon.jpg", "butterfly.jpg", "orange.jpg", "squirrel_cls.jpg"]
SANITY = [
    ("mcunet-5fps", "orange.jpg", "orange"),
    ("mbv2-w0.35", "orange.jpg", "orange"),
    ("mcunet-5fps", "butterfly.jpg", "monarch"),
    ("proxyless-w0.3", "butterfly.jpg", "monarch"),
]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# ------------------------------------------------------------------ numpy reference


def round_half_even_div(total: np.ndarray, count: int) -> np.ndarray:
    """Exact integer `total / count` rounded half to even (count > 0)."""
    total = total.astype(np.int64)
    quotient, remainder = np.divmod(total, count)  # floor division, 0 <= remainder < count
    twice = 2 * remainder
    up = (twice > count) | ((twice == count) & (quotient % 2 != 0))
    return quotient + up.astype(np.int64)


def np_conv(x: np.ndarray, conv: QConv) -> np.ndarray:
    """int8 NCHW in, int8 NCHW out, per FACTS.md section 2."""
    assert x.dtype == np.int8 and x.shape[1] == conv.in_channels
    pad = conv.kernel_size // 2
    # (x - z_x) as exact integers in float64; zero padding of the centred input = padding with z_x.
    centred = torch.from_numpy(x.astype(np.float64) - conv.x_zero)
    weight = torch.from_numpy(conv.weight.astype(np.float64))
    summed = F.conv2d(centred, weight, stride=conv.stride, padding=pad, groups=conv.groups).numpy()
    # Every partial sum is an integer below 2**53 in magnitude, so float64 is exact.
    products = np.rint(summed).astype(np.int64)
    assert np.array_equal(products.astype(np.float64), summed)
    assert products.shape[2:] == tuple(conv.out_shape), (conv.path, products.shape, conv.out_shape)
    acc = np.clip(products + conv.bias.astype(np.int64)[None, :, None, None], INT32_MIN, INT32_MAX)
    eff = np.array(
        [np.float32(float(conv.x_scale) * float(s_w) / float(conv.y_scale)) for s_w in conv.w_scales],
        dtype=np.float32,
    )
    scaled = acc.astype(np.float32) * eff[None, :, None, None]
    assert scaled.dtype == np.float32
    y = np.rint(scaled).astype(np.int64) + conv.y_zero
    return np.clip(y, -128, 127).astype(np.int8)


def np_add(a: np.ndarray, sa: float, za: int, b: np.ndarray, sb: float, zb: int, sy: float, zy: int) -> np.ndarray:
    ma = np.float32(float(sa) / float(sy))
    mb = np.float32(float(sb) / float(sy))
    total = (a.astype(np.int32) - za).astype(np.float32) * ma + (b.astype(np.int32) - zb).astype(np.float32) * mb
    assert total.dtype == np.float32
    y = np.rint(total).astype(np.int64) + zy
    return np.clip(y, -128, 127).astype(np.int8)


def np_global_avgpool(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    total = x.astype(np.int64).sum(axis=(2, 3), keepdims=True)
    return np.clip(round_half_even_div(total, h * w), -128, 127).astype(np.int8)


def np_forward(model: McuModel, image: np.ndarray) -> np.ndarray:
    """int8 logits `1 x K x 1 x 1` of the model for an int8 NCHW image."""
    x = np_conv(image, model.first_conv)
    scale, zero = model.first_conv.y_scale, model.first_conv.y_zero
    for block in model.blocks:
        shortcut, s_short, z_short = x, scale, zero
        for conv in block.convs:
            x = np_conv(x, conv)
            scale, zero = conv.y_scale, conv.y_zero
        if block.residual is not None:
            res = block.residual
            x = np_add(shortcut, s_short, z_short, x, scale, zero, res.y_scale, res.y_zero)
            scale, zero = res.y_scale, res.y_zero
    if model.feature_mix is not None:
        x = np_conv(x, model.feature_mix)
    x = np_global_avgpool(x)
    return np_conv(x, model.classifier)


# ------------------------------------------------------------------ fixtures


@functools.lru_cache(maxsize=None)
def model_file(name: str) -> McuModel:
    return load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl")


@functools.lru_cache(maxsize=None)
def image(photo: str) -> np.ndarray:
    return load_image(SHARED / "data" / "photos" / photo)


@functools.lru_cache(maxsize=None)
def numpy_logits(name: str, photo: str) -> np.ndarray:
    return np_forward(model_file(name), image(photo))


@functools.lru_cache(maxsize=None)
def imagenet_labels() -> list[str]:
    lines = (SHARED / "data" / "photos" / "imagenet_classes.txt").read_text().splitlines()
    return [line.split(",")[0].strip() for line in lines if line.strip()]


@pytest.fixture(scope="module", params=MODELS)
def imported(request):
    """(name, interpreter of the imported IR), imported once per model for this module."""
    from tiny_training.frontends.mcu_torch import McuFakeQuantNet
    from tiny_training.frontends.torch_import import import_to_torch_dialect
    from tiny_training.interpreters import ReferenceInterpreter  # runs the IR under test only
    from tiny_training.passes.convert_torch_to_qtrain import ConvertTorchToQtrainPass

    name = request.param
    result = import_to_torch_dialect(McuFakeQuantNet(model_file(name)), [torch.zeros(1, 3, 128, 128)])
    ConvertTorchToQtrainPass().apply(result.context, result.module)
    result.module.verify()
    return name, ReferenceInterpreter(result.module)


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("photo", PHOTOS)
def test_imported_ir_bitexact_with_numpy(imported, photo):
    name, interpreter = imported
    (got,) = interpreter.call("main", image(photo))
    expected = numpy_logits(name, photo)
    assert got.dtype == np.int8 and got.shape == expected.shape
    mismatch = np.flatnonzero(got.ravel() != expected.ravel())
    assert mismatch.size == 0, (
        f"{name} / {photo}: {mismatch.size} logits differ, first at class {mismatch[0]}: "
        f"interpreter {got.ravel()[mismatch[0]]}, numpy {expected.ravel()[mismatch[0]]}"
    )


@pytest.mark.parametrize(("name", "photo", "label"), SANITY)
def test_numpy_sanity_labels(name, photo, label):
    logits = numpy_logits(name, photo).ravel()
    labels = imagenet_labels()
    assert len(labels) == logits.size == 1000
    assert labels[int(np.argmax(logits))] == label


def test_round_half_even_div():
    totals = np.array([5, 7, -5, -7, 6, -6, 3, -3, 1, -1], dtype=np.int64)
    # /2: 2.5->2, 3.5->4, -2.5->-2, -3.5->-4, 3, -3, 1.5->2, -1.5->-2, 0.5->0, -0.5->0
    np.testing.assert_array_equal(round_half_even_div(totals, 2), [2, 4, -2, -4, 3, -3, 2, -2, 0, 0])
    np.testing.assert_array_equal(round_half_even_div(np.array([7, -7, 8, -8, 25, -25]), 16), [0, 0, 0, 0, 2, -2])
