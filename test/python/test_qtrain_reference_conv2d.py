"""The reference interpreter's conv2d (interpreters/qtrain.py) against independent computations:
PyTorch on the dequantized values, random shapes, and hand-computed cases (ties, zero points,
saturation, f32 rounding of the multiplier and of the accumulator).

Expected values come from qtrain_references.py or hand computations, never from the
interpreter or the dialect's helpers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qtrain_builders import (
    conv_module,
    run,
)
from qtrain_references import (
    HYPOTHESIS,
    I8_MAX,
    I8_MIN,
    I32_MAX,
    I32_MIN,
    check_conv,
    q8,
)

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
