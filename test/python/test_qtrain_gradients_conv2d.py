"""The conv gradient ops of `qtrain` (conv2d_grad_input, conv2d_grad_weight incl. sliced
inputs, conv2d_grad_bias) against PyTorch autograd on an independent float64
simulation; tolerances as in test_qtrain_gradients.py's docstring, helpers in
qtrain_autograd.py."""


from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qtrain_autograd import (
    HYPOTHESIS,
    I8_MAX,
    I8_MIN,
    assert_close_sum,
    conv_out_hw,
    f32_values,
    ftensor,
    itensor,
    leaf,
    q8,
    t64,
    torch_conv_int,
)
from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain

# --------------------------------------------------------------------------- conv gradients


CONV_GRAD_CASES = {
    # name: (x shape, weight shape, stride, pad [t, l, b, r], groups, z_x)
    "3x3_s1_p1": ((1, 4, 6, 6), (5, 4, 3, 3), (1, 1), (1, 1, 1, 1), 1, -17),
    "3x3_s2_p1_odd7_batch2": ((2, 3, 7, 7), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 1, 5),
    "pointwise_s1": ((1, 8, 5, 5), (6, 8, 1, 1), (1, 1), (0, 0, 0, 0), 1, 3),
    "pointwise_s2": ((2, 5, 6, 6), (7, 5, 1, 1), (2, 2), (0, 0, 0, 0), 1, -128),
    "5x5_s2_p2_9x9": ((1, 2, 9, 9), (3, 2, 5, 5), (2, 2), (2, 2, 2, 2), 1, 127),
    "7x7_s2_p3_first_conv": ((1, 3, 15, 15), (4, 3, 7, 7), (2, 2), (3, 3, 3, 3), 1, 0),
    "7x7_s1_p3_9x9": ((1, 2, 9, 9), (3, 2, 7, 7), (1, 1), (3, 3, 3, 3), 1, -9),
    "asym_pad_3x3_s2": ((1, 3, 8, 8), (4, 3, 3, 3), (2, 2), (0, 0, 1, 1), 1, -30),
    "asym_pad_tlbr_all_different": ((1, 2, 6, 7), (3, 2, 3, 3), (1, 1), (0, 1, 2, 3), 1, 50),
    "s2_uncovered_last_row": ((1, 2, 8, 8), (3, 2, 3, 3), (2, 2), (0, 0, 0, 0), 1, 9),
    "nonsquare_3x1_strides_2_1": ((1, 3, 7, 5), (4, 3, 3, 1), (2, 1), (1, 0, 1, 0), 1, 1),
    "pad_wider_than_kernel_half": ((1, 2, 4, 4), (3, 2, 3, 3), (1, 1), (2, 2, 2, 2), 1, -2),
    "depthwise_3x3_s1_9x9": ((1, 6, 9, 9), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 6, -128),
    "depthwise_3x3_s2_7x7_batch2": ((2, 4, 7, 7), (4, 1, 3, 3), (2, 2), (1, 1, 1, 1), 4, 20),
    "depthwise_5x5_s2_asym_pad": ((1, 3, 9, 9), (3, 1, 5, 5), (2, 2), (2, 1, 1, 2), 3, -40),
    "depthwise_7x7_s2_p3": ((1, 2, 11, 11), (2, 1, 7, 7), (2, 2), (3, 3, 3, 3), 2, 7),
    # Input gradient only: the weight gradient supports groups = 1 and depthwise.
    "grouped_g2": ((1, 4, 6, 6), (6, 2, 3, 3), (1, 1), (1, 1, 1, 1), 2, 11),
    "grouped_g2_s2_odd7": ((1, 6, 7, 7), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 2, -60),
    "grouped_g3_asym": ((2, 6, 9, 8), (9, 2, 3, 3), (2, 1), (1, 2, 0, 1), 3, 0),
    "depthwise_multiplier_2": ((1, 3, 6, 6), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 3, 0),
}


def is_weight_trainable(x_shape, w_shape, groups) -> bool:
    return groups == 1 or (groups == x_shape[1] == w_shape[0])


def conv_grad_data(case: str):
    x_shape, w_shape, stride, pad, groups, z_x = CONV_GRAD_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    x = q8(rng, x_shape)
    weight = q8(rng, w_shape)
    out_hw = conv_out_hw(x_shape[2:], w_shape[2:], stride, pad)
    g = f32_values(rng, (x_shape[0], w_shape[0], *out_hw), scale=1e-3)
    return x, weight, g, stride, pad, groups, z_x


def run_conv_grad_input(g, weight, x_shape, stride, pad, groups) -> np.ndarray:
    builder = FunctionBuilder([ftensor(g.shape), itensor(weight.shape)])
    dx = builder.add(
        qtrain.Conv2dGradInputOp(builder.args[0], builder.args[1], x_shape, stride=stride, pad=pad, groups=groups)
    )
    return run(builder.finish(dx), g, weight)[0]


def autograd_conv_grad_input(g, weight, x_shape, stride, pad, groups):
    """d/dx of sum(g * conv(x, W)) for the int8 input (integer domain), and the same over |g|, |W|."""
    results = []
    for g_, w_ in ((g, weight), (np.abs(g), np.abs(weight.astype(np.int64)))):
        x = leaf(np.zeros(x_shape))  # the input gradient does not depend on x
        torch_conv_int(x, t64(w_), stride, pad, groups).backward(t64(g_))
        results.append(x.grad)
    return results


@pytest.mark.parametrize("case", sorted(CONV_GRAD_CASES), ids=str)
def test_conv2d_grad_input_matches_autograd(case):
    x, weight, g, stride, pad, groups, _ = conv_grad_data(case)
    got = run_conv_grad_input(g, weight, x.shape, stride, pad, groups)
    expected, magnitude = autograd_conv_grad_input(g, weight, x.shape, stride, pad, groups)
    # Tolerance: f64 sum rounded once to f32 (module docstring).
    assert_close_sum(got, expected, magnitude, what=f"conv2d_grad_input {case}")
    if case == "s2_uncovered_last_row":
        # (8 - 3) // 2 + 1 = 3 outputs cover input rows/columns 0..6 only: row 7 gets no gradient.
        assert np.all(got[:, :, 7, :] == 0) and np.all(got[:, :, :, 7] == 0)
        assert np.any(got[:, :, 6, :] != 0)


def weight_grad_slices(case: str) -> list[int]:
    """Trainable channel counts: all of them and partial ones (first k)."""
    x_shape, w_shape, _, _, groups, _ = CONV_GRAD_CASES[case]
    total = x_shape[1] if groups == 1 else w_shape[0]
    return sorted({total, 1, max(1, total // 2), max(1, total - 1)})


WEIGHT_GRAD_PARAMS = [
    (case, k)
    for case in sorted(CONV_GRAD_CASES)
    if is_weight_trainable(CONV_GRAD_CASES[case][0], CONV_GRAD_CASES[case][1], CONV_GRAD_CASES[case][4])
    for k in weight_grad_slices(case)
]


def run_conv_grad_weight(x, x_q, g, dw_shape, stride, pad, groups, *, slice_input_to: int | None = None) -> np.ndarray:
    builder = FunctionBuilder([qtrain.qtensor(x.shape, *x_q), ftensor(g.shape)])
    x_value = builder.args[0]
    if slice_input_to is not None:  # the saved leading-channel slice of a sparse update
        x_value = builder.add(qtrain.SliceChannelsOp(x_value, slice_input_to))
    dw = builder.add(
        qtrain.Conv2dGradWeightOp(x_value, builder.args[1], dw_shape, stride=stride, pad=pad, groups=groups)
    )
    return run(builder.finish(dw), x, g)[0]


def autograd_conv_grad_weight(x, z_x, g, w_shape, stride, pad, groups):
    """d/dW of sum(g * conv(x - z_x, W)) over the full weights, and the same over |x - z_x|, |g|."""
    results = []
    centred = x.astype(np.int64) - z_x
    for x_, g_ in ((centred, g), (np.abs(centred), np.abs(g))):
        w = leaf(np.zeros(w_shape))  # the weight gradient does not depend on W
        torch_conv_int(t64(x_), w, stride, pad, groups).backward(t64(g_))
        results.append(w.grad)
    return results


@pytest.mark.parametrize("case,k", WEIGHT_GRAD_PARAMS, ids=[f"{c}-k{k}" for c, k in WEIGHT_GRAD_PARAMS])
@pytest.mark.parametrize("sliced_input", [False, True], ids=["full_input", "sliced_input"])
def test_conv2d_grad_weight_matches_autograd(case, k, sliced_input):
    x, weight, g, stride, pad, groups, z_x = conv_grad_data(case)
    c_out, c_per_group, k_h, k_w = weight.shape
    depthwise = groups > 1
    # Partial update: the first k input channels of a regular conv (dW[:, :k]), the
    # first k channels of a depthwise one (dW[:k]).
    dw_shape = (c_out, k, k_h, k_w) if not depthwise else (k, 1, k_h, k_w)
    x_q = (0.05, z_x)
    got = run_conv_grad_weight(x, x_q, g, dw_shape, stride, pad, groups, slice_input_to=k if sliced_input else None)
    full, magnitude = autograd_conv_grad_weight(x, z_x, g, weight.shape, stride, pad, groups)
    region = (slice(None), slice(0, k)) if not depthwise else (slice(0, k),)
    # Tolerance: f64 sum rounded once to f32 (module docstring).
    assert_close_sum(got, full[region], magnitude[region], what=f"conv2d_grad_weight {case} k={k}")


@pytest.mark.parametrize("case", ["3x3_s1_p1", "depthwise_3x3_s2_7x7_batch2", "pointwise_s2"], ids=str)
def test_conv2d_grad_weight_uses_input_zero_point(case):
    # The same integer data with two zero points: dW changes by -dz * sum of the g
    # windows, i.e. the zero point is subtracted (padding stays real zero).
    x, _, g, stride, pad, groups, _ = conv_grad_data(case)
    w_shape = CONV_GRAD_CASES[case][1]
    got_a = run_conv_grad_weight(x, (0.05, 0), g, w_shape, stride, pad, groups)
    got_b = run_conv_grad_weight(x, (0.05, 37), g, w_shape, stride, pad, groups)
    for got, z_x in ((got_a, 0), (got_b, 37)):
        expected, magnitude = autograd_conv_grad_weight(x, z_x, g, w_shape, stride, pad, groups)
        assert_close_sum(got, expected, magnitude, what=f"z_x = {z_x}")
    assert not np.allclose(got_a, got_b), "the input zero point has no effect"


def test_conv2d_grad_bias_matches_autograd():
    rng = np.random.default_rng(7)
    for shape in [(1, 5, 4, 4), (2, 3, 7, 9), (3, 1, 1, 1), (2, 16, 5, 3)]:
        g = f32_values(rng, shape, scale=1e-2)
        builder = FunctionBuilder([ftensor(shape)])
        db = builder.add(qtrain.Conv2dGradBiasOp(builder.args[0]))
        (got,) = run(builder.finish(db), g)
        bias = leaf(np.zeros(shape[1]))
        acc = t64(np.zeros(shape)) + bias[None, :, None, None]  # acc = conv(...) + b
        acc.backward(t64(g))
        mag = t64(np.abs(g)).sum(dim=(0, 2, 3))
        # Tolerance: f64 sum rounded once to f32.
        assert_close_sum(got, bias.grad, mag, what=f"conv2d_grad_bias {shape}")


@st.composite
def conv_grad_params(draw):
    kind = draw(st.sampled_from(["regular", "depthwise", "grouped"]))
    if kind == "regular":
        groups, c_per_group, out_per_group = 1, draw(st.integers(1, 4)), draw(st.integers(1, 4))
    elif kind == "depthwise":
        groups, c_per_group, out_per_group = draw(st.integers(2, 5)), 1, 1
    else:
        groups, c_per_group, out_per_group = draw(st.integers(2, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    k_h = draw(st.sampled_from([1, 2, 3, 5, 7]))
    k_w = draw(st.sampled_from([k_h, k_h, 1, 3]))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pad = tuple(draw(st.integers(0, 3)) for _ in range(4))
    h = draw(st.integers(max(1, k_h - pad[0] - pad[2]), 11))
    w = draw(st.integers(max(1, k_w - pad[1] - pad[3]), 11))
    return dict(
        kind=kind, groups=groups, c_in=groups * c_per_group, c_out=groups * out_per_group, k=(k_h, k_w),
        stride=stride, pad=pad, x_shape=(draw(st.integers(1, 2)), groups * c_per_group, h, w),
        z_x=draw(st.integers(I8_MIN, I8_MAX)), seed=draw(st.integers(0, 2**32 - 1)),
        partial=draw(st.floats(0.0, 1.0)),
    )  # fmt: skip


@HYPOTHESIS
@given(conv_grad_params())
def test_conv2d_grads_random_geometry_match_autograd(p):
    rng = np.random.default_rng(p["seed"])
    groups, stride, pad = p["groups"], p["stride"], p["pad"]
    x = q8(rng, p["x_shape"])
    weight = q8(rng, (p["c_out"], p["c_in"] // groups, *p["k"]))
    out_hw = conv_out_hw(x.shape[2:], p["k"], stride, pad)
    g = f32_values(rng, (x.shape[0], p["c_out"], *out_hw), scale=1e-3)

    got = run_conv_grad_input(g, weight, x.shape, stride, pad, groups)
    expected, magnitude = autograd_conv_grad_input(g, weight, x.shape, stride, pad, groups)
    assert_close_sum(got, expected, magnitude, what="conv2d_grad_input")

    if p["kind"] == "grouped":
        return
    total = p["c_in"] if p["kind"] == "regular" else p["c_out"]
    k = max(1, math.ceil(p["partial"] * total))
    dw_shape = (p["c_out"], k, *p["k"]) if p["kind"] == "regular" else (k, 1, *p["k"])
    got = run_conv_grad_weight(x, (0.1, p["z_x"]), g, dw_shape, stride, pad, groups)
    full, magnitude = autograd_conv_grad_weight(x, p["z_x"], g, weight.shape, stride, pad, groups)
    region = (slice(None), slice(0, k)) if p["kind"] == "regular" else (slice(0, k),)
    assert_close_sum(got, full[region], magnitude[region], what=f"conv2d_grad_weight k={k}")
