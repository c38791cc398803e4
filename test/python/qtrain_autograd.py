"""Shared pieces of the gradient tests (test_qtrain_gradients*.py): independent float64
PyTorch helpers, tolerances (see test_qtrain_gradients.py's docstring) and small
builders; nothing here uses the interpreter's or the dialect's helpers."""


from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, settings
from xdsl.dialects.builtin import TensorType, f32, i8

# Independent constants (deliberately not imported from the code under test).
I8_MIN, I8_MAX = -128, 127

HYPOTHESIS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

SUM_RTOL = 1e-6  # f64 sum rounded once to f32 (see the module docstring)
SUM_ATOL_OF_MAGNITUDE = 1e-12  # f64 rounding of cancelling sums, relative to sum(|terms|)


# --------------------------------------------------------------------------- helpers


def ftensor(shape: Sequence[int]) -> TensorType:
    return TensorType(f32, shape)


def itensor(shape: Sequence[int], element=i8) -> TensorType:
    return TensorType(element, shape)


def q8(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(I8_MIN, I8_MAX + 1, size=shape).astype(np.int8)


def f32_values(rng: np.random.Generator, shape, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(size=shape) * scale).astype(np.float32)


def t64(a) -> torch.Tensor:
    return torch.from_numpy(np.asarray(a).astype(np.float64))


def leaf(a) -> torch.Tensor:
    return t64(a).requires_grad_(True)


def f32_of(value: float) -> float:
    """The f64 value of `f32(value)` (one rounding)."""
    return float(np.float32(value))


def assert_close_sum(got: np.ndarray, expected: torch.Tensor, magnitude: torch.Tensor | None = None, what=""):
    """|got - expected| <= SUM_RTOL * |expected| + SUM_ATOL_OF_MAGNITUDE * magnitude, elementwise."""
    assert got.dtype == np.float32, f"{what}: dtype {got.dtype}"
    exp = expected.detach().numpy()
    assert got.shape == exp.shape, f"{what}: shape {got.shape} vs {exp.shape}"
    mag = np.zeros_like(exp) if magnitude is None else magnitude.detach().numpy()
    got, exp, mag = np.atleast_1d(got), np.atleast_1d(exp), np.atleast_1d(mag)  # rank-0 losses too
    diff = np.abs(got.astype(np.float64) - exp)
    bound = SUM_RTOL * np.abs(exp) + SUM_ATOL_OF_MAGNITUDE * mag + np.finfo(np.float32).tiny
    bad = np.argwhere(diff > bound)
    assert bad.size == 0, (
        f"{what}: {len(bad)} of {got.size} differ; worst at {np.unravel_index(np.argmax(diff - bound), got.shape)}: "
        f"got {got.flat[np.argmax(diff - bound)]!r}, autograd {exp.flat[np.argmax(diff - bound)]!r}"
    )


def assert_exact(got: np.ndarray, expected: torch.Tensor, what=""):
    assert got.dtype == np.float32, f"{what}: dtype {got.dtype}"
    np.testing.assert_array_equal(got, expected.detach().to(torch.float32).numpy(), err_msg=what)


def torch_pad(x: torch.Tensor, pad_tlbr: Sequence[int]) -> torch.Tensor:
    top, left, bottom, right = pad_tlbr
    return F.pad(x, (left, right, top, bottom))


def conv_out_hw(hw, k_hw, stride, pad) -> tuple[int, int]:
    top, left, bottom, right = pad
    return (
        (hw[0] + top + bottom - k_hw[0]) // stride[0] + 1,
        (hw[1] + left + right - k_hw[1]) // stride[1] + 1,
    )


def torch_conv_int(x_centred: torch.Tensor, weight: torch.Tensor, stride, pad, groups) -> torch.Tensor:
    """Sum of products of integer-domain values (f64, exact for these magnitudes)."""
    return F.conv2d(torch_pad(x_centred, pad), weight, stride=tuple(stride), groups=groups)
