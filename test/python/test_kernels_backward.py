"""The backward and update C kernels of runtime/src/<op>/ (linear and conv gradients, the
elementwise gradients, SGD) against the reference interpreter, with the tolerances derived
in test_kernels_forward.py's docstring (shared helpers: kernel_checks.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from xdsl.dialects.builtin import TensorType, f32, i1, i8, i32

import runtime_abi
from kernel_checks import (
    CONV_CASES,
    I32_MAX,
    I32_MIN,
    added,
    assert_within,
    conv_out_hw,
    f32_values,
    ftensor,
    geometry,
    p,
    pack_mask,
    q8,
    single_op,
    sum_bound,
)
from qtrain_builders import FunctionBuilder
from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.interpreters.qtrain import conv2d_grad_input, conv2d_grad_weight


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


# --------------------------------------------------------------------------- linear gradients


def linear_grads_reference(dy, x, w):
    n, m = dy.shape
    k = x.shape[1]
    return single_op(
        [ftensor((n, m)), ftensor((n, k)), ftensor((m, k))],
        lambda builder, dy_, x_, w_: [
            builder.add(qtrain.LinearGradInputOp(dy_, w_)),
            builder.add(qtrain.LinearGradWeightOp(dy_, x_)),
            builder.add(qtrain.SumBatchOp(dy_)),
        ],
        dy, x, w,
    )  # fmt: skip


def run_linear_grads(lib, dy, x, w):
    n, m = dy.shape
    k = x.shape[1]
    dx, dw, db = np.zeros((n, k), np.float32), np.zeros((m, k), np.float32), np.zeros(m, np.float32)
    lib.tt_linear_grad_input_f32(p(dy), p(w), p(dx), n, m, k)
    lib.tt_linear_grad_weight_f32(p(dy), p(x), p(dw), n, m, k)
    lib.tt_sum_batch_f32(p(dy), p(db), n, m)
    return dx, dw, db


@pytest.mark.parametrize("n,k,m", [(1, 8, 10), (3, 37, 5), (4, 160, 10)])
def test_linear_grads_match_interpreter(lib, n, k, m):
    rng = np.random.default_rng(n * 100 + k)
    dy, x, w = f32_values(rng, (n, m), 0.1), f32_values(rng, (n, k)), f32_values(rng, (m, k), 0.1)
    expected = linear_grads_reference(dy, x, w)
    dx, dw, db = run_linear_grads(lib, dy, x, w)
    a_dy, a_x, a_w = (np.abs(v.astype(np.float64)) for v in (dy, x, w))
    assert_within(dx, expected[0], sum_bound(a_dy @ a_w, m), "linear_grad_input")
    assert_within(dw, expected[1], sum_bound(a_dy.T @ a_x, n), "linear_grad_weight")
    assert_within(db, expected[2], sum_bound(a_dy.sum(0), n), "sum_batch")
    if n == 1:  # one product / one term: the f32 result is the interpreter's exactly
        np.testing.assert_array_equal(dw, expected[1])
        np.testing.assert_array_equal(db, expected[2])
    in_place = dy.copy()
    lib.tt_sum_batch_f32(p(in_place), p(in_place), n, m)
    np.testing.assert_array_equal(in_place[0], db)


def test_linear_grads_exact_on_integer_values(lib):
    rng = np.random.default_rng(11)
    dy = rng.integers(-4, 5, size=(3, 6)).astype(np.float32)
    x = rng.integers(-50, 50, size=(3, 9)).astype(np.float32)
    w = rng.integers(-50, 50, size=(6, 9)).astype(np.float32)
    for got, expected in zip(run_linear_grads(lib, dy, x, w), linear_grads_reference(dy, x, w), strict=True):
        np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------------------- elementwise gradients (exact)


def test_dequantize_grad_and_global_avgpool_grad_exact(lib):
    rng = np.random.default_rng(12)
    dy = f32_values(rng, (2, 5, 1, 1))
    scale = 0.0235294118
    expected_dq, expected_dx = single_op(
        [ftensor(dy.shape)],
        lambda builder, g: [
            builder.add(qtrain.DequantizeGradOp(g, scale)),
            builder.add(qtrain.GlobalAvgPoolGradOp(g, (2, 5, 3, 7))),
        ],
        dy,
    )  # fmt: skip
    dq = np.zeros_like(dy)
    lib.tt_dequantize_grad_f32(p(dy), float(np.float32(scale)), p(dq), dy.size)
    np.testing.assert_array_equal(dq, expected_dq)
    dx = np.zeros((2, 5, 3, 7), dtype=np.float32)
    lib.tt_global_avgpool_grad_f32(p(dy), p(dx), 2, 5, 3, 7)
    np.testing.assert_array_equal(dx, expected_dx)  # an f32 division by 21, not a multiply by 1/21
    # In place: dequantize_grad over its input; global_avgpool_grad from the start of the larger buffer.
    same = dy.copy()
    lib.tt_dequantize_grad_f32(p(same), float(np.float32(scale)), p(same), dy.size)
    np.testing.assert_array_equal(same, expected_dq)
    buffer = np.zeros(dx.size, dtype=np.float32)
    buffer[: dy.size] = dy.ravel()
    lib.tt_global_avgpool_grad_f32(p(buffer), p(buffer), 2, 5, 3, 7)
    np.testing.assert_array_equal(buffer.reshape(dx.shape), expected_dx)


def test_clamp_grad_exact_with_packed_mask(lib):
    rng = np.random.default_rng(13)
    shape = (1, 3, 5, 3)  # 45 elements: the last mask byte is partial
    dy = f32_values(rng, shape)
    dy.ravel()[:2] = -0.0
    a, b = q8(rng, shape), q8(rng, shape)
    a[0, 0, 0, :2] = [127, 0]  # the first element is clamped, the second not

    def build(builder, a_, b_, g):
        # The mask comes from an add (i1 values cannot be function inputs), as in training.
        add = qtrain.AddOp(a_, b_, qtrain.qtensor(shape, 0.05, 0), with_mask=True)
        builder.block.add_op(add)
        assert add.mask is not None and add.mask.type == TensorType(i1, shape)
        return [add.mask, builder.add(qtrain.ClampGradOp(g, add.mask))]

    int8 = qtrain.qtensor(shape, 0.1, 0)
    mask, expected = single_op([int8, int8, ftensor(shape)], build, a, b, dy)
    assert 0 < mask.sum() < mask.size
    packed = pack_mask(mask)
    packed[-1] |= 0xE0  # garbage in the unused high bits must not matter
    dx = np.zeros_like(dy)
    lib.tt_clamp_grad_f32(p(dy), p(packed), p(dx), dy.size)
    np.testing.assert_array_equal(dx, expected)
    assert not mask.ravel()[0] and mask.ravel()[1]
    assert not np.signbit(dx.ravel()[0]) and np.signbit(dx.ravel()[1])  # +0.0 where masked, -0.0 kept
    lib.tt_clamp_grad_f32(p(dy), p(packed), p(dy), dy.size)
    np.testing.assert_array_equal(dy, expected)


def test_add_grad_requant_grad_accumulate_scale_channels_exact(lib):
    rng = np.random.default_rng(14)
    shape = (2, 4, 3, 3)
    dy, other = f32_values(rng, shape), f32_values(rng, shape)
    lhs_factor, rhs_factor = float(np.float32(0.70710678)), float(np.float32(4 / 3))  # f32 attributes
    multipliers = rng.uniform(1e-4, 1e-2, size=4).astype(np.float32)
    factors = rng.uniform(0.1, 8.0, size=2).astype(np.float32)

    def build(builder, g, h):
        add_grad = qtrain.AddGradOp(g, lhs_factor, rhs_factor)
        return [
            *added(builder, add_grad),
            builder.add(qtrain.RequantGradOp(g, list(multipliers))),
            builder.add(qtrain.AccumulateOp(g, h)),
            builder.add(qtrain.ScaleChannelsOp(g, list(factors))),
        ]

    expected = single_op([ftensor(shape), ftensor(shape)], build, dy, other)
    da, db, g, acc, scaled = (np.zeros(shape, np.float32) for _ in range(5))
    lib.tt_add_grad_f32(p(dy), lhs_factor, rhs_factor, p(da), p(db), dy.size)
    lib.tt_requant_grad_f32(p(dy), p(multipliers), p(g), 2, 4, 9)
    lib.tt_accumulate_f32(p(dy), p(other), p(acc), dy.size)
    lib.tt_scale_channels_f32(p(dy), p(factors), p(scaled), 2, dy.size // 2)  # leading axis = batch here
    for got, want in zip((da, db, g, acc, scaled), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    # In place.
    for call, want in (
        (lambda t: lib.tt_add_grad_f32(p(t), lhs_factor, rhs_factor, p(t), p(db), t.size), expected[0]),
        (lambda t: lib.tt_add_grad_f32(p(t), lhs_factor, rhs_factor, p(da), p(t), t.size), expected[1]),
        (lambda t: lib.tt_requant_grad_f32(p(t), p(multipliers), p(t), 2, 4, 9), expected[2]),
        (lambda t: lib.tt_accumulate_f32(p(t), p(other), p(t), t.size), expected[3]),
        (lambda t: lib.tt_accumulate_f32(p(other), p(t), p(t), t.size), expected[3]),
        (lambda t: lib.tt_scale_channels_f32(p(t), p(factors), p(t), 2, t.size // 2), expected[4]),
    ):
        target = dy.copy()
        call(target)
        np.testing.assert_array_equal(target, want)


# --------------------------------------------------------------------------- conv gradients

GRAD_CASES = list(CONV_CASES)


def conv_grad_data(case: str, *, integer: bool):
    x_shape, w_shape, stride, pad, groups = CONV_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 7)
    y_shape = (x_shape[0], w_shape[0], *conv_out_hw(x_shape, w_shape, stride, pad))
    dy = rng.integers(-3, 4, size=y_shape).astype(np.float32) if integer else f32_values(rng, y_shape, 0.01)
    return q8(rng, x_shape), q8(rng, w_shape), dy, int(rng.integers(-128, 128))


def run_grad_input(lib, dy, weight, x_shape, stride, pad, groups):
    dx = np.full(x_shape, np.nan, dtype=np.float32)
    lib.tt_conv2d_grad_input_f32(p(dy), p(weight), p(dx), *geometry(x_shape, weight.shape, stride, pad, groups))
    return dx


@pytest.mark.parametrize("integer", [False, True], ids=["random", "integer_exact"])
@pytest.mark.parametrize("case", GRAD_CASES, ids=str)
def test_conv2d_grad_input_matches_interpreter(lib, case, integer):
    x_shape, w_shape, stride, pad, groups = CONV_CASES[case]
    _, weight, dy, _ = conv_grad_data(case, integer=integer)
    expected = conv2d_grad_input(dy, weight, x_shape, stride, pad, groups)
    got = run_grad_input(lib, dy, weight, x_shape, stride, pad, groups)
    if integer:  # |terms| <= 3 * 128, sums far below 2^24: exact on both sides
        np.testing.assert_array_equal(got, expected)
        return
    magnitude = conv2d_grad_input(np.abs(dy), np.abs(weight.astype(np.int16)), x_shape, stride, pad, groups)
    terms = (w_shape[0] // groups) * w_shape[2] * w_shape[3]  # an upper bound on terms per element
    assert_within(got, expected, sum_bound(magnitude, terms), f"conv2d_grad_input {case}")


def trainable_slices(case: str) -> list[tuple[int, ...]]:
    """Weight-gradient shapes the sparse update can ask for: all, and leading-channel slices."""
    x_shape, w_shape, _, _, groups = CONV_CASES[case]
    c_out, _, k_h, k_w = w_shape
    if groups == 1:
        return [(c_out, k, k_h, k_w) for k in sorted({x_shape[1], 1, max(1, x_shape[1] // 2)})]
    if groups == c_out:
        return [(k, 1, k_h, k_w) for k in sorted({c_out, 1, max(1, c_out - 1)})]
    return []  # grouped convs do not train weights


WEIGHT_GRAD_PARAMS = [(case, shape) for case in GRAD_CASES for shape in trainable_slices(case)]


@pytest.mark.parametrize("integer", [False, True], ids=["random", "integer_exact"])
@pytest.mark.parametrize("sliced_input", [False, True], ids=["full_input", "sliced_input"])
@pytest.mark.parametrize(
    "case,dw_shape", WEIGHT_GRAD_PARAMS, ids=[f"{c}-{'x'.join(map(str, s))}" for c, s in WEIGHT_GRAD_PARAMS]
)
def test_conv2d_grad_weight_matches_interpreter(lib, case, dw_shape, sliced_input, integer):
    x_shape, w_shape, stride, pad, groups = CONV_CASES[case]
    x, _, dy, z_x = conv_grad_data(case, integer=integer)
    channels = dw_shape[1] if groups == 1 else dw_shape[0]
    if sliced_input:  # the saved leading-channel slice of the activation (qtrain.slice_channels)
        x = np.ascontiguousarray(x[:, :channels])
    expected = conv2d_grad_weight(x, z_x, dy, dw_shape, stride, pad, groups)
    got = np.full(dw_shape, np.nan, dtype=np.float32)
    lib.tt_conv2d_grad_weight_f32(
        p(x), z_x, p(dy), p(got), *geometry(x.shape, w_shape, stride, pad, groups), channels
    )  # fmt: skip
    if integer:  # |terms| <= 3 * 255, sums far below 2^24: exact on both sides
        np.testing.assert_array_equal(got, expected)
        return
    centered = np.abs(x.astype(np.float64) - z_x)
    magnitude = conv2d_grad_weight(centered, 0, np.abs(dy), dw_shape, stride, pad, groups)
    terms = dy.shape[0] * dy.shape[2] * dy.shape[3]
    assert_within(got, expected, sum_bound(magnitude, terms), f"conv2d_grad_weight {case}")


@pytest.mark.parametrize("shape", [(1, 3, 1, 1), (2, 4, 5, 3), (1, 2, 16, 16)], ids=str)
def test_conv2d_grad_bias_matches_interpreter(lib, shape):
    rng = np.random.default_rng(shape[2])
    dy = f32_values(rng, shape)
    (expected,) = single_op([ftensor(shape)], lambda builder, g: [builder.add(qtrain.Conv2dGradBiasOp(g))], dy)
    got = np.zeros(shape[1], dtype=np.float32)
    lib.tt_conv2d_grad_bias_f32(p(dy), p(got), shape[0], shape[1], shape[2] * shape[3])
    terms = shape[0] * shape[2] * shape[3]
    assert_within(got, expected, sum_bound(np.abs(dy.astype(np.float64)).sum(axis=(0, 2, 3)), terms), "grad_bias")
    if terms == 1:
        np.testing.assert_array_equal(got, expected)
    integer = np.rint(dy * 4)  # exact sums
    (expected,) = single_op([ftensor(shape)], lambda builder, g: [builder.add(qtrain.Conv2dGradBiasOp(g))], integer)
    lib.tt_conv2d_grad_bias_f32(p(integer), p(got), shape[0], shape[1], shape[2] * shape[3])
    np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------------------- SGD


def sgd_reference(param: np.ndarray, grad: np.ndarray, lr: float) -> tuple[np.ndarray, int]:
    """The parameter after one interpreted `qtrain.sgd_update`, and the saturation count."""
    element = {np.dtype(np.int8): i8, np.dtype(np.int32): i32, np.dtype(np.float32): f32}[param.dtype]
    builder = FunctionBuilder([ftensor(grad.shape)])
    builder.params.append(qtrain.ParamOp("p", param, element, trainable=True))
    builder.block.add_op(qtrain.SgdUpdateOp("p", builder.args[0], lr))
    interpreter = ReferenceInterpreter(builder.finish())
    interpreter.call("main", grad)
    return interpreter.params["p"], interpreter.qtrain.saturations.get("p", 0)


def slice_layout(param_shape, grad_shape) -> tuple[int, int, int]:
    """(rows, row_length, param_row_stride) of a gradient that is a leading slice in one dimension."""
    sliced = [d for d, (g, q) in enumerate(zip(grad_shape, param_shape, strict=True)) if g != q]
    assert len(sliced) <= 1, "a slice in one dimension"
    d = sliced[0] if sliced else 0
    return math.prod(grad_shape[:d]), math.prod(grad_shape[d:]), math.prod(param_shape[d:])


SGD_FUNCTIONS = {np.dtype(np.int8): "s8", np.dtype(np.int32): "s32", np.dtype(np.float32): "f32"}


def run_sgd(lib, param: np.ndarray, grad: np.ndarray, lr: float) -> tuple[np.ndarray, int]:
    updated = param.copy()
    suffix = SGD_FUNCTIONS[param.dtype]
    if grad.shape == param.shape:
        result = getattr(lib, f"tt_sgd_update_{suffix}")(p(updated), p(grad), lr, grad.size)
    else:
        layout = slice_layout(param.shape, grad.shape)
        result = getattr(lib, f"tt_sgd_update_rows_{suffix}")(p(updated), p(grad), lr, *layout)
    return updated, (result or 0)


SGD_CASES = {
    # name: (param dtype, param shape, grad shape, grad scale)
    "int8_full": (np.int8, (4, 3, 3, 3), (4, 3, 3, 3), 3e3),
    "int8_regular_leading_inputs": (np.int8, (5, 6, 3, 3), (5, 2, 3, 3), 3e3),
    "int8_depthwise_leading_channels": (np.int8, (6, 1, 3, 3), (4, 1, 3, 3), 3e3),
    "int8_pointwise_leading_inputs": (np.int8, (4, 7, 1, 1), (4, 3, 1, 1), 3e3),
    "int32_bias": (np.int32, (9,), (9,), 3e3),
    "f32_head": (np.float32, (10, 8), (10, 8), 1.0),
    "f32_leading_rows": (np.float32, (10, 8), (10, 3), 1.0),
}


@pytest.mark.parametrize("case", list(SGD_CASES), ids=str)
def test_sgd_update_matches_interpreter(lib, case):
    dtype, param_shape, grad_shape, scale = SGD_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    if dtype is np.int8:
        param = q8(rng, param_shape)
    elif dtype is np.int32:
        param = rng.integers(-(2**31), 2**31, size=param_shape).astype(np.int32)
        param[:3] = [I32_MAX - 2, I32_MIN + 2, 0]
    else:
        param = f32_values(rng, param_shape)
    grad = f32_values(rng, grad_shape, scale)
    if dtype is np.int32:
        grad[:3] = [-5e3, 5e3, 1e30]  # past both int32 rails, and a step far beyond int32
    lr = float(np.float32(0.01))
    expected, expected_saturations = sgd_reference(param, grad, lr)
    got, saturations = run_sgd(lib, param, grad, lr)
    np.testing.assert_array_equal(got, expected)
    assert saturations == expected_saturations
    if dtype is not np.float32:
        assert saturations > 0, "the case should saturate some values"


def test_sgd_update_ties_and_saturation_by_hand(lib):
    # lr = 0.5 (exact): steps 0.5, 1.5, 2.5, -0.5, -2.5 round to 0, 2, 2, -0, -2 (half to even).
    param = np.array([10, 10, 10, 10, 10, 127, -128, 0, 0], dtype=np.int8)
    grad = np.array([1, 3, 5, -1, -5, -2, 2, 1e30, -np.inf], dtype=np.float32)
    got, saturations = run_sgd(lib, param, grad, 0.5)
    # 127 - (-1) = 128 -> 127 and -128 - 1 -> -128 saturate; huge steps saturate to the rails.
    np.testing.assert_array_equal(got, [10, 8, 8, 10, 12, 127, -128, -128, 127])
    assert saturations == 4
    expected, expected_saturations = sgd_reference(param, grad, 0.5)
    np.testing.assert_array_equal(got, expected)
    assert saturations == expected_saturations

    bias = np.array([I32_MAX, I32_MIN, 7], dtype=np.int32)
    got, saturations = run_sgd(lib, bias, np.array([-2.0, 2.0, 3.0], dtype=np.float32), 0.5)
    np.testing.assert_array_equal(got, [I32_MAX, I32_MIN, 5])  # 1.5 -> 2
    assert saturations == 2
