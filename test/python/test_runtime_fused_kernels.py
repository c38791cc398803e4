"""The fused C kernels (runtime/src/conv2d/tt_conv2d_dw_s8.c, update/tt_conv2d_weight_update_s8.c)
against the interpreter and the unfused C kernels.

* `tt_conv2d_dw_s8` (qtrain.conv2d_dw): an integer path, bit-exact with the
  interpreter running a `qtrain.conv2d_dw` op (= two qtrain.conv2d) and with two
  unfused `tt_conv2d_s8` calls.
* `tt_conv2d_weight_update_s8` (qtrain.conv2d_weight_update): bit-exact, saturation
  count included, with the unfused C path tt_conv2d_grad_weight_f32 +
  tt_scale_channels_f32 + tt_sgd_update_rows_s8 / tt_sgd_update_s8 (same f32 sums,
  same order). Against the interpreter, which sums the gradient in f64 and rounds
  once, the f32 step differs by at most the f32 summation bound (test_kernels_forward.py,
  `sum_bound`) times |factor * lr|; an updated weight can then differ by 1, and only
  where the interpreter's step lies within that distance of a rounding boundary
  (a .5 point). On integer-valued data with power-of-two factors and lr every sum
  and product is exact, so there the interpreter agrees bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import runtime_abi
from xdsl.dialects.builtin import TensorType, f32, i8, i32

from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.interpreters.qtrain import conv2d, conv2d_grad_weight

U = 2.0**-24  # unit roundoff of f32
TINY = float(np.finfo(np.float32).tiny)
I8_MIN, I8_MAX = -128, 127
I32_MAX = 2**31 - 1



@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


def p(array: np.ndarray | None):
    """The address of a C-contiguous array (NULL for None)."""
    if array is None:
        return None
    assert array.flags.c_contiguous
    return array.ctypes.data


def q8(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(I8_MIN, I8_MAX + 1, size=shape).astype(np.int8)


def out_hw(hw, kernel, stride, pad) -> tuple[int, int]:
    top, left, bottom, right = pad
    return (
        (hw[0] + top + bottom - kernel[0]) // stride[0] + 1,
        (hw[1] + left + right - kernel[1]) // stride[1] + 1,
    )


# --------------------------------------------------------------------------- conv2d_dw

DW_CASES = {
    # name: (x shape, first weight shape, stride, pad, depthwise kernel, dw stride, dw pad)
    "expand_1x1_dw3x3_s1": ((1, 4, 6, 6), (8, 4, 1, 1), (1, 1), (0, 0, 0, 0), (3, 3), (1, 1), (1, 1, 1, 1)),
    "expand_1x1_dw3x3_s2_odd": ((1, 3, 7, 9), (6, 3, 1, 1), (1, 1), (0, 0, 0, 0), (3, 3), (2, 2), (1, 1, 1, 1)),
    "expand_1x1_dw5x5_s2_asym": ((1, 5, 9, 8), (4, 5, 1, 1), (1, 1), (0, 0, 0, 0), (5, 5), (2, 2), (2, 1, 2, 2)),
    "expand_1x1_dw5x5_s1": ((1, 6, 5, 7), (9, 6, 1, 1), (1, 1), (0, 0, 0, 0), (5, 5), (1, 1), (2, 2, 2, 2)),
    "expand_1x1_dw7x7_s1": ((1, 2, 7, 7), (3, 2, 1, 1), (1, 1), (0, 0, 0, 0), (7, 7), (1, 1), (3, 3, 3, 3)),
    "expand_1x1_dw7x7_s2_asym": ((1, 4, 11, 10), (5, 4, 1, 1), (1, 1), (0, 0, 0, 0), (7, 7), (2, 2), (3, 2, 3, 4)),
    "stem_3x3_s2_dw3x3": ((1, 3, 11, 10), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), (3, 3), (1, 1), (1, 1, 1, 1)),
    "stem_3x3_s2_asym_dw3x3_s2": ((1, 3, 13, 12), (5, 3, 3, 3), (2, 2), (0, 1, 1, 0), (3, 3), (2, 2), (0, 1, 1, 0)),
    "pointwise_s2_dw5x5": ((1, 4, 9, 9), (3, 4, 1, 1), (2, 2), (0, 0, 0, 0), (5, 5), (1, 1), (2, 2, 2, 2)),
    "dw_1x1_odd_plane": ((1, 3, 5, 3), (4, 3, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), (1, 1), (0, 0, 0, 0)),
    "dw_kernel_larger_than_mid": ((1, 2, 3, 3), (3, 2, 1, 1), (1, 1), (0, 0, 0, 0), (5, 5), (1, 1), (2, 2, 2, 2)),
    "batch2_nonsquare_dw2x3": ((2, 3, 6, 5), (5, 3, 1, 1), (1, 1), (0, 0, 0, 0), (2, 3), (2, 1), (0, 1, 1, 1)),
}


def typical_scale(x_scale: float, w_scales: np.ndarray, products: int) -> float:
    """An output scale that puts typical requantized values around 100: inside and on both rails."""
    return x_scale * float(np.median(w_scales)) * 75 * 75 * math.sqrt(products) / 100.0


def dw_case(case: str):
    x_shape, w_shape, stride, pad, dw_kernel, dw_stride, dw_pad = DW_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    channels = w_shape[0]
    x, weight, dw_weight = q8(rng, x_shape), q8(rng, w_shape), q8(rng, (channels, 1, *dw_kernel))
    bias = rng.integers(-30000, 30000, size=channels).astype(np.int32)
    dw_bias = rng.integers(-30000, 30000, size=channels).astype(np.int32)
    bias[-1] = I32_MAX  # a saturating bias add in the first conv (a dead channel)
    if channels >= 3:
        dw_bias[1] = -(2**31)  # and one in the depthwise conv
    x_q = (0.03, int(rng.integers(-128, 128)))
    w_scales = rng.uniform(0.002, 0.02, size=channels)
    dw_scales = rng.uniform(0.002, 0.02, size=channels)
    mid_q = (typical_scale(x_q[0], w_scales, math.prod(w_shape[1:])), int(rng.integers(-20, 20)))
    y_q = (typical_scale(mid_q[0], dw_scales, math.prod(dw_kernel)), int(rng.integers(-20, 20)))
    mid_shape = (x_shape[0], channels, *out_hw(x_shape[2:], w_shape[2:], stride, pad))
    y_shape = (x_shape[0], channels, *out_hw(mid_shape[2:], dw_kernel, dw_stride, dw_pad))

    builder = FunctionBuilder([qtrain.qtensor(x_shape, *x_q)])
    w1 = builder.param("w1", weight, i8)
    b1 = builder.param("b1", bias, i32)
    w2 = builder.param("w2", dw_weight, i8)
    b2 = builder.param("b2", dw_bias, i32)
    first = qtrain.Conv2dOp(
        builder.args[0], w1, b1, qtrain.qtensor(mid_shape, *mid_q),
        stride=stride, pad=pad, groups=1, w_scales=w_scales,
    )  # fmt: skip
    depthwise = qtrain.Conv2dOp(
        first.output, w2, b2, qtrain.qtensor(y_shape, *y_q),
        stride=dw_stride, pad=dw_pad, groups=channels, w_scales=dw_scales,
    )  # fmt: skip
    fused = qtrain.Conv2dDwOp(first, depthwise)
    depthwise.drop_all_references()  # only the fused op goes into the module
    first.drop_all_references()
    builder.block.add_op(fused)
    module = builder.finish(fused.output)
    (expected,) = run(module, x)
    first_part, depthwise_part = fused.parts()
    data = dict(
        x=x, weight=weight, bias=bias, dw_weight=dw_weight, dw_bias=dw_bias, x_zero=x_q[1], mid_zero=mid_q[1],
        y_zero=y_q[1], mid_shape=mid_shape, y_shape=y_shape, scratch_bytes=fused.scratch_bytes(),
        multipliers=first_part.requant_multipliers(), dw_multipliers=depthwise_part.requant_multipliers(),
    )  # fmt: skip
    # The intermediate tensor, for the rail checks.
    data["mid"] = conv2d(first_part, x, weight, bias)
    return data, expected


def run_conv2d_dw(lib, case: str, data) -> tuple[np.ndarray, np.ndarray]:
    x_shape, w_shape, stride, pad, dw_kernel, dw_stride, dw_pad = DW_CASES[case]
    guard = 16
    scratch = np.full(data["scratch_bytes"] + guard, 0x5A, dtype=np.uint8)
    y = np.full(data["y_shape"], 99, dtype=np.int8)
    lib.tt_conv2d_dw_s8(
        p(data["x"]), data["x_zero"], p(data["weight"]), p(data["bias"]), p(data["multipliers"]), data["mid_zero"],
        p(data["dw_weight"]), p(data["dw_bias"]), p(data["dw_multipliers"]), data["y_zero"], p(y), p(scratch),
        *x_shape, w_shape[0], *w_shape[2:], *stride, *pad, *dw_kernel, *dw_stride, *dw_pad,
    )  # fmt: skip
    return y, scratch[-guard:]


def run_unfused_c(lib, case: str, data) -> np.ndarray:
    """Two tt_conv2d_s8 calls through a whole intermediate tensor."""
    x_shape, w_shape, stride, pad, dw_kernel, dw_stride, dw_pad = DW_CASES[case]
    mid = np.zeros(data["mid_shape"], dtype=np.int8)
    y = np.zeros(data["y_shape"], dtype=np.int8)
    channels = w_shape[0]
    lib.tt_conv2d_s8(
        p(data["x"]), data["x_zero"], p(data["weight"]), p(data["bias"]), p(data["multipliers"]), data["mid_zero"],
        p(mid), None, *x_shape, channels, *w_shape[2:], *stride, *pad, 1,
    )  # fmt: skip
    lib.tt_conv2d_s8(
        p(mid), data["mid_zero"], p(data["dw_weight"]), p(data["dw_bias"]), p(data["dw_multipliers"]), data["y_zero"],
        p(y), None, *data["mid_shape"], channels, *dw_kernel, *dw_stride, *dw_pad, channels,
    )  # fmt: skip
    return y


@pytest.mark.parametrize("case", list(DW_CASES), ids=str)
def test_conv2d_dw_matches_interpreter(lib, case):
    data, expected = dw_case(case)
    got, guard = run_conv2d_dw(lib, case, data)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(run_unfused_c(lib, case, data), expected)
    assert np.all(guard == 0x5A), "the kernel wrote past the one-channel scratch buffer"
    # Saturation: both convs clamp somewhere, and the saturated bias channels hit a rail.
    for name, values in (("intermediate", data["mid"]), ("output", expected)):
        assert np.isin(values, [I8_MIN, I8_MAX]).any(), f"{case}: no clamped {name} values"
        assert not np.isin(values, [I8_MIN, I8_MAX]).all(), f"{case}: every {name} value clamped"


def test_conv2d_dw_by_hand(lib):
    # x: one 1x3 channel [1, 2, 3], z_x = 0; first conv 1x1 weights [2] and [-1], biases 0 and 1,
    # multipliers 1 and 0.5, mid zero point 3: mid = [5, 7, 9] and rint([0, -0.5, -1]) + 3 = [3, 3, 2].
    # Depthwise 1x3 kernels [1, 1, 1] and [0, 2, 0], pad left/right 1, stride 1, z_mid = 3,
    # multipliers 1 and 1, output zero point -128 (a ReLU range):
    # channel 0: centered [2, 4, 6] -> sums [6, 12, 10] -> [-122, -116, -118];
    # channel 1: centered [0, 0, -1] -> [0, 0, -2] + bias 200 -> [72, 72, 70] (after -128).
    x = np.array([1, 2, 3], dtype=np.int8).reshape(1, 1, 1, 3)
    weight = np.array([2, -1], dtype=np.int8).reshape(2, 1, 1, 1)
    bias = np.array([0, 1], dtype=np.int32)
    multipliers = np.array([1.0, 0.5], dtype=np.float32)
    dw_weight = np.array([[1, 1, 1], [0, 2, 0]], dtype=np.int8).reshape(2, 1, 1, 3)
    dw_bias = np.array([0, 200], dtype=np.int32)
    dw_multipliers = np.array([1.0, 1.0], dtype=np.float32)
    scratch = np.zeros(3, dtype=np.int8)
    y = np.zeros((1, 2, 1, 3), dtype=np.int8)
    lib.tt_conv2d_dw_s8(
        p(x), 0, p(weight), p(bias), p(multipliers), 3, p(dw_weight), p(dw_bias), p(dw_multipliers), -128,
        p(y), p(scratch), 1, 1, 1, 3, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 3, 1, 1, 0, 1, 0, 1,
    )  # fmt: skip
    np.testing.assert_array_equal(y.reshape(2, 3), [[-122, -116, -118], [72, 72, 70]])
    np.testing.assert_array_equal(scratch, [3, 3, 2])  # the last channel computed


# --------------------------------------------------------------------------- conv2d_weight_update

UPDATE_CASES = {
    # name: (x shape (full activation), weight shape, stride, pad, groups, channels, sliced input, factors)
    "regular_full_3x3": ((1, 4, 6, 6), (5, 4, 3, 3), (1, 1), (1, 1, 1, 1), 1, 4, False, True),
    "regular_full_no_factors_batch2": ((2, 3, 5, 7), (4, 3, 3, 3), (2, 1), (0, 1, 1, 1), 1, 3, False, False),
    "regular_partial_sliced_s2_asym": ((1, 6, 9, 8), (4, 6, 3, 3), (2, 2), (0, 1, 1, 0), 1, 2, True, True),
    "regular_partial_full_input": ((1, 6, 7, 7), (3, 6, 3, 3), (1, 1), (1, 1, 1, 1), 1, 3, False, True),
    "pointwise_partial_sliced_batch2": ((2, 8, 4, 5), (6, 8, 1, 1), (1, 1), (0, 0, 0, 0), 1, 3, True, True),
    "stem_7x7_s2_full": ((1, 3, 13, 13), (4, 3, 7, 7), (2, 2), (3, 3, 3, 3), 1, 3, False, True),
    "depthwise_partial_3x3_s2": ((1, 6, 7, 7), (6, 1, 3, 3), (2, 2), (1, 1, 1, 1), 6, 4, False, True),
    "depthwise_partial_sliced_5x5": ((1, 5, 8, 7), (5, 1, 5, 5), (1, 1), (2, 2, 2, 2), 5, 2, True, True),
    "depthwise_full_7x7_batch2_no_factors": ((2, 3, 9, 8), (3, 1, 7, 7), (2, 2), (3, 2, 3, 4), 3, 3, False, False),
}


def update_case(case: str, *, integer: bool):
    x_shape, w_shape, stride, pad, groups, channels, sliced, with_factors = UPDATE_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + integer)
    x, weight = q8(rng, x_shape), q8(rng, w_shape)
    z_x = int(rng.integers(-128, 128))
    if sliced:  # the saved leading-channel slice of the activation (qtrain.slice_channels)
        x = np.ascontiguousarray(x[:, :channels])
    dy_shape = (x_shape[0], w_shape[0], *out_hw(x_shape[2:], w_shape[2:], stride, pad))
    rows = channels if groups > 1 else w_shape[0]
    terms = dy_shape[0] * dy_shape[2] * dy_shape[3]
    if integer:
        # Exact everywhere: integer sums below 2^24, power-of-two factors and lr.
        dy = rng.integers(-3, 4, size=dy_shape).astype(np.float32)
        factors = 2.0 ** rng.integers(-2, 3, size=rows) if with_factors else None
        lr = 2.0**-5
    else:
        dy = (rng.standard_normal(size=dy_shape) * 0.02).astype(np.float32)
        factors = rng.uniform(0.25, 4.0, size=rows) if with_factors else None
        # A step of about 60 for a typical gradient: many weights move, some saturate.
        lr = float(np.float32(60.0 / (0.02 * 110 * math.sqrt(terms))))
    if factors is not None:
        factors = factors.astype(np.float32)
    return x, z_x, weight, dy, factors, lr


def run_fused_update(lib, case, x, z_x, weight, dy, factors, lr) -> tuple[np.ndarray, int]:
    _, w_shape, stride, pad, groups, channels, _, _ = UPDATE_CASES[case]
    updated = weight.copy()
    saturated = lib.tt_conv2d_weight_update_s8(
        p(updated), p(x), z_x, p(dy), p(factors), lr, *x.shape, w_shape[0], w_shape[1], *w_shape[2:],
        *stride, *pad, groups, channels,
    )  # fmt: skip
    return updated, saturated


def grad_shape(w_shape, groups: int, channels: int) -> tuple[int, ...]:
    return (channels, 1, *w_shape[2:]) if groups > 1 else (w_shape[0], channels, *w_shape[2:])


def run_unfused_update(lib, case, x, z_x, weight, dy, factors, lr) -> tuple[np.ndarray, int, np.ndarray]:
    """tt_conv2d_grad_weight_f32 + tt_scale_channels_f32 + the SGD kernel; also returns the gradient."""
    _, w_shape, stride, pad, groups, channels, _, _ = UPDATE_CASES[case]
    grad = np.full(grad_shape(w_shape, groups, channels), np.nan, dtype=np.float32)
    lib.tt_conv2d_grad_weight_f32(
        p(x), z_x, p(dy), p(grad), *x.shape, w_shape[0], *w_shape[2:], *stride, *pad, groups, channels
    )  # fmt: skip
    if factors is not None:
        lib.tt_scale_channels_f32(p(grad), p(factors), p(grad), grad.shape[0], math.prod(grad.shape[1:]))
    updated = weight.copy()
    if grad.shape == weight.shape or groups > 1:  # the whole weight, or a plain prefix
        saturated = lib.tt_sgd_update_s8(p(updated), p(grad), lr, grad.size)
    else:
        taps = w_shape[2] * w_shape[3]
        saturated = lib.tt_sgd_update_rows_s8(p(updated), p(grad), lr, w_shape[0], channels * taps, w_shape[1] * taps)
    return updated, saturated, grad


def interpreter_update(case, x, z_x, weight, dy, factors, lr) -> tuple[np.ndarray, int]:
    """The weight after one interpreted `qtrain.conv2d_weight_update`, and the saturation count."""
    _, _, stride, pad, groups, channels, _, _ = UPDATE_CASES[case]
    builder = FunctionBuilder([qtrain.qtensor(x.shape, 0.05, z_x), TensorType(f32, dy.shape)])
    builder.params.append(qtrain.ParamOp("w", weight, i8, trainable=True))
    builder.block.add_op(
        qtrain.Conv2dWeightUpdateOp(
            "w", builder.args[0], builder.args[1], stride=stride, pad=pad, groups=groups, channels=channels,
            lr=lr, factors=None if factors is None else [float(f) for f in factors],
        )
    )  # fmt: skip
    interpreter = ReferenceInterpreter(builder.finish())
    interpreter.call("main", x, dy)
    return interpreter.params["w"], interpreter.qtrain.saturations.get("w", 0)


def trained_region(w_shape, groups: int, channels: int) -> tuple[slice, ...]:
    return tuple(slice(0, extent) for extent in grad_shape(w_shape, groups, channels))


@pytest.mark.parametrize("integer", [False, True], ids=["random", "integer_exact"])
@pytest.mark.parametrize("case", list(UPDATE_CASES), ids=str)
def test_conv2d_weight_update_matches_unfused_c_and_interpreter(lib, case, integer):
    _, w_shape, stride, pad, groups, channels, _, _ = UPDATE_CASES[case]
    x, z_x, weight, dy, factors, lr = update_case(case, integer=integer)
    got, saturated = run_fused_update(lib, case, x, z_x, weight, dy, factors, lr)

    # The unfused C path, bit for bit.
    unfused, unfused_saturated, grad = run_unfused_update(lib, case, x, z_x, weight, dy, factors, lr)
    np.testing.assert_array_equal(got, unfused)
    assert saturated == unfused_saturated
    assert saturated > 0, "the case should saturate some weights"
    region = trained_region(w_shape, groups, channels)
    untouched = np.ones(w_shape, dtype=bool)
    untouched[region] = False
    np.testing.assert_array_equal(got[untouched], weight[untouched])  # untrained weights stay
    assert (got[region] != weight[region]).mean() > 0.5, "most trained weights should move"

    # The interpreter.
    expected, expected_saturated = interpreter_update(case, x, z_x, weight, dy, factors, lr)
    if integer:  # every sum and product exact: bit for bit
        np.testing.assert_array_equal(got, expected)
        assert saturated == expected_saturated
        return
    difference = got.astype(np.int32) - expected.astype(np.int32)
    assert np.abs(difference).max() <= 1
    differing = difference != 0
    assert differing.mean() <= 0.02, f"{int(differing.sum())} of {differing.size} weights differ"
    assert abs(saturated - expected_saturated) <= int(differing.sum())
    # The steps: C's from its (scaled) f32 gradient, the interpreter's from its f64 sum rounded
    # once. They differ by at most the f32 summation bound carried through the two f32 products
    # (each a relative u on either side), so a weight can differ only where the interpreter's
    # step lies within that bound of a .5 point.
    step_c = grad * np.float32(lr)
    exact_grad = conv2d_grad_weight(x, z_x, dy, grad.shape, stride, pad, groups)
    scale = np.ones(grad.shape[0], dtype=np.float32) if factors is None else factors
    scale = scale.reshape(-1, *([1] * (grad.ndim - 1)))
    step = (exact_grad * scale).astype(np.float32) * np.float32(lr)
    centered = np.abs(x.astype(np.float64) - z_x)
    magnitude = conv2d_grad_weight(centered, 0, np.abs(dy), grad.shape, stride, pad, groups).astype(np.float64)
    terms = dy.shape[0] * dy.shape[2] * dy.shape[3]
    bound = ((terms + 2) * U * magnitude + TINY) * np.abs(scale) * lr * (1 + 8 * U) + 4 * U * np.abs(step) + TINY
    assert np.all(bound < 1e-2), "the bound should be tiny"
    assert np.all(np.abs(step_c.astype(np.float64) - step) <= bound)
    near_half = np.abs(np.abs(step - np.floor(step)) - 0.5)
    assert np.all(near_half[differing[region]] <= bound[differing[region]])


def test_conv2d_weight_update_ties_and_rails_by_hand(lib):
    # 1x1 conv, one input channel of 1x4 pixels x = [1, 2, 3, 4], z_x = 0, two filters.
    # dy rows [1, 0, 0, 0] and [0, 0, 0, 1]: gradients 1 and 4; factors 2.5 and -1, lr 0.5:
    # steps 1.25 -> 1, and -2 -> -2: weights [10, 126] -> [9, 128 -> 127, saturated].
    x = np.array([1, 2, 3, 4], dtype=np.int8).reshape(1, 1, 1, 4)
    dy = np.array([[1, 0, 0, 0], [0, 0, 0, 1]], dtype=np.float32).reshape(1, 2, 1, 4)
    weight = np.array([10, 126], dtype=np.int8).reshape(2, 1, 1, 1)
    factors = np.array([2.5, -1.0], dtype=np.float32)
    saturated = lib.tt_conv2d_weight_update_s8(
        p(weight), p(x), 0, p(dy), p(factors), 0.5, 1, 1, 1, 4, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1
    )
    np.testing.assert_array_equal(weight.ravel(), [9, 127])
    assert saturated == 1
    # Ties, no factors: gradients 1 and 4 with lr 0.625 are steps 0.625 -> 1 and 2.5 -> 2 (half to even).
    weight = np.array([0, 0], dtype=np.int8).reshape(2, 1, 1, 1)
    saturated = lib.tt_conv2d_weight_update_s8(
        p(weight), p(x), 0, p(dy), None, 0.625, 1, 1, 1, 4, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1
    )
    np.testing.assert_array_equal(weight.ravel(), [-1, -2])
    assert saturated == 0
