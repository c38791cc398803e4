"""The reference interpreter (interpreters/qtrain.py) against independent computations.

Every expected value here comes either from a hand computation (written out in
the comments) or from an independent re-implementation of the semantics in the
module docstring of dialects/qtrain/__init__.py, done with PyTorch / Python integers /
`fractions.Fraction`. Nothing is derived from the interpreter or from helpers of
the dialect (`requant_multipliers`, `add_multipliers`, ...).

Semantics being checked (dialects/qtrain/__init__.py):
* conv2d: acc = sat32(sum((x - z_x) * W) + b); y = clamp(rint(f32(acc) * eff[c]) + z_y),
  eff[c] = f32(s_x * s_w[c] / s_y); padding is real zero (= z_x).
* add: y = clamp(rint(f32(a - z_a) * m_a + f32(b - z_b) * m_b) + z_y), f32 products and sum.
* global_avgpool: rint(sum / (H*W)) exactly, half to even.
* dequantize: f32(q - z) * f32(s).  linear: x @ W^T + b in f32.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import TensorType, f32, i8, i32

from qtrain_builders import (
    FunctionBuilder,
    add_module,
    avgpool_module,
    conv_module,
    dequantize_module,
    flatten_module,
    run,
)
from tiny_training.dialects import qtrain
from tiny_training.interpreters import InterpreterInputError, ReferenceInterpreter

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


# --------------------------------------------------------------------------- conv2d vs torch


CONV_CASES = {
    # name: (x shape, weight shape, stride, pad [t, l, b, r], groups, x (scale, zp), y zp)
    "pointwise_1x1": ((1, 8, 5, 5), (6, 8, 1, 1), (1, 1), (0, 0, 0, 0), 1, (0.05, 3), -5),
    "pointwise_1x1_stride2": ((2, 5, 6, 6), (7, 5, 1, 1), (2, 2), (0, 0, 0, 0), 1, (0.02, -128), 0),
    "3x3_s1_p1": ((1, 4, 6, 6), (5, 4, 3, 3), (1, 1), (1, 1, 1, 1), 1, (0.03, -17), 9),
    "3x3_s1_p1_relu6_zp": ((1, 3, 5, 5), (4, 3, 3, 3), (1, 1), (1, 1, 1, 1), 1, (6 / 255, -128), -128),
    "depthwise_3x3_s2_7x7": ((1, 6, 7, 7), (6, 1, 3, 3), (2, 2), (1, 1, 1, 1), 6, (0.04, -128), -128),
    "depthwise_3x3_s2_9x9_batch2": ((2, 4, 9, 9), (4, 1, 3, 3), (2, 2), (1, 1, 1, 1), 4, (0.1, 20), -3),
    "depthwise_5x5_s1_p2": ((1, 3, 7, 7), (3, 1, 5, 5), (1, 1), (2, 2, 2, 2), 3, (0.07, -40), 12),
    "depthwise_7x7_s2_p3": ((1, 2, 11, 11), (2, 1, 7, 7), (2, 2), (3, 3, 3, 3), 2, (0.05, 7), -100),
    "depthwise_multiplier_2": ((1, 3, 6, 6), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 3, (0.05, 0), 0),
    "grouped_g2": ((1, 4, 6, 6), (6, 2, 3, 3), (1, 1), (1, 1, 1, 1), 2, (0.03, 11), -7),
    "grouped_g2_s2_odd": ((1, 6, 7, 7), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 2, (0.02, -60), 33),
    "5x5_s1_p2": ((1, 3, 8, 8), (4, 3, 5, 5), (1, 1), (2, 2, 2, 2), 1, (0.02, 5), 0),
    "5x5_s2_p2_odd": ((1, 2, 9, 9), (3, 2, 5, 5), (2, 2), (2, 2, 2, 2), 1, (0.02, -128), -128),
    "7x7_s1_p3": ((1, 2, 9, 9), (3, 2, 7, 7), (1, 1), (3, 3, 3, 3), 1, (0.01, -9), 4),
    "7x7_s2_p3_first_conv": ((1, 3, 15, 15), (4, 3, 7, 7), (2, 2), (3, 3, 3, 3), 1, (1 / 127.5, 0), -128),
    "asym_pad_3x3_s2": ((1, 3, 8, 8), (4, 3, 3, 3), (2, 2), (0, 0, 1, 1), 1, (0.04, -30), 2),
    "asym_pad_tlbr_all_different": ((1, 2, 6, 7), (3, 2, 3, 3), (1, 1), (0, 1, 2, 3), 1, (0.04, 50), -20),
    "asym_pad_depthwise": ((1, 4, 7, 6), (4, 1, 3, 3), (2, 1), (2, 0, 1, 3), 4, (0.06, -128), 0),
    "nonsquare_kernel_3x1": ((1, 3, 6, 5), (4, 3, 3, 1), (1, 2), (1, 0, 1, 0), 1, (0.03, 1), -1),
    "nonsquare_kernel_1x5": ((1, 2, 4, 9), (3, 2, 1, 5), (1, 1), (0, 2, 0, 2), 1, (0.03, -2), 6),
}


@pytest.mark.parametrize("case", sorted(CONV_CASES), ids=str)
def test_conv2d_matches_torch(case):
    x_shape, w_shape, stride, pad, groups, x_q, z_y = CONV_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))  # fixed seed per case
    x = q8(rng, x_shape)
    weight = q8(rng, w_shape)
    c_out, c_per_group, k_h, k_w = w_shape
    k = c_per_group * k_h * k_w
    w_scales = rng.uniform(0.002, 0.02, size=c_out)  # per-channel, all different
    bias = rng.integers(-30000, 30000, size=c_out)
    # Pick s_y so that eff * typical |acc| is a few tens: outputs mostly inside the rails.
    typical_acc = 75 * 75 * math.sqrt(k)
    s_y = x_q[0] * float(np.median(w_scales)) * typical_acc / 40.0
    expected = check_conv(
        x, x_q, weight, bias, (s_y, z_y), stride=stride, pad=pad, groups=groups, w_scales=w_scales
    )
    # The data must exercise the arithmetic, not only the rails.
    inside = np.mean((expected > I8_MIN) & (expected < I8_MAX))
    assert inside > 0.5, f"test data saturates too much ({inside:.2f} inside)"


def test_conv2d_zero_point_padding_is_real_zero():
    # A 3x3 all-ones kernel, pad 1, input constant equal to z_x = 100: every
    # centred input is 0, padded ones too, so acc = bias everywhere. Padding with
    # raw 0 instead of z_x would give border accs of -100 * (#padded taps).
    x = np.full((1, 1, 3, 3), 100, dtype=np.int8)
    weight = np.ones((1, 1, 3, 3), dtype=np.int8)
    module = conv_module(
        x.shape, (1.0, 100), weight, np.array([7]), (1.0, 0), stride=(1, 1), pad=(1, 1, 1, 1), groups=1, w_scales=[1.0]
    )
    (got,) = run(module, x)
    # eff = 1 * 1 / 1 = 1: y = rint(7) + 0 = 7 everywhere.
    np.testing.assert_array_equal(got, np.full((1, 1, 3, 3), 7, dtype=np.int8))


@st.composite
def conv_params(draw):
    depthwise = draw(st.booleans())
    if depthwise:
        groups = draw(st.integers(1, 5))
        c_per_group, out_per_group = 1, draw(st.integers(1, 2))
    else:
        groups = draw(st.integers(1, 3))
        c_per_group, out_per_group = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k_h = draw(st.sampled_from([1, 2, 3, 5, 7]))
    k_w = draw(st.sampled_from([k_h, k_h, 1, 3]))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pad = tuple(draw(st.integers(0, 3)) for _ in range(4))
    h = draw(st.integers(max(1, k_h - pad[0] - pad[2]), 10))
    w = draw(st.integers(max(1, k_w - pad[1] - pad[3]), 10))
    n = draw(st.integers(1, 2))
    z_x = draw(st.integers(I8_MIN, I8_MAX))
    z_y = draw(st.integers(I8_MIN, I8_MAX))
    dyadic = draw(st.booleans())  # power-of-two scales: exact eff, frequent exact ties
    extreme_bias = draw(st.sampled_from([None, I32_MIN, I32_MAX]))
    spread = draw(st.floats(-3.0, 3.0))
    seed = draw(st.integers(0, 2**32 - 1))
    return dict(
        groups=groups, c_per_group=c_per_group, out_per_group=out_per_group, k=(k_h, k_w), stride=stride,
        pad=pad, hw=(h, w), n=n, z_x=z_x, z_y=z_y, dyadic=dyadic, extreme_bias=extreme_bias,
        spread=spread, seed=seed,
    )  # fmt: skip


@HYPOTHESIS
@given(conv_params())
def test_conv2d_random_matches_torch(p):
    rng = np.random.default_rng(p["seed"])
    groups = p["groups"]
    c_in, c_out = groups * p["c_per_group"], groups * p["out_per_group"]
    k_h, k_w = p["k"]
    x = q8(rng, (p["n"], c_in, *p["hw"]))
    k = p["c_per_group"] * k_h * k_w
    if p["dyadic"]:
        # Power-of-two scales with eff = 2**-1 .. 2**-7 and small weights: eff is exact,
        # so acc * eff lands exactly on x.5 for a good fraction of the outputs (ties).
        weight = rng.integers(-2, 3, size=(c_out, p["c_per_group"], k_h, k_w)).astype(np.int8)
        bias = rng.integers(-200, 201, size=c_out)
        typical_acc = 75 * 1.2 * math.sqrt(k) + 100
        s_x = 2.0 ** -int(rng.integers(0, 9))
        s_y = 2.0 ** -int(rng.integers(0, 9))
        exps = np.clip(np.round(np.log2(40.0 / typical_acc) + p["spread"] + rng.uniform(-1, 1, size=c_out)), -7, -1)
        w_scales = [2.0 ** int(e) * s_y / s_x for e in exps]
    else:
        weight = q8(rng, (c_out, p["c_per_group"], k_h, k_w))
        bias = rng.integers(-40000, 40000, size=c_out)
        typical_acc = 75 * 75 * math.sqrt(k) + 20000
        s_x = float(rng.uniform(0.001, 0.1))
        w_scales = list(rng.uniform(0.001, 0.05, size=c_out))
        s_y = s_x * float(np.mean(w_scales)) / (40.0 / typical_acc * 2.0 ** p["spread"])
    if p["extreme_bias"] is not None:
        bias[rng.integers(c_out)] = p["extreme_bias"]
    check_conv(
        x, (s_x, p["z_x"]), weight, bias, (s_y, p["z_y"]),
        stride=p["stride"], pad=p["pad"], groups=groups, w_scales=w_scales,
    )  # fmt: skip


# --------------------------------------------------------------------------- conv2d by hand


def run_1x1(values, *, z_x=0, w=1, b=0, s_x=1.0, s_w=1.0, s_y=1.0, z_y=0) -> list[int]:
    """A 1x1 conv with one channel over a 1x1x1xN input: acc = (x - z_x) * w + b."""
    x = np.array(values, dtype=np.int8).reshape(1, 1, 1, -1)
    module = conv_module(
        x.shape, (s_x, z_x), np.array([[[[w]]]]), np.array([b]), (s_y, z_y),
        stride=(1, 1), pad=(0, 0, 0, 0), groups=1, w_scales=[s_w],
    )  # fmt: skip
    (y,) = run(module, x)
    return y.reshape(-1).tolist()


def test_conv2d_hand_ties_exact_multiplier():
    # eff = 1 * 0.5 / 1 = 0.5 exactly; acc = x.
    #   5 * 0.5 =  2.5 ->  2      7 * 0.5 =  3.5 ->  4     -5 * 0.5 = -2.5 -> -2
    #  -7 * 0.5 = -3.5 -> -4      3 * 0.5 =  1.5 ->  2      1 * 0.5 =  0.5 ->  0
    #  -1 * 0.5 = -0.5 ->  0     -3 * 0.5 = -1.5 -> -2      9 * 0.5 =  4.5 ->  4
    assert run_1x1([5, 7, -5, -7, 3, 1, -1, -3, 9], s_w=0.5) == [2, 4, -2, -4, 2, 0, 0, -2, 4]


def test_conv2d_hand_ties_inexact_multiplier_rounded_in_f32():
    # eff = f32(0.1 * 1 / 1) = 0.100000001490116... (13421773 * 2**-27).
    # acc = 25: exact product 2.50000003725; nearest f32 is 2.5 (ulp 2**-22 there)
    #           -> rint(2.5) = 2. (In f64 it would be 2.5000000373 -> 3.)
    # acc = 35: 3.50000005215 -> f32 3.5 -> 4.
    # acc = -25: -2.5 -> -2.   acc = 5: 0.500000007 -> f32 0.5 -> 0 (f64 would give 1).
    # acc = 15: 1.5 -> 2.      acc = 26: 2.6000000387 -> 3.
    assert run_1x1([25, 35, -25, 5, 15, 26], s_x=0.1) == [2, 4, -2, 0, 2, 3]


def test_conv2d_hand_multiplier_rounded_to_f32_first():
    # s_x = 0.5 - 2**-30, s_w = 1, s_y = 1: eff = f32(0.5 - 2**-30) = 0.5 (the f32
    # neighbours of 0.5 are 0.5 - 2**-25 and 0.5 + 2**-24).
    #   acc 3 -> 1.5 -> 2;  acc 7 -> 3.5 -> 4;  acc 5 -> 2.5 -> 2;  acc -3 -> -1.5 -> -2
    # (with the unrounded f64 multiplier: 1.4999999972 -> 1, 3.49999999 -> 3, 2, -1).
    assert run_1x1([3, 7, 5, -3], s_x=0.5 - 2.0**-30) == [2, 4, 2, -2]


def test_conv2d_hand_zero_point_added_after_rounding():
    # eff = 0.5, z_y = 11:  y = rint(acc * 0.5) + 11.
    #   acc 5  -> rint(2.5)  = 2  -> 13   (rounding after adding z_y: rint(13.5) = 14)
    #   acc -5 -> rint(-2.5) = -2 -> 9    (rint(8.5) = 8)
    #   acc 7  -> 4 -> 15;  acc 0 -> 11
    assert run_1x1([5, -5, 7, 0], s_w=0.5, z_y=11) == [13, 9, 15, 11]


def test_conv2d_hand_input_zero_point_and_weight():
    # z_x = -128 (ReLU6 style), w = 3, b = -100, eff = 1:
    #   x = -128 -> acc = 0 * 3 - 100 = -100       x = -100 -> 28 * 3 - 100 = -16
    #   x = -90  -> 38 * 3 - 100 = 14              x = -50  -> 78 * 3 - 100 = 134 -> 127
    assert run_1x1([-128, -100, -90, -50], z_x=-128, w=3, b=-100) == [-100, -16, 14, 127]


def test_conv2d_hand_saturation():
    # eff = 1, z_x = 0, w = 1: y = clamp(acc + z_y).
    #   acc 127 -> 127, 126 -> 126, -128 -> -128, -127 -> -127 (rails reachable, not exceeded)
    assert run_1x1([127, 126, -128, -127]) == [127, 126, -128, -127]
    # b = 1 pushes 127 over the top; b = -1 pushes -128 below the bottom.
    assert run_1x1([127, 126], b=1) == [127, 127]
    assert run_1x1([-128, -127], b=-1) == [-128, -128]
    # Largest product: x - z_x = 127 - (-128) = 255, w = 127: acc = 32385 -> 127;
    # x - z_x = -128 - 127 = -255: acc = -32385 -> -128.
    assert run_1x1([127], z_x=-128, w=127) == [127]
    assert run_1x1([-128], z_x=127, w=127) == [-128]
    assert run_1x1([-128], z_x=127, w=-128) == [127]  # -255 * -128 = 32640
    # Clamp after adding z_y: acc 120, z_y 10 -> 130 -> 127; acc -120, z_y -10 -> -130 -> -128.
    assert run_1x1([120], z_y=10) == [127]
    assert run_1x1([-120], z_y=-10) == [-128]
    # z_y = -128 (ReLU6), eff = 0.5: acc -3 -> rint(-1.5) = -2 -> -130 -> -128; acc 0 -> -128;
    # acc 100 -> 50 -> -78; acc 127 -> rint(63.5) = 64 -> -64.
    assert run_1x1([-3, 0, 100, 127], s_w=0.5, z_y=-128) == [-128, -128, -78, -64]


def test_conv2d_hand_bias_saturates_int32():
    # eff = 1 * 2**-30 / 1 = 2**-30 (exact in f32).
    # b = 2**31 - 1, acc_sum = 5: 2147483652 saturates to 2147483647;
    #   f32(2147483647) = 2**31; * 2**-30 = 2 -> y = 2. (A wrap would give -2**31 + 4 -> -2.)
    # b = -2**31, acc_sum = -5: saturates to -2**31 -> -2. (A wrap would give +2.)
    assert run_1x1([5], b=I32_MAX, s_w=2.0**-30) == [2]
    assert run_1x1([-5], b=I32_MIN, s_w=2.0**-30) == [-2]
    # Dead channel with eff large: stays on its rail.
    assert run_1x1([127, -128], b=I32_MIN, s_w=0.01) == [-128, -128]
    assert run_1x1([127, -128], b=I32_MAX, s_w=0.01) == [127, 127]


def test_conv2d_hand_accumulator_converted_to_f32():
    # acc = b = 2**24 + 1 = 16777217 (x = z_x, so the products are 0), eff = 2**-25.
    # f32(16777217) = 16777216 (ties to even), * 2**-25 = 0.5 -> rint -> 0.
    # (Multiplying the exact int: 0.50000003 -> 1.)
    assert run_1x1([0], b=2**24 + 1, s_w=2.0**-25) == [0]
    assert run_1x1([0], b=-(2**24 + 1), s_w=2.0**-25) == [0]
    # 2**24 + 3 -> f32 16777220 (tie, even mantissa) -> 0.50000012 -> 1.
    assert run_1x1([0], b=2**24 + 3, s_w=2.0**-25) == [1]


def test_conv2d_hand_per_channel_scales():
    # Two output channels reading the same single input value x = 10, w = [1, 1]:
    # eff = [0.25, 0.75]: 10 * 0.25 = 2.5 -> 2; 10 * 0.75 = 7.5 -> 8.
    x = np.array([[[[10]]]], dtype=np.int8)
    module = conv_module(
        x.shape, (1.0, 0), np.ones((2, 1, 1, 1), dtype=np.int8), np.zeros(2), (1.0, 0),
        stride=(1, 1), pad=(0, 0, 0, 0), groups=1, w_scales=[0.25, 0.75],
    )  # fmt: skip
    (y,) = run(module, x)
    assert y.reshape(-1).tolist() == [2, 8]


def test_conv2d_hand_3x3_depthwise_stride2():
    # One channel, 3x3 input 1..9, z_x = 1 (centred 0..8), kernel all ones, pad 1, stride 2:
    # output 2x2 at input centres (0,0), (0,2), (2,0), (2,2):
    #   (0,0): centred window rows 0-1, cols 0-1: 0+1+3+4 = 8
    #   (0,2): 1+2+4+5 = 12   (2,0): 3+4+6+7 = 20   (2,2): 4+5+7+8 = 24
    # b = 1, eff = 0.5: 4.5 -> 4, 6.5 -> 6, 10.5 -> 10, 12.5 -> 12; z_y = -1.
    x = np.arange(1, 10, dtype=np.int8).reshape(1, 1, 3, 3)
    module = conv_module(
        x.shape, (1.0, 1), np.ones((1, 1, 3, 3), dtype=np.int8), np.array([1]), (1.0, -1),
        stride=(2, 2), pad=(1, 1, 1, 1), groups=1, w_scales=[0.5],
    )  # fmt: skip
    (y,) = run(module, x)
    np.testing.assert_array_equal(y, np.array([[[[3, 5], [9, 11]]]], dtype=np.int8))


# --------------------------------------------------------------------------- add


def run_add(a, b, a_q, b_q, y_q) -> list[int]:
    a = np.array(a, dtype=np.int8).reshape(1, 1, 1, -1)
    b = np.array(b, dtype=np.int8).reshape(1, 1, 1, -1)
    (y,) = run(add_module(a.shape, a_q, b_q, y_q), a, b)
    assert y.dtype == np.int8
    return y.reshape(-1).tolist()


def test_add_hand_ties_and_zero_points():
    # m_a = 0.5 / 1 = 0.5, m_b = 1 / 1 = 1.
    #   a 5, b 0  -> 2.5 -> 2        a 7, b 0 -> 3.5 -> 4       a -5, b 0 -> -2.5 -> -2
    #   a 3, b 1  -> 1.5 + 1 = 2.5 -> 2                          a -3, b 4 -> 2.5 -> 2
    #   a 1, b -1 -> -0.5 -> 0
    assert run_add([5, 7, -5, 3, -3, 1], [0, 0, 0, 1, 4, -1], (0.5, 0), (1.0, 0), (1.0, 0)) == [2, 4, -2, 2, 2, 0]
    # Same with zero points z_a = -128, z_b = 10, z_y = 11 (added after rounding):
    #   a -123 (centred 5), b 10 (centred 0): 2.5 -> 2 -> 13
    #   a -121 (7), b 12 (2): 3.5 + 2 = 5.5 -> 6 -> 17
    assert run_add([-123, -121], [10, 12], (0.5, -128), (1.0, 10), (1.0, 11)) == [13, 17]


def test_add_hand_saturation():
    # All scales 1: y = clamp(a + b).  127 + 127 = 254 -> 127;  -128 + -128 -> -128;
    # 100 + 27 = 127; 100 + 28 -> 127; -100 - 28 = -128; -100 - 29 -> -128.
    assert run_add([127, -128, 100, 100, -100, -100], [127, -128, 27, 28, -28, -29], (1.0, 0), (1.0, 0), (1.0, 0)) == [
        127, -128, 127, 127, -128, -128,
    ]  # fmt: skip
    # Saturation after adding z_y: 60 + 60 = 120, z_y = 20 -> 140 -> 127.
    assert run_add([60], [60], (1.0, 0), (1.0, 0), (1.0, 20)) == [127]
    # Output scale twice the inputs': (127 + 127) / 2 = 127; (-128 - 128) / 2 = -128 exactly.
    assert run_add([127, -128], [127, -128], (1.0, 0), (1.0, 0), (2.0, 0)) == [127, -128]


def test_add_hand_f32_products_then_f32_sum():
    # s_a = 1, s_b = 1.5, s_y = 3: m_a = f32(1/3) = 11184811 * 2**-25 (slightly above 1/3),
    # m_b = f32(0.5) = 0.5.
    # a 6, b -3: f32(6 * m_a) = f32(2 + 2**-24) = 2.0 (ulp at 2 is 2**-22);
    #   -3 * 0.5 = -1.5; sum 0.5 -> rint -> 0.  (FMA or f64 arithmetic: 0.5 + 2**-24 -> 1.)
    # a 3, b 3: f32(3 * m_a) = f32(1 + 2**-25) = 1.0; 1.0 + 1.5 = 2.5 -> 2.
    #   (f64: 2.50000003 -> 3.)
    # The real-valued formula of FACTS.md gives the same: (6 - 4.5) / 3 = 0.5 -> 0; (3 + 4.5) / 3 = 2.5 -> 2.
    assert run_add([6, 3], [-3, 3], (1.0, 0), (1.5, 0), (3.0, 0)) == [0, 2]


@HYPOTHESIS
@given(
    shape=st.tuples(st.integers(1, 2), st.integers(1, 4), st.integers(1, 6), st.integers(1, 6)),
    zps=st.tuples(st.integers(I8_MIN, I8_MAX), st.integers(I8_MIN, I8_MAX), st.integers(I8_MIN, I8_MAX)),
    scales=st.tuples(*[st.floats(1e-3, 1.0, allow_nan=False, allow_infinity=False)] * 3),
    dyadic=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_add_random_matches_independent_float(shape, zps, scales, dyadic, seed):
    rng = np.random.default_rng(seed)
    if dyadic:
        scales = tuple(2.0 ** -int(rng.integers(0, 4)) for _ in range(3))
    a, b = q8(rng, shape), q8(rng, shape)
    a_q, b_q, y_q = (scales[0], zps[0]), (scales[1], zps[1]), (scales[2], zps[2])
    (got,) = run(add_module(shape, a_q, b_q, y_q), a, b)
    expected = torch_add_expected(a, a_q, b, b_q, y_q)
    np.testing.assert_array_equal(got, expected)
    # And never more than one step from the exact real-valued formula (FACTS.md section 2).
    exact = ((a.astype(np.float64) - zps[0]) * scales[0] + (b.astype(np.float64) - zps[1]) * scales[1]) / scales[2]
    exact_q = np.clip(np.rint(exact) + zps[2], I8_MIN, I8_MAX)
    assert np.max(np.abs(got.astype(np.int64) - exact_q), initial=0) <= 1


# --------------------------------------------------------------------------- global_avgpool


def test_global_avgpool_hand_ties_and_negatives():
    # 2x2 windows (n = 4), one channel per case:
    cases = [
        ([[2, 3], [3, 2]], 2),  # 10 / 4 = 2.5 -> 2 (even)
        ([[3, 4], [4, 3]], 4),  # 14 / 4 = 3.5 -> 4 (even)
        ([[-2, -3], [-3, -2]], -2),  # -10 / 4 = -2.5 -> -2
        ([[-3, -4], [-4, -3]], -4),  # -14 / 4 = -3.5 -> -4
        ([[1, 1], [0, 0]], 0),  # 2 / 4 = 0.5 -> 0
        ([[-1, -1], [0, 0]], 0),  # -2 / 4 = -0.5 -> 0
        ([[1, 2], [2, 1]], 2),  # 6 / 4 = 1.5 -> 2
        ([[-1, -2], [-2, -1]], -2),  # -6 / 4 = -1.5 -> -2
        ([[-2, -2], [-2, -3]], -2),  # -9 / 4 = -2.25 -> -2
        ([[-3, -3], [-3, -2]], -3),  # -11 / 4 = -2.75 -> -3
        ([[127, 127], [127, 127]], 127),  # 508 / 4
        ([[-128, -128], [-128, -128]], -128),  # -512 / 4
        ([[127, 127], [127, 126]], 127),  # 507 / 4 = 126.75 -> 127
        ([[-128, -128], [-128, -127]], -128),  # -511 / 4 = -127.75 -> -128
        ([[-128, 127], [-128, 127]], 0),  # -2 / 4 = -0.5 -> 0
        ([[-128, 127], [127, 127]], 63),  # 253 / 4 = 63.25 -> 63
    ]
    x = np.array([c for c, _ in cases], dtype=np.int8).reshape(1, len(cases), 2, 2)
    (y,) = run(avgpool_module(x.shape, (0.1, -128)), x)
    assert y.dtype == np.int8 and y.shape == (1, len(cases), 1, 1)
    assert y.reshape(-1).tolist() == [e for _, e in cases]


def test_global_avgpool_hand_odd_and_2x3_windows():
    # 3x3 (n = 9, no ties possible): 13 / 9 = 1.44 -> 1; 14 / 9 = 1.56 -> 2; -14 / 9 -> -2; -13 / 9 -> -1
    x = np.zeros((1, 4, 3, 3), dtype=np.int8)
    for channel, total in enumerate([13, 14, -14, -13]):
        x[0, channel, 0, 0] = total  # the other eight are 0
    (y,) = run(avgpool_module(x.shape, (1.0, 0)), x)
    assert y.reshape(-1).tolist() == [1, 2, -2, -1]
    # 2x3 (n = 6): 3 / 6 = 0.5 -> 0; 9 / 6 = 1.5 -> 2; 15 / 6 = 2.5 -> 2; -15 / 6 -> -2; -21 / 6 = -3.5 -> -4
    x = np.zeros((1, 5, 2, 3), dtype=np.int8)
    for channel, total in enumerate([3, 9, 15, -15, -21]):
        x[0, channel, 0, 0] = total
    (y,) = run(avgpool_module(x.shape, (1.0, 5)), x)
    assert y.reshape(-1).tolist() == [0, 2, 2, -2, -4]
    # 1x1 is the identity.
    x = np.array([-128, -1, 0, 127], dtype=np.int8).reshape(1, 4, 1, 1)
    (y,) = run(avgpool_module(x.shape, (1.0, 0)), x)
    np.testing.assert_array_equal(y, x)


def test_round_half_even_helper_itself():
    # The independent helper: checked against hand values and Python's own round(Fraction).
    for num, den, expected in [(5, 2, 2), (7, 2, 4), (-5, 2, -2), (-7, 2, -4), (1, 2, 0), (-1, 2, 0), (9, 4, 2), (-9, 4, -2)]:
        assert round_half_even(Fraction(num, den)) == expected == round(Fraction(num, den))


@HYPOTHESIS
@given(
    shape=st.tuples(st.integers(1, 2), st.integers(1, 4), st.integers(1, 8), st.integers(1, 8)),
    low=st.integers(I8_MIN, I8_MAX),
    seed=st.integers(0, 2**32 - 1),
)
def test_global_avgpool_random_matches_fraction(shape, low, seed):
    rng = np.random.default_rng(seed)
    high = int(rng.integers(low, I8_MAX + 1))  # narrow ranges make ties likely
    x = rng.integers(low, high + 1, size=shape).astype(np.int8)
    (got,) = run(avgpool_module(shape, (0.05, int(rng.integers(I8_MIN, I8_MAX + 1)))), x)
    np.testing.assert_array_equal(got, fraction_avgpool_expected(x))


# --------------------------------------------------------------------------- dequantize, flatten, linear


def test_dequantize_hand():
    # scale 0.5, z = 3: (4 - 3) * 0.5 = 0.5; (-128 - 3) * 0.5 = -65.5; (127 - 3) * 0.5 = 62; 3 -> 0.
    x = np.array([4, -128, 127, 3], dtype=np.int8).reshape(1, 4, 1, 1)
    (y,) = run(dequantize_module(x.shape, (0.5, 3)), x)
    assert y.dtype == np.float32
    assert y.reshape(-1).tolist() == [0.5, -65.5, 62.0, 0.0]


@pytest.mark.parametrize(("scale", "zero_point"), [(0.1, 0), (0.1, -128), (6 / 255, -128), (1 / 127.5, 0), (0.3, 17)])
def test_dequantize_all_values_bit_exact(scale, zero_point):
    # Tolerance 0: the result is fully specified (f32(q - z) is exact, f32(s) is one
    # rounding, the product one more), so it must equal torch's f32 product bit for bit.
    q = np.arange(I8_MIN, I8_MAX + 1, dtype=np.int8).reshape(1, 256, 1, 1)
    (got,) = run(dequantize_module(q.shape, (scale, zero_point)), q)
    expected = torch_dequantize_expected(q, scale, zero_point)
    assert got.dtype == np.float32
    assert got.tobytes() == expected.tobytes(), np.argwhere(got != expected)[:5]
    # Discriminating: on these values a single f64 product rounded once to f32 differs
    # somewhere from the specified f32 x f32 product.
    once = ((q.astype(np.float64) - zero_point) * scale).astype(np.float32)
    if scale in (0.1, 0.3):
        assert np.any(once != expected)


def test_flatten_f32_and_qi8():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 2, 4)).astype(np.float32)
    (y,) = run(flatten_module(TensorType(f32, x.shape)), x)
    expected = torch.flatten(torch.from_numpy(x), 1).numpy()
    assert y.shape == (2, 24) and y.dtype == np.float32
    assert y.tobytes() == expected.tobytes()
    q = q8(rng, (3, 2, 1, 5))
    (yq,) = run(flatten_module(qtrain.qtensor(q.shape, 0.1, -3)), q)
    assert yq.shape == (3, 10) and yq.dtype == np.int8
    np.testing.assert_array_equal(yq, torch.flatten(torch.from_numpy(q), 1).numpy())
    # Row-major by hand: element [n, c, h, w] goes to [n, c*H*W + h*W + w].
    assert yq[2, 1 * 5 + 3] == q[2, 1, 0, 3]


def linear_module(x_shape, w: np.ndarray, b: np.ndarray):
    builder = FunctionBuilder([TensorType(f32, x_shape)])
    w_value = builder.param("head.weight", w, f32, trainable=True)
    b_value = builder.param("head.bias", b, f32, trainable=True)
    y = builder.add(qtrain.LinearOp(builder.args[0], w_value, b_value))
    return builder.finish(y)


def check_linear(x, w, b):
    (got,) = run(linear_module(x.shape, w, b), x)
    assert got.dtype == np.float32 and got.shape == (x.shape[0], w.shape[0])
    bound = linear_error_bound(x, w, b)
    exact = exact_linear(x, w, b)
    torch_y = F.linear(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)).numpy()
    assert np.all(np.abs(got - exact) <= bound), np.max(np.abs(got - exact) / bound)
    # Torch obeys the same bound, so the two may differ by at most twice of it.
    assert np.all(np.abs(got - torch_y) <= 2 * bound)


def test_linear_hand():
    # x = [1, 2, 3], W = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [0.25, -1]:
    # y = [1 - 3 + 0.25, 3 - 1] = [-1.75, 2.0] (all exact in f32).
    x = np.array([[1, 2, 3]], dtype=np.float32)
    w = np.array([[1, 0, -1], [0.5, 0.5, 0.5]], dtype=np.float32)
    b = np.array([0.25, -1], dtype=np.float32)
    (y,) = run(linear_module(x.shape, w, b), x)
    assert y.tolist() == [[-1.75, 2.0]]


@HYPOTHESIS
@given(n=st.integers(1, 3), k=st.integers(1, 200), m=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_linear_random_matches_torch(n, k, m, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, k)).astype(np.float32) * 3
    w = rng.standard_normal((m, k)).astype(np.float32) * 0.1
    b = rng.standard_normal(m).astype(np.float32)
    check_linear(x, w, b)


def test_head_pipeline_matches_torch():
    # conv (3x3 s2 p1, ReLU6 output) -> add (with the input of a second branch)
    # -> global_avgpool -> dequantize -> flatten -> linear, against the composition
    # of the independent references above.
    rng = np.random.default_rng(11)
    x = q8(rng, (1, 3, 9, 9))
    skip = q8(rng, (1, 4, 5, 5))
    weight = q8(rng, (4, 3, 3, 3))
    bias = rng.integers(-5000, 5000, size=4)
    w_scales = [0.004, 0.006, 0.005, 0.007]
    x_q, conv_q, skip_q, add_q = (0.02, -10), (0.05, -128), (0.04, 3), (0.08, -20)
    head_w = rng.standard_normal((10, 4)).astype(np.float32)
    head_b = rng.standard_normal(10).astype(np.float32)

    builder = FunctionBuilder([qtrain.qtensor(x.shape, *x_q), qtrain.qtensor(skip.shape, *skip_q)])
    w_value = builder.param("conv.weight", weight.astype(np.int8), i8)
    b_value = builder.param("conv.bias", bias.astype(np.int32), i32)
    conv = builder.add(
        qtrain.Conv2dOp(
            builder.args[0], w_value, b_value, qtrain.qtensor((1, 4, 5, 5), *conv_q),
            stride=(2, 2), pad=(1, 1, 1, 1), groups=1, w_scales=w_scales,
        )
    )  # fmt: skip
    added = builder.add(qtrain.AddOp(conv, builder.args[1], qtrain.qtensor((1, 4, 5, 5), *add_q)))
    pooled = builder.add(qtrain.GlobalAvgPoolOp(added, qtrain.qtensor((1, 4, 1, 1), *add_q)))
    features = builder.add(qtrain.FlattenOp(builder.add(qtrain.DequantizeOp(pooled))))
    hw_value = builder.param("head.weight", head_w, f32, trainable=True)
    hb_value = builder.param("head.bias", head_b, f32, trainable=True)
    logits = builder.add(qtrain.LinearOp(features, hw_value, hb_value))
    module = builder.finish(logits, pooled)

    got_logits, got_pooled = ReferenceInterpreter(module).call("main", x, skip)

    conv_y = torch_conv_expected(x, x_q, weight, bias, conv_q, stride=(2, 2), pad=(1, 1, 1, 1), groups=1, w_scales=w_scales)
    add_y = torch_add_expected(conv_y, conv_q, skip, skip_q, add_q)
    pooled_y = fraction_avgpool_expected(add_y)
    np.testing.assert_array_equal(got_pooled, pooled_y)
    feats = torch_dequantize_expected(pooled_y, *add_q).reshape(1, -1)
    bound = linear_error_bound(feats, head_w, head_b)
    assert np.all(np.abs(got_logits - exact_linear(feats, head_w, head_b)) <= bound)


# --------------------------------------------------------------------------- get_param and input errors


def test_get_param_reads_stored_data_exactly():
    rng = np.random.default_rng(3)
    w8 = np.array([[-128, -1, 0], [1, 126, 127]], dtype=np.int8)
    b32 = np.array([I32_MIN, -1, 0, 1, I32_MAX], dtype=np.int32)
    special = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3.4028235e38, 1.1754944e-38, 0.1], dtype=np.float32
    )
    nan_payload = np.array([0x7FC00123, 0xFFC00001], dtype=np.uint32).view(np.float32)
    f32_data = np.concatenate([special, nan_payload, rng.standard_normal(4).astype(np.float32)]).reshape(2, 8)
    builder = FunctionBuilder([])
    values = [
        builder.param("w8", w8, i8),
        builder.param("b32", b32, i32),
        builder.param("head", f32_data, f32, trainable=True),
    ]
    interpreter = ReferenceInterpreter(builder.finish(*values))
    for _ in range(2):  # reading does not change the state
        got_w8, got_b32, got_f32 = interpreter.call("main")
        assert got_w8.dtype == np.int8 and got_w8.shape == (2, 3)
        assert got_b32.dtype == np.int32 and got_b32.shape == (5,)
        assert got_f32.dtype == np.float32 and got_f32.shape == (2, 8)
        assert got_w8.tobytes() == w8.tobytes()
        assert got_b32.tobytes() == b32.tobytes()
        assert got_f32.tobytes() == f32_data.tobytes()  # -0.0, NaN payloads, subnormals included


@pytest.fixture
def one_input_module():
    # main(x: 1x1x3x3 qi8<1, 0>) = global_avgpool(x)
    return avgpool_module((1, 1, 3, 3), (1.0, 0))


def test_input_accepted_when_valid(one_input_module):
    # Positive control for the error tests: int8, and an in-range int64 array, both run.
    interpreter = ReferenceInterpreter(one_input_module)
    x = np.full((1, 1, 3, 3), 4, dtype=np.int8)
    assert interpreter.call("main", x)[0].reshape(-1).tolist() == [4]
    wide = np.array([[[[-128, 127, 0], [1, 2, 3], [4, 5, 6]]]], dtype=np.int64)  # sum 20 / 9 -> 2
    assert interpreter.call("main", wide)[0].reshape(-1).tolist() == [2]


def test_input_wrong_shape(one_input_module):
    interpreter = ReferenceInterpreter(one_input_module)
    with pytest.raises(InterpreterInputError, match=r"@main input 0: shape \(1, 1, 2, 2\) does not match tensor<1x1x3x3x"):
        interpreter.call("main", np.zeros((1, 1, 2, 2), dtype=np.int8))
    with pytest.raises(InterpreterInputError, match=r"shape \(9,\) does not match"):
        interpreter.call("main", np.zeros(9, dtype=np.int8))


@pytest.mark.parametrize("bad", [128, -129, 1000, -(2**40)])
def test_input_values_outside_int8(one_input_module, bad):
    x = np.zeros((1, 1, 3, 3), dtype=np.int64)
    x[0, 0, 1, 2] = bad
    with pytest.raises(InterpreterInputError, match=r"@main input 0: int64 values do not fit the element type of tensor<1x1x3x3x!qtrain.qi8"):
        ReferenceInterpreter(one_input_module).call("main", x)


def test_input_uint8_above_127_rejected(one_input_module):
    x = np.full((1, 1, 3, 3), 200, dtype=np.uint8)
    with pytest.raises(InterpreterInputError, match="uint8 values do not fit"):
        ReferenceInterpreter(one_input_module).call("main", x)


def test_input_float_for_int8_rejected(one_input_module):
    with pytest.raises(InterpreterInputError, match="float64 values do not fit"):
        ReferenceInterpreter(one_input_module).call("main", np.zeros((1, 1, 3, 3)))


def test_input_count_and_function_name(one_input_module):
    interpreter = ReferenceInterpreter(one_input_module)
    x = np.zeros((1, 1, 3, 3), dtype=np.int8)
    with pytest.raises(InterpreterInputError, match=r"@main takes 1 inputs, got 2"):
        interpreter.call("main", x, x)
    with pytest.raises(InterpreterInputError, match=r"@main takes 1 inputs, got 0"):
        interpreter.call("main")
    with pytest.raises(InterpreterInputError, match=r"no function @forward in the module \(functions: main\)"):
        interpreter.call("forward", x)
    assert issubclass(InterpreterInputError, ValueError)


def test_parameters_read_back_are_read_only():
    """A caller holding an interpreter result cannot change the stored parameter."""
    from xdsl.dialects import func
    from xdsl.dialects.builtin import ModuleOp, TensorType, i32
    from xdsl.ir import Block, Region

    from tiny_training.dialects.qtrain import GetParamOp, ParamOp
    from tiny_training.interpreters import ReferenceInterpreter

    param = ParamOp("b", np.array([1, 2], dtype=np.int32), i32)
    block = Block()
    read = GetParamOp("b", TensorType(i32, (2,)))
    block.add_ops([read, func.ReturnOp(read.result)])
    module = ModuleOp([param, func.FuncOp("read", ([], [TensorType(i32, (2,))]), Region(block))])
    module.verify()
    interpreter = ReferenceInterpreter(module)
    (value,) = interpreter.call("read")
    with pytest.raises(ValueError, match="read-only"):
        value[0] = 99
    np.testing.assert_array_equal(interpreter.call("read")[0], [1, 2])
