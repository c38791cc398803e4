"""Independent references for the interpreter tests (test_qtrain_reference*.py): the
semantics of dialects/qtrain/__init__.py re-implemented with PyTorch, Python integers and
`fractions.Fraction`; nothing here uses the interpreter or the dialect's helpers."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, settings

from qtrain_builders import (
    conv_module,
    run,
)

# Independent constants (deliberately not imported from the code under test).
I8_MIN, I8_MAX = -128, 127
I32_MIN, I32_MAX = -(2**31), 2**31 - 1

HYPOTHESIS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


# --------------------------------------------------------------------------- independent references


def torch_conv_expected(x, x_q, weight, bias, y_q, *, stride, pad, groups, w_scales) -> np.ndarray:
    """conv2d semantics recomputed with PyTorch.

    The sum of products runs in float64 on integer values: every product is at
    most 255*128 and every sum far below 2**53, so `F.conv2d` in float64 is exact
    (checked below). Zero-point padding = padding the centred input with 0.
    The requantization is done stepwise in torch float32 (`torch.round` is half
    to even), with `eff` computed from the f64 scales and the f32-stored
    `w_scales` (the IR attribute is `array<f32>`).
    """
    s_x, z_x = x_q
    s_y, z_y = y_q
    top, left, bottom, right = pad
    centred = torch.from_numpy(np.asarray(x, dtype=np.float64)) - z_x
    centred = F.pad(centred, (left, right, top, bottom), value=0.0)
    sums = F.conv2d(centred, torch.from_numpy(np.asarray(weight, dtype=np.float64)), stride=tuple(stride), groups=groups)
    assert torch.equal(sums, torch.round(sums)), "float64 conv is not exact on these values"
    sums = sums.to(torch.int64)
    assert int(sums.min()) >= I32_MIN and int(sums.max()) <= I32_MAX
    acc = torch.clamp(sums + torch.from_numpy(np.asarray(bias, dtype=np.int64))[None, :, None, None], I32_MIN, I32_MAX)
    s_w = torch.tensor([float(s) for s in w_scales], dtype=torch.float32).to(torch.float64)
    eff = (s_x * s_w / s_y).to(torch.float32)
    scaled = acc.to(torch.float32) * eff[None, :, None, None]
    assert scaled.dtype == torch.float32
    y = torch.clamp(torch.round(scaled).to(torch.int64) + z_y, I8_MIN, I8_MAX)
    return y.numpy().astype(np.int8)


def torch_add_expected(a, a_q, b, b_q, y_q) -> np.ndarray:
    """add semantics: f32 multipliers from the f64 scale ratios, f32 products, f32 sum."""
    m_a = torch.tensor(a_q[0] / y_q[0], dtype=torch.float64).to(torch.float32)
    m_b = torch.tensor(b_q[0] / y_q[0], dtype=torch.float64).to(torch.float32)
    a_c = (torch.from_numpy(np.asarray(a, dtype=np.int64)) - a_q[1]).to(torch.float32)
    b_c = (torch.from_numpy(np.asarray(b, dtype=np.int64)) - b_q[1]).to(torch.float32)
    prod_a = a_c * m_a
    prod_b = b_c * m_b
    total = prod_a + prod_b
    assert total.dtype == torch.float32
    y = torch.clamp(torch.round(total).to(torch.int64) + y_q[1], I8_MIN, I8_MAX)
    return y.numpy().astype(np.int8)


def round_half_even(value: Fraction) -> int:
    """Exact round-half-to-even of a rational, with integer arithmetic only."""
    floor = math.floor(value)
    frac = value - floor
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and floor % 2 == 1):
        return floor + 1
    return floor


def fraction_avgpool_expected(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    out = np.empty((n, c, 1, 1), dtype=np.int8)
    for i in range(n):
        for j in range(c):
            total = sum(int(v) for v in x[i, j].ravel())
            out[i, j, 0, 0] = round_half_even(Fraction(total, h * w))
    return out


def torch_dequantize_expected(q: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    centred = (torch.from_numpy(q.astype(np.int64)) - zero_point).to(torch.float32)
    return (centred * torch.tensor(scale, dtype=torch.float64).to(torch.float32)).numpy()


def linear_error_bound(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Worst-case fp32 error of x @ W^T + b for ANY summation order (and with or
    without FMA): |fl(y) - y| <= gamma_{K+1} * (sum_k |x_k W_jk| + |b_j|),
    gamma_n = n*u / (1 - n*u), u = 2**-24 (Higham, Accuracy and Stability, 3.1).
    The op leaves the order unspecified, so this is the tolerance to use."""
    k = x.shape[1]
    u = 2.0**-24
    gamma = (k + 1) * u / (1 - (k + 1) * u)
    magnitude = np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)).T + np.abs(b.astype(np.float64))
    return gamma * magnitude + np.finfo(np.float32).tiny


def exact_linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """f32 inputs, f64 arithmetic: products exact, sums with error ~2**-53 (negligible next to the bound)."""
    return x.astype(np.float64) @ w.astype(np.float64).T + b.astype(np.float64)


def q8(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(I8_MIN, I8_MAX + 1, size=shape).astype(np.int8)


def check_conv(x, x_q, weight, bias, y_q, *, stride, pad, groups, w_scales):
    module = conv_module(
        x.shape, x_q, weight, bias, y_q, stride=stride, pad=pad, groups=groups, w_scales=w_scales
    )
    (got,) = run(module, x)
    expected = torch_conv_expected(
        x, x_q, weight, bias, y_q, stride=stride, pad=pad, groups=groups, w_scales=w_scales
    )
    assert got.dtype == np.int8
    assert got.shape == expected.shape
    mismatch = np.argwhere(got != expected)
    assert mismatch.size == 0, (
        f"{len(mismatch)} of {got.size} outputs differ; first at {tuple(mismatch[0])}: "
        f"interpreter {got[tuple(mismatch[0])]}, expected {expected[tuple(mismatch[0])]}"
    )
    return expected
