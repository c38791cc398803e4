"""Loss and gradient ops of `qtrain` (interpreters/qtrain.py) against PyTorch autograd.

Every expected value comes from `torch.autograd` on an independent float64
simulation of the quantized forward op (FACTS.md sections 2 and 3): rounding is
straight-through (`x + (round(x) - x).detach()`), the int8 clamp is
`torch.clamp` (whose gradient passes inside the range, bounds included), and
gradients of the int8 part are taken w.r.t. integer-domain values (the `q` of
`real = (q - z) * s`). Nothing is computed with the interpreter's helpers or the
dialect's (`requant_multipliers`, `add_multipliers`, ...); the modules are built
with the Python op constructors, verified, and run by the ReferenceInterpreter.

Tolerances (stated at each check):
* exact (`assert_array_equal`): a single f32 product `a * m` of two f32 values
  (requant_grad, add_grad, dequantize_grad, clamp_grad, reshape). In float64 the
  product of two f32 values is exact, so rounding the autograd result to f32 once
  is exactly the IEEE f32 multiplication the op specifies.
* `rtol = 1e-6`: sums (conv/linear gradients, bias sums, softmax) that the op
  accumulates in f64 and rounds to f32 once: the result is within half an f32
  ulp (2**-25 relative) of the exact value, and the f64 autograd value is within
  ~K * 2**-53 of it; 1e-6 leaves a 30x margin over 2**-25. Where a sum cancels,
  the f64 error is bounded relative to the sum of |terms| instead, so an absolute
  term `1e-12 * magnitude` (magnitude = the same sum over absolute values) is added.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import TensorType, f32, i1, i8, i32

from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter

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


# --------------------------------------------------------------------------- requant, clamp, add


@pytest.mark.parametrize("seed", range(3))
def test_requant_grad_matches_autograd(seed):
    rng = np.random.default_rng(100 + seed)
    shape = (2, 5, 3, 4)
    s_x, s_y = 0.0235294118, 0.05 + 0.01 * seed
    w_scales = rng.uniform(0.002, 0.02, size=shape[1])
    # eff[c] = f32(s_x * s_w[c] / s_y), s_w stored as f32 (the IR's array<f32>).
    eff = [f32_of(s_x * f32_of(s) / s_y) for s in w_scales]
    dy = f32_values(rng, shape)
    builder = FunctionBuilder([ftensor(shape)])
    out = builder.add(qtrain.RequantGradOp(builder.args[0], eff))
    (got,) = run(builder.finish(out), dy)
    # Simulation: y = round_ste(acc * eff) -> dy/dacc = eff.
    acc = leaf(rng.integers(-5000, 5000, size=shape))
    scaled = acc * torch.tensor(eff, dtype=torch.float64)[None, :, None, None]
    (scaled + (torch.round(scaled) - scaled).detach()).backward(t64(dy))
    # Exact: f32 * f32 in f64 is exact, one rounding = the f32 product.
    assert_exact(got, acc.grad, what="requant_grad")


def pre_clamp_conv(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups) -> np.ndarray:
    """`rint(f32(acc) * eff[c]) + z_y` before the clamp, recomputed in torch (f32 requantization)."""
    acc = torch_conv_int(t64(x.astype(np.int64) - x_q[1]), t64(weight), stride, pad, groups)
    acc = acc + t64(bias)[None, :, None, None]
    assert torch.equal(acc, torch.round(acc)) and acc.abs().max() < 2**31
    eff = torch.tensor([f32_of(x_q[0] * f32_of(s) / y_q[0]) for s in w_scales], dtype=torch.float32)
    scaled = acc.to(torch.float32) * eff[None, :, None, None]
    return (torch.round(scaled).to(torch.int64) + y_q[1]).numpy()


def conv_with_mask_module(x_shape, x_q, weight, bias, w_scales, y_q, stride, pad, groups, *, clamp_grad=False):
    out_hw = conv_out_hw(x_shape[2:], weight.shape[2:], stride, pad)
    y_shape = (x_shape[0], weight.shape[0], *out_hw)
    args = [qtrain.qtensor(x_shape, *x_q)] + ([ftensor(y_shape)] if clamp_grad else [])
    builder = FunctionBuilder(args)
    w = builder.param("w", weight.astype(np.int8), i8)
    b = builder.param("b", bias.astype(np.int32), i32)
    conv = qtrain.Conv2dOp(
        builder.args[0], w, b, qtrain.qtensor(y_shape, *y_q),
        stride=stride, pad=pad, groups=groups, w_scales=w_scales, with_mask=True,
    )  # fmt: skip
    builder.block.add_op(conv)
    assert conv.mask is not None and conv.mask.type == TensorType(i1, y_shape)
    results = [conv.output, conv.mask]
    if clamp_grad:
        results.append(builder.add(qtrain.ClampGradOp(builder.args[1], conv.mask)))
    return builder.finish(*results)


def check_mask_by_hand(y, mask, pre):
    """mask is true iff the pre-clamp value lies in [-128, 127] (bounds inside); y = clamp(pre)."""
    assert mask.dtype == np.bool_ and mask.shape == pre.shape
    for index in np.ndindex(pre.shape):
        value = int(pre[index])
        assert bool(mask[index]) == (-128 <= value <= 127), f"mask at {index}: pre-clamp {value}"
        assert int(y[index]) == min(max(value, -128), 127), f"output at {index}: pre-clamp {value}"


def test_conv2d_mask_boundaries_by_hand():
    # 1x1 conv on one input channel holding every int8 value once (16x16), weight 1,
    # s_x = s_w = s_y = 1 (eff = 1), z_x = z_y = 0: pre-clamp = x + b[c].
    # b = -1 reaches -129 (outside) and -128 (inside); b = +1 reaches 127 (inside) and 128 (outside).
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 1, 16, 16)
    weight = np.ones((4, 1, 1, 1), dtype=np.int8)
    bias = np.array([-3, -1, 1, 3])
    module = conv_with_mask_module(x.shape, (1.0, 0), weight, bias, [1.0] * 4, (1.0, 0), (1, 1), (0, 0, 0, 0), 1)
    y, mask = run(module, x)
    pre = x.astype(np.int64) + bias[None, :, None, None]  # by hand
    check_mask_by_hand(y, mask, pre)
    flat_pre, flat_mask = pre.ravel(), mask.ravel()
    for value, inside in ((-129, False), (-128, True), (127, True), (128, False), (-131, False), (130, False)):
        hits = flat_mask[flat_pre == value]
        assert hits.size > 0 and np.all(hits == inside), (value, hits)


def test_conv2d_mask_boundaries_after_half_even_rounding():
    # weight 1, s_x = s_y = 1, s_w = 0.5: eff = 0.5 exactly, pre-clamp = rint((x + b) / 2) + z_y.
    # b = -1, z_y = -64: x = -127 -> rint(-64) - 64 = -128 (in); x = -128 -> rint(-64.5) = -64
    #   (half to even) -> -128 (in, although the unrounded value -128.5 is below the rail).
    # b = +1, z_y = 64: x = 127 -> rint(64) + 64 = 128 (out); x = 126 -> rint(63.5) = 64 -> 128 (out);
    #   x = 125 -> rint(63) + 64 = 127 (in); x = 124 -> rint(62.5) = 62 -> 126 (in).
    # b = -3, z_y = -64: x = -128 -> rint(-65.5) = -66 -> -130 (out); x = -127 -> -129 (out);
    #   x = -126 -> rint(-64.5) = -64 -> -128 (in).
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 1, 16, 16)
    weight = np.ones((1, 1, 1, 1), dtype=np.int8)
    for bias, z_y, cases in (
        (-1, -64, {-127: (-128, True), -128: (-128, True), -126: (-128, True), -125: (-127, True)}),
        (1, 64, {127: (128, False), 126: (128, False), 125: (127, True), 124: (126, True)}),
        (-3, -64, {-128: (-130, False), -127: (-129, False), -126: (-128, True), -125: (-128, True)}),
    ):
        module = conv_with_mask_module(
            x.shape, (1.0, 0), weight, np.array([bias]), [0.5], (1.0, z_y), (1, 1), (0, 0, 0, 0), 1
        )
        y, mask = run(module, x)
        pre = pre_clamp_conv(x, (1.0, 0), weight, [bias], [0.5], (1.0, z_y), (1, 1), (0, 0, 0, 0), 1)
        check_mask_by_hand(y, mask, pre)
        for x_value, (pre_value, inside) in cases.items():
            index = (0, 0, *np.unravel_index(x_value + 128, (16, 16)))
            assert int(pre[index]) == pre_value, (bias, z_y, x_value, int(pre[index]))
            assert bool(mask[index]) == inside, (bias, z_y, x_value)


@pytest.mark.parametrize(
    "x_shape,w_shape,stride,pad,groups",
    [
        ((1, 3, 7, 7), (4, 3, 3, 3), (2, 2), (1, 0, 1, 1), 1),
        ((2, 4, 9, 9), (4, 1, 3, 3), (1, 1), (1, 1, 1, 1), 4),
    ],
    ids=["regular_asym", "depthwise"],
)
def test_conv2d_mask_random_and_clamp_grad_vs_torch_clamp(x_shape, w_shape, stride, pad, groups):
    rng = np.random.default_rng(11)
    x = q8(rng, x_shape)
    weight = q8(rng, w_shape)
    bias = rng.integers(-3000, 3000, size=w_shape[0])
    w_scales = rng.uniform(0.005, 0.01, size=w_shape[0])
    # eff = 0.05 * s_w / 0.075 ~ 0.005, typical |acc| ~ 74 * 74 * sqrt(K): both rails are hit.
    x_q, y_q = (0.05, -7), (0.075, -20)
    module = conv_with_mask_module(x_shape, x_q, weight, bias, w_scales, y_q, stride, pad, groups, clamp_grad=True)
    out_hw = conv_out_hw(x_shape[2:], w_shape[2:], stride, pad)
    dy = f32_values(rng, (x_shape[0], w_shape[0], *out_hw))
    y, mask, dx = run(module, x, dy)
    pre = pre_clamp_conv(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups)
    check_mask_by_hand(y, mask, pre)
    assert np.any(pre < -128) and np.any(pre > 127) and np.mean(mask) > 0.3, "data must hit both rails"
    # clamp_grad against autograd through torch.clamp (gradient passes where -128 <= pre <= 127).
    p = leaf(pre)
    torch.clamp(p, -128, 127).backward(t64(dy))
    assert_exact(dx, p.grad, what="clamp_grad")  # a selection: exact


def test_clamp_grad_at_exact_bounds_matches_torch_clamp():
    # pre-clamp = x + b on every int8 value: covers -129, -128, 127, 128 exactly.
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 1, 16, 16)
    weight = np.ones((2, 1, 1, 1), dtype=np.int8)
    bias = np.array([-1, 1])
    module = conv_with_mask_module(
        x.shape, (1.0, 0), weight, bias, [1.0, 1.0], (1.0, 0), (1, 1), (0, 0, 0, 0), 1, clamp_grad=True
    )
    dy = np.random.default_rng(3).uniform(0.5, 1.5, size=(1, 2, 16, 16)).astype(np.float32)
    _, mask, dx = run(module, x, dy)
    p = leaf(x.astype(np.int64) + bias[None, :, None, None])
    torch.clamp(p, -128, 127).backward(t64(dy))
    assert_exact(dx, p.grad, what="clamp_grad")
    pre = p.detach().numpy()
    assert np.all(dx[pre == -128] != 0) and np.all(dx[pre == 127] != 0)
    assert np.all(dx[pre == -129] == 0) and np.all(dx[pre == 128] == 0)


def add_with_mask_module(shape, a_q, b_q, y_q):
    builder = FunctionBuilder([qtrain.qtensor(shape, *a_q), qtrain.qtensor(shape, *b_q)])
    add = qtrain.AddOp(builder.args[0], builder.args[1], qtrain.qtensor(shape, *y_q), with_mask=True)
    builder.block.add_op(add)
    assert add.mask is not None and add.mask.type == TensorType(i1, shape)
    return builder.finish(add.output, add.mask)


def test_add_mask_boundaries_by_hand():
    # s_a = s_b = s_y: both multipliers are f32(1) = 1, so pre-clamp = (a - z_a) + (b - z_b) + z_y.
    # a holds every int8 value once per channel, b - z_b is -2, -1, 0, 1, 2 per channel.
    a = np.broadcast_to(np.arange(-128, 128).reshape(1, 1, 16, 16), (1, 5, 16, 16)).astype(np.int8)
    offsets = np.array([-2, -1, 0, 1, 2])
    z_b = 10
    b = np.broadcast_to((offsets + z_b).reshape(1, 5, 1, 1), (1, 5, 16, 16)).astype(np.int8)
    module = add_with_mask_module((1, 5, 16, 16), (0.1, 0), (0.1, z_b), (0.1, 0))
    y, mask = run(module, a, b)
    pre = a.astype(np.int64) + (b.astype(np.int64) - z_b)  # by hand, z_a = z_y = 0
    check_mask_by_hand(y, mask, pre)
    for value, inside in ((-130, False), (-129, False), (-128, True), (127, True), (128, False), (129, False)):
        hits = mask.ravel()[pre.ravel() == value]
        assert hits.size > 0 and np.all(hits == inside), (value, hits)


def test_add_mask_random_against_independent_requant():
    rng = np.random.default_rng(5)
    shape = (2, 3, 5, 7)
    a_q, b_q, y_q = (0.1, 3), (0.07, -20), (0.09, -5)
    a, b = q8(rng, shape), q8(rng, shape)
    y, mask = run(add_with_mask_module(shape, a_q, b_q, y_q), a, b)
    m_a = np.float32(a_q[0] / y_q[0])
    m_b = np.float32(b_q[0] / y_q[0])
    total = (a.astype(np.int64) - a_q[1]).astype(np.float32) * m_a + (b.astype(np.int64) - b_q[1]).astype(
        np.float32
    ) * m_b
    pre = torch.round(torch.from_numpy(total.astype(np.float32))).to(torch.int64).numpy() + y_q[1]
    check_mask_by_hand(y, mask, pre)
    assert np.any(~mask) and np.any(mask)


def test_add_grad_matches_autograd():
    rng = np.random.default_rng(9)
    shape = (2, 4, 3, 5)
    a_q, b_q, y_q = (0.1, 3), (0.0235294118, -128), (0.07, -5)
    m_a, m_b = f32_of(a_q[0] / y_q[0]), f32_of(b_q[0] / y_q[0])
    dy = f32_values(rng, shape)
    builder = FunctionBuilder([ftensor(shape)])
    op = qtrain.AddGradOp(builder.args[0], m_a, m_b)
    builder.block.add_op(op)
    got_a, got_b = run(builder.finish(op.grad_lhs, op.grad_rhs), dy)
    # Simulation (integer domain): y = round_ste((a - z_a) * m_a + (b - z_b) * m_b) + z_y.
    a, b = leaf(q8(rng, shape)), leaf(q8(rng, shape))
    total = (a - a_q[1]) * m_a + (b - b_q[1]) * m_b
    (total + (torch.round(total) - total).detach() + y_q[1]).backward(t64(dy))
    # Exact: one f32 product each.
    assert_exact(got_a, a.grad, what="add_grad lhs")
    assert_exact(got_b, b.grad, what="add_grad rhs")


# --------------------------------------------------------------------------- pool, dequantize, reshape


@pytest.mark.parametrize("shape", [(1, 8, 5, 5), (2, 3, 7, 7), (1, 4, 1, 1), (2, 2, 3, 4), (1, 3, 9, 9)], ids=str)
def test_global_avgpool_grad_matches_autograd(shape):
    n, c, h, w = shape
    rng = np.random.default_rng(h * 10 + w)
    dy = f32_values(rng, (n, c, 1, 1))
    builder = FunctionBuilder([ftensor((n, c, 1, 1))])
    dx = builder.add(qtrain.GlobalAvgPoolGradOp(builder.args[0], shape))
    (got,) = run(builder.finish(dx), dy)
    # Simulation: y = round_ste(mean_{H,W}(x)).
    x = leaf(q8(rng, shape))
    mean = x.mean(dim=(2, 3), keepdim=True)
    (mean + (torch.round(mean) - mean).detach()).backward(t64(dy))
    # Tolerance: one f32 division vs f64 autograd rounded once; rtol 1e-6 (not exact:
    # autograd may multiply by 1/(H*W) instead of dividing).
    assert_close_sum(got, x.grad, what="global_avgpool_grad")


@pytest.mark.parametrize("scale", [0.1, 6 / 255, 0.0235294118, 1 / 127.5, 3.0e-05, 2.0])
def test_dequantize_grad_matches_autograd(scale):
    rng = np.random.default_rng(int(scale * 1e6) % 1000)
    shape = (2, 6, 1, 1)
    z = -128
    dy = f32_values(rng, shape)
    builder = FunctionBuilder([ftensor(shape)])
    out = builder.add(qtrain.DequantizeGradOp(builder.args[0], scale))
    (got,) = run(builder.finish(out), dy)
    # Simulation: real = (q - z) * f32(s) (dequantize multiplies by the f32 scale).
    q = leaf(q8(rng, shape))
    ((q - z) * f32_of(scale)).backward(t64(dy))
    assert_exact(got, q.grad, what="dequantize_grad")  # one f32 product: exact


def test_reshape_is_the_gradient_of_flatten():
    rng = np.random.default_rng(4)
    shape = (2, 3, 2, 2)
    dy = f32_values(rng, (2, 12))
    builder = FunctionBuilder([ftensor((2, 12))])
    out = builder.add(qtrain.ReshapeOp(builder.args[0], shape))
    (got,) = run(builder.finish(out), dy)
    x = leaf(f32_values(rng, shape))
    x.flatten(1).backward(t64(dy))
    assert_exact(got, x.grad, what="reshape")  # pure data movement: exact


# --------------------------------------------------------------------------- head: linear and loss


@pytest.mark.parametrize("n,k,m", [(1, 8, 10), (3, 16, 5), (4, 1, 2), (2, 160, 100)])
def test_linear_grads_match_autograd(n, k, m):
    rng = np.random.default_rng(n * 1000 + k * 10 + m)
    x_np, w_np, b_np = f32_values(rng, (n, k)), f32_values(rng, (m, k), 0.1), f32_values(rng, (m,), 0.1)
    dy = f32_values(rng, (n, m))
    builder = FunctionBuilder([ftensor((n, m)), ftensor((n, k)), ftensor((m, k))])
    dy_v, x_v, w_v = builder.args
    dx = builder.add(qtrain.LinearGradInputOp(dy_v, w_v))
    dw = builder.add(qtrain.LinearGradWeightOp(dy_v, x_v))
    db = builder.add(qtrain.SumBatchOp(dy_v))
    got_dx, got_dw, got_db = run(builder.finish(dx, dw, db), dy, x_np, w_np)
    x, w, b = leaf(x_np), leaf(w_np), leaf(b_np)
    F.linear(x, w, b).backward(t64(dy))
    a_dy, a_x, a_w = t64(np.abs(dy)), t64(np.abs(x_np)), t64(np.abs(w_np))
    # Tolerance: f64 sums rounded once to f32; magnitudes = the same products of |values|.
    assert_close_sum(got_dx, x.grad, a_dy @ a_w, what="linear_grad_input")
    assert_close_sum(got_dw, w.grad, a_dy.T @ a_x, what="linear_grad_weight")
    assert_close_sum(got_db, b.grad, a_dy.sum(0), what="sum_batch")


def run_loss(logits: np.ndarray, labels: np.ndarray):
    n, m = logits.shape
    builder = FunctionBuilder([ftensor((n, m)), itensor((n,), i32)])
    loss = builder.add(qtrain.SoftmaxCrossEntropyOp(*builder.args))
    grad = builder.add(qtrain.SoftmaxCrossEntropyGradOp(*builder.args))
    return run(builder.finish(loss, grad), logits, labels.astype(np.int32))


@pytest.mark.parametrize(
    "n,m,spread,seed",
    [(1, 10, 1.0, 0), (3, 5, 4.0, 1), (5, 2, 0.5, 2), (4, 100, 3.0, 3), (2, 7, 40.0, 4), (3, 4, 300.0, 5)],
)
def test_softmax_cross_entropy_matches_torch(n, m, spread, seed):
    rng = np.random.default_rng(seed)
    logits_np = f32_values(rng, (n, m), spread)
    labels = rng.integers(0, m, size=n)
    labels[0] = m - 1  # the last class is a valid label
    got_loss, got_grad = run_loss(logits_np, labels)
    logits = leaf(logits_np)
    loss = F.cross_entropy(logits, torch.from_numpy(labels.astype(np.int64)), reduction="mean")
    loss.backward()
    # Tolerance: f64 computation rounded once to f32 (loss); the gradient entries are
    # softmax - onehot with values in [-1, 1]: absolute 1e-12 covers f64 rounding
    # and softmax entries that underflow f32 for large spreads.
    assert got_loss.shape == () and got_loss.dtype == np.float32
    assert_close_sum(got_loss, loss, what="softmax_cross_entropy")
    assert_close_sum(got_grad, logits.grad, torch.ones_like(logits.grad), what="softmax_cross_entropy_grad")
    np.testing.assert_allclose(got_grad.astype(np.float64).sum(axis=1), 0.0, atol=1e-6)  # rows sum to zero


def test_softmax_cross_entropy_hand_uniform():
    # Equal logits over 4 classes: loss = log 4, grad = (1/4 - onehot) / N.
    logits = np.full((2, 4), 3.0, dtype=np.float32)
    got_loss, got_grad = run_loss(logits, np.array([0, 3]))
    assert got_loss == np.float32(math.log(4))
    expected = np.full((2, 4), 0.125, dtype=np.float32)
    expected[0, 0] = expected[1, 3] = -0.375
    np.testing.assert_array_equal(got_grad, expected)


# --------------------------------------------------------------------------- a whole chain


def test_training_chain_gradients_match_autograd():
    """conv (with mask) -> global_avgpool -> dequantize -> flatten -> linear -> loss.

    Backward in qtrain ops: softmax_cross_entropy_grad, linear_grad_weight/_input,
    sum_batch, reshape, dequantize_grad, global_avgpool_grad, clamp_grad, requant_grad,
    conv2d_grad_weight/_bias/_input. Compared with autograd on the float64 simulation.
    """
    rng = np.random.default_rng(2024)
    n, c_in, h, w = 2, 3, 9, 9
    c_out, k, classes = 4, 3, 10
    stride, pad = (2, 2), (1, 0, 1, 1)
    x_q = (0.05, -10)
    out_h, out_w = conv_out_hw((h, w), (k, k), stride, pad)  # 5 x 4
    x = q8(rng, (n, c_in, h, w))
    weight = q8(rng, (c_out, c_in, k, k))
    bias = rng.integers(-2000, 2000, size=c_out)
    w_scales = rng.uniform(0.004, 0.008, size=c_out)
    # eff = 0.05 * s_w / 0.075 ~ 0.004, typical |acc| ~ 74 * 74 * sqrt(27): some outputs on each rail.
    y_q = (0.075, -30)
    head_w = f32_values(rng, (classes, c_out), 0.5)
    head_b = f32_values(rng, (classes,), 0.1)
    labels = np.array([3, 9])
    eff = [f32_of(x_q[0] * f32_of(s) / y_q[0]) for s in w_scales]  # independent multipliers

    # ---- the module
    y_shape = (n, c_out, out_h, out_w)
    builder = FunctionBuilder([qtrain.qtensor(x.shape, *x_q), itensor((n,), i32)])
    x_v, label_v = builder.args
    w_v = builder.param("conv.weight", weight.astype(np.int8), i8, trainable=True)
    b_v = builder.param("conv.bias", bias.astype(np.int32), i32, trainable=True)
    hw_v = builder.param("head.weight", head_w, f32, trainable=True)
    hb_v = builder.param("head.bias", head_b, f32, trainable=True)
    conv = qtrain.Conv2dOp(
        x_v, w_v, b_v, qtrain.qtensor(y_shape, *y_q), stride=stride, pad=pad, groups=1, w_scales=w_scales,
        with_mask=True,
    )  # fmt: skip
    builder.block.add_op(conv)
    pooled = builder.add(qtrain.GlobalAvgPoolOp(conv.output, qtrain.qtensor((n, c_out, 1, 1), *y_q)))
    feat4 = builder.add(qtrain.DequantizeOp(pooled))
    feat = builder.add(qtrain.FlattenOp(feat4))
    logits = builder.add(qtrain.LinearOp(feat, hw_v, hb_v))
    loss = builder.add(qtrain.SoftmaxCrossEntropyOp(logits, label_v))
    d_logits = builder.add(qtrain.SoftmaxCrossEntropyGradOp(logits, label_v))
    d_head_w = builder.add(qtrain.LinearGradWeightOp(d_logits, feat))
    d_head_b = builder.add(qtrain.SumBatchOp(d_logits))
    d_feat = builder.add(qtrain.LinearGradInputOp(d_logits, hw_v))
    d_feat4 = builder.add(qtrain.ReshapeOp(d_feat, (n, c_out, 1, 1)))
    d_pooled = builder.add(qtrain.DequantizeGradOp(d_feat4, y_q[0]))
    d_y = builder.add(qtrain.GlobalAvgPoolGradOp(d_pooled, y_shape))
    d_pre = builder.add(qtrain.ClampGradOp(d_y, conv.mask))
    g = builder.add(qtrain.RequantGradOp(d_pre, eff))
    d_w = builder.add(qtrain.Conv2dGradWeightOp(x_v, g, weight.shape, stride=stride, pad=pad, groups=1))
    d_b = builder.add(qtrain.Conv2dGradBiasOp(g))
    d_x = builder.add(qtrain.Conv2dGradInputOp(g, w_v, x.shape, stride=stride, pad=pad, groups=1))
    for name, grad in (("conv.weight", d_w), ("conv.bias", d_b), ("head.weight", d_head_w), ("head.bias", d_head_b)):
        builder.block.add_op(qtrain.ParamGradOp(name, grad))
    module = builder.finish(conv.output, conv.mask, loss, d_x)
    interpreter_run = ReferenceInterpreter(module)
    y_got, mask_got, loss_got, dx_got = interpreter_run.call("main", x, labels.astype(np.int32))
    grads = interpreter_run.gradients

    # ---- the float64 simulation (straight-through rounding, torch.clamp)
    def ste_round(v):
        return v + (torch.round(v) - v).detach()

    xc = leaf(x.astype(np.int64) - x_q[1])  # d/dx of (x - z_x) is 1: integer-domain input gradient
    W, B = leaf(weight), leaf(bias)
    HW, HB = leaf(head_w), leaf(head_b)
    acc = torch_conv_int(xc, W, stride, pad, 1) + B[None, :, None, None]
    eff_t = torch.tensor(eff, dtype=torch.float64)[None, :, None, None]
    scaled = acc * eff_t
    # The op multiplies in f32: the forward value is f32(f32(acc) * eff) (exactly
    # reproduced); straight-through, so the gradient of this rounding is 1 as well.
    scaled_f32 = (acc.detach().to(torch.float32) * eff_t.to(torch.float32)).to(torch.float64)
    scaled = scaled + (scaled_f32 - scaled).detach()
    pre = ste_round(scaled) + y_q[1]
    y = torch.clamp(pre, I8_MIN, I8_MAX)
    pooled_sim = ste_round(y.mean(dim=(2, 3), keepdim=True))  # exact quotient, half to even
    feat_sim = ((pooled_sim - y_q[1]) * f32_of(y_q[0])).flatten(1)
    logits_sim = F.linear(feat_sim, HW, HB)
    loss_sim = F.cross_entropy(logits_sim, torch.from_numpy(labels), reduction="mean")
    loss_sim.backward()

    # ---- forward agrees exactly on the int8 part, and the mask is non-trivial
    np.testing.assert_array_equal(y_got, y.detach().numpy().astype(np.int8))
    pre_np = pre.detach().numpy()
    np.testing.assert_array_equal(mask_got, (pre_np >= -128) & (pre_np <= 127))
    assert np.any(pre_np > 127) and np.any(pre_np < -128) and mask_got.mean() > 0.5
    # Tolerance (chain): each path goes through ~8 f32 roundings (linear, softmax,
    # linear_grad_input, dequantize_grad, avgpool_grad, requant_grad, final sums),
    # each <= 2**-24 of the magnitude of its terms; linear_grad_input cancels
    # (softmax - onehot sums to 0), so errors are bounded relative to the largest
    # gradient of each tensor: 1e-5 of max|grad| plus rtol 1e-5 (~20x margin).
    assert abs(float(loss_got) - loss_sim.item()) <= 1e-5 * abs(loss_sim.item())

    def check(got, expected, what):
        exp = expected.detach().numpy()
        assert got.dtype == np.float32 and got.shape == exp.shape, what
        assert np.abs(exp).max() > 0, f"{what}: zero gradient, test is vacuous"
        np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-5 * np.abs(exp).max(), err_msg=what)

    check(grads["conv.weight"], W.grad, "conv.weight (integer domain)")
    check(grads["conv.bias"], B.grad, "conv.bias (integer domain)")
    check(grads["head.weight"], HW.grad, "head.weight")
    check(grads["head.bias"], HB.grad, "head.bias")
    check(dx_got, xc.grad, "input (integer domain)")
