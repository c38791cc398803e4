"""The C kernels of runtime/src/<op>/ against the reference interpreter.

Every kernel is called through ctypes on the host build of the runtime
(`host_runtime`, conftest.py) and compared with the interpreter: single-op
modules run by `ReferenceInterpreter`, or the numpy helpers of
interpreters/qtrain.py where the op needs no module (conv gradients).

Tolerances
----------
* Integer paths (conv2d, add, global_avgpool, slice_channels, SGD on int8/int32
  parameters, the clamp masks) and the fp32 kernels that do one IEEE operation
  per element (dequantize, dequantize_grad, global_avgpool_grad, clamp_grad,
  add_grad, requant_grad, accumulate, scale_channels, SGD on fp32) are compared
  bit-exactly (`assert_array_equal`).
* fp32 sums: the C kernels accumulate in f32 in a fixed order (documented in
  tt_kernels.h), the interpreter in f64 rounded once to f32. A sum of n
  rounded products is within gamma_n * M of the exact value, M = the same sum
  over absolute values, gamma_n = n*u / (1 - n*u), u = 2**-24 (Higham,
  "Accuracy and Stability of Numerical Algorithms", 3.1); the interpreter is
  within u*M (+ n * 2**-53 * M from its f64 sum). So the test bound is
  |C - interpreter| <= (n + 2) * u * M (`sum_bound`), per element, with M
  computed by running the same reference on |operands|. Where every product and
  partial sum is an integer below 2**24 both sides are exact, so the same
  kernels are also checked bit-exactly on integer-valued gradients (this pins
  the indexing independently of any tolerance), and a one-term sum (batch 1 for
  linear_grad_weight / sum_batch) is bit-exact.
* linear (forward): the interpreter's f32 matmul has an unspecified order (BLAS,
  possibly FMA), so both sides are within gamma_{K+1} * M of the exact result.
* softmax / cross-entropy: expf, logf and the shift by the row maximum add
  error growing with the logit spread S; the bound is derived at the test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import runtime_abi
from xdsl.dialects.builtin import TensorType, f32, i1, i8, i32

from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.interpreters.qtrain import conv2d_grad_input, conv2d_grad_weight

U = 2.0**-24  # unit roundoff of f32
TINY = float(np.finfo(np.float32).tiny)
I8_MIN, I8_MAX = -128, 127
I32_MIN, I32_MAX = -(2**31), 2**31 - 1



@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


# --------------------------------------------------------------------------- helpers


def p(array: np.ndarray | None):
    """The address of a C-contiguous array (NULL for None)."""
    if array is None:
        return None
    assert array.flags.c_contiguous
    return array.ctypes.data


def ftensor(shape) -> TensorType:
    return TensorType(f32, shape)


def q8(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(I8_MIN, I8_MAX + 1, size=shape).astype(np.int8)


def f32_values(rng: np.random.Generator, shape, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(size=shape) * scale).astype(np.float32)


def pack_mask(mask: np.ndarray) -> np.ndarray:
    """The runtime's layout: flat index i is bit (i & 7) of byte (i >> 3), LSB first, zero padded."""
    return np.packbits(np.asarray(mask, dtype=bool).ravel(), bitorder="little")


def mask_buffer(count: int) -> np.ndarray:
    # Garbage first: the kernel must write every byte, high bits of the last one included.
    return np.full((count + 7) // 8, 0xA5, dtype=np.uint8)


def sum_bound(magnitude: np.ndarray, terms: int) -> np.ndarray:
    """|C - interpreter| for an f32 sum of `terms` rounded products (module docstring)."""
    return (terms + 2) * U * np.asarray(magnitude, dtype=np.float64) + TINY


def assert_within(got: np.ndarray, expected: np.ndarray, bound: np.ndarray, what: str) -> None:
    assert got.shape == expected.shape and got.dtype == np.float32, what
    error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    worst = np.unravel_index(np.argmax(error - bound), error.shape) if error.size else ()
    assert np.all(error <= bound), (
        f"{what}: error {error[worst]:.3g} > bound {np.asarray(bound)[worst]:.3g} at {worst} "
        f"(C {got[worst]!r}, interpreter {expected[worst]!r})"
    )


def conv_out_hw(x_shape, w_shape, stride, pad) -> tuple[int, int]:
    top, left, bottom, right = pad
    return (
        (x_shape[2] + top + bottom - w_shape[2]) // stride[0] + 1,
        (x_shape[3] + left + right - w_shape[3]) // stride[1] + 1,
    )


def geometry(x_shape, w_shape, stride, pad, groups) -> tuple[int, ...]:
    n, c, h, w = x_shape
    return (n, c, h, w, w_shape[0], w_shape[2], w_shape[3], *stride, *pad, groups)


def single_op(arg_types, build, *inputs) -> tuple[np.ndarray, ...]:
    """Runs `main(args) = build(builder, *args)` (a list of result values) in the interpreter."""
    builder = FunctionBuilder(arg_types)
    results = build(builder, *builder.args)
    return run(builder.finish(*results), *inputs)


def added(builder: FunctionBuilder, op) -> list:
    builder.block.add_op(op)
    return list(op.results)


# --------------------------------------------------------------------------- conv2d

CONV_CASES = {
    # name: (x shape, weight shape, stride, pad [t, l, b, r], groups)
    "pointwise": ((1, 8, 5, 5), (6, 8, 1, 1), (1, 1), (0, 0, 0, 0), 1),  # fast path, 4-pixel blocks + tail
    "pointwise_grouped_batch2": ((2, 6, 3, 5), (4, 3, 1, 1), (1, 1), (0, 0, 0, 0), 2),  # fast path, groups
    "pointwise_stride2_odd": ((1, 5, 7, 6), (7, 5, 1, 1), (2, 2), (0, 0, 0, 0), 1),
    "pointwise_padded": ((1, 3, 4, 4), (2, 3, 1, 1), (1, 1), (1, 0, 0, 1), 1),
    "3x3_s1_p1": ((1, 4, 6, 6), (5, 4, 3, 3), (1, 1), (1, 1, 1, 1), 1),
    "3x3_s2_asym_pad": ((1, 3, 9, 8), (4, 3, 3, 3), (2, 2), (0, 1, 1, 0), 1),
    "3x3_tlbr_all_different": ((1, 2, 6, 7), (3, 2, 3, 3), (1, 1), (0, 1, 2, 3), 1),
    "depthwise_3x3_s2": ((1, 6, 7, 7), (6, 1, 3, 3), (2, 2), (1, 1, 1, 1), 6),
    "depthwise_5x5_s1_batch2": ((2, 3, 7, 5), (3, 1, 5, 5), (1, 1), (2, 2, 2, 2), 3),
    "depthwise_7x7_s2_asym": ((1, 4, 11, 10), (4, 1, 7, 7), (2, 2), (3, 2, 3, 4), 4),
    "depthwise_multiplier_2": ((1, 3, 6, 6), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 3),
    "grouped_g2_s2_odd": ((1, 6, 7, 7), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 2),
    "kernel_larger_than_input": ((1, 2, 2, 3), (3, 2, 3, 3), (1, 1), (1, 1, 1, 1), 1),
    "nonsquare_2x3_stride_2x1": ((1, 3, 7, 6), (4, 3, 2, 3), (2, 1), (0, 1, 1, 1), 1),
    "first_conv_7x7_s2": ((1, 3, 15, 15), (4, 3, 7, 7), (2, 2), (3, 3, 3, 3), 1),
}


def conv_reference(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups):
    """(y, mask, multipliers) from the interpreter running one `qtrain.conv2d` with a mask."""
    y_shape = (x.shape[0], weight.shape[0], *conv_out_hw(x.shape, weight.shape, stride, pad))
    builder = FunctionBuilder([qtrain.qtensor(x.shape, *x_q)])
    w = builder.param("w", weight, i8)
    b = builder.param("b", np.asarray(bias, dtype=np.int32), i32)
    conv = qtrain.Conv2dOp(
        builder.args[0], w, b, qtrain.qtensor(y_shape, *y_q),
        stride=stride, pad=pad, groups=groups, w_scales=w_scales, with_mask=True,
    )  # fmt: skip
    builder.block.add_op(conv)
    y, mask = run(builder.finish(conv.output, conv.mask), x)
    return y, mask, conv.requant_multipliers()


def run_conv(lib, x, z_x, weight, bias, multipliers, z_y, stride, pad, groups, *, with_mask=True):
    y_shape = (x.shape[0], weight.shape[0], *conv_out_hw(x.shape, weight.shape, stride, pad))
    y = np.full(y_shape, 99, dtype=np.int8)
    mask = mask_buffer(y.size) if with_mask else None
    multipliers = np.ascontiguousarray(multipliers, dtype=np.float32)
    bias = np.ascontiguousarray(bias, dtype=np.int32)
    lib.tt_conv2d_s8(
        p(x), z_x, p(weight), p(bias), p(multipliers), z_y, p(y), p(mask),
        *geometry(x.shape, weight.shape, stride, pad, groups),
    )  # fmt: skip
    return y, mask


@pytest.mark.parametrize("case", list(CONV_CASES), ids=str)
def test_conv2d_matches_interpreter(lib, case):
    x_shape, w_shape, stride, pad, groups = CONV_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    x, weight = q8(rng, x_shape), q8(rng, w_shape)
    c_out, c_per_group, k_h, k_w = w_shape
    x_q = (0.03, int(rng.integers(-128, 128)))
    w_scales = rng.uniform(0.002, 0.02, size=c_out)
    bias = rng.integers(-30000, 30000, size=c_out)
    if c_out >= 3:
        bias[-1] = I32_MAX  # a dead channel: the bias add must saturate, not wrap
    # |eff * acc| around 100 for typical sums: values inside the range and on both rails.
    typical_acc = 75 * 75 * math.sqrt(c_per_group * k_h * k_w)
    y_q = (x_q[0] * float(np.median(w_scales)) * typical_acc / 100.0, int(rng.integers(-20, 20)))
    expected, expected_mask, multipliers = conv_reference(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups)
    assert 0 < expected_mask.sum() < expected_mask.size, "the case should exercise both mask values"

    got, got_mask = run_conv(lib, x, x_q[1], weight, bias, multipliers, y_q[1], stride, pad, groups)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_mask, pack_mask(expected_mask))
    got_plain, _ = run_conv(lib, x, x_q[1], weight, bias, multipliers, y_q[1], stride, pad, groups, with_mask=False)
    np.testing.assert_array_equal(got_plain, expected)


def test_conv2d_mask_boundaries_and_ties_by_hand(lib):
    # 1x1 conv of one channel holding every int8 value, weight 1, z_x = z_y = 0.
    # multiplier 1: pre-clamp = x + b; b = -1 reaches -129 (clamped) and -128 (inside),
    # b = +1 reaches 127 (inside) and 128 (clamped).
    # multiplier 0.5 with b = 0: (x)/2 rounds half to even: 3/2 -> 2, 5/2 -> 2, -3/2 -> -2, -1/2 -> 0.
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 1, 16, 16)
    weight = np.ones((3, 1, 1, 1), dtype=np.int8)
    bias = np.array([-1, 1, 0])
    multipliers = np.array([1.0, 1.0, 0.5], dtype=np.float32)
    got, got_mask = run_conv(lib, x, 0, weight, bias, multipliers, 0, (1, 1), (0, 0, 0, 0), 1)
    values = np.arange(-128, 128)
    pre = [values - 1, values + 1, [round(v / 2) for v in values]]  # Python's round is half to even
    for channel in range(3):
        expected = np.clip(pre[channel], -128, 127)
        np.testing.assert_array_equal(got[0, channel].ravel(), expected)
    inside = np.array([(-128 <= v <= 127) for row in pre for v in row]).reshape(1, 3, 16, 16)
    np.testing.assert_array_equal(got_mask, pack_mask(inside))
    assert got[0, 2].ravel()[128 + 3] == 2 and got[0, 2].ravel()[128 + 5] == 2 and got[0, 2].ravel()[128 - 3] == -2
    assert not inside[0, 0].ravel()[0] and inside[0, 0].ravel()[1]  # -129 out, -128 in
    assert inside[0, 1].ravel()[-2] and not inside[0, 1].ravel()[-1]  # 127 in, 128 out


def test_conv2d_bias_saturates_instead_of_wrapping(lib):
    # acc = 5 + (2^31 - 1) saturates to 2^31 - 1; f32(2^31 - 1) = 2^31; * 2^-31 = 1 -> y = 1.
    # A wrapping add would give -2^31 + 4 -> f32 -2^31 -> y = -1. Mirror image for -2^31.
    x = np.array([5, -5], dtype=np.int8).reshape(1, 1, 1, 2)
    weight = np.ones((2, 1, 1, 1), dtype=np.int8)
    bias = np.array([I32_MAX, I32_MIN])
    multipliers = np.full(2, 2.0**-31, dtype=np.float32)
    got, _ = run_conv(lib, x, 0, weight, bias, multipliers, 0, (1, 1), (0, 0, 0, 0), 1)
    # channel 0: x = 5 -> 1, x = -5 -> (2^31 - 6) * 2^-31 rounds to 1; channel 1: -1, -1.
    np.testing.assert_array_equal(got, np.array([[[[1, 1]], [[-1, -1]]]], dtype=np.int8))


def test_conv2d_padding_is_the_input_zero_point(lib):
    # Every input equals z_x (real zero), so every output, borders included, is requant(bias).
    x = np.full((1, 2, 5, 4), -37, dtype=np.int8)
    weight = q8(np.random.default_rng(1), (3, 2, 3, 3))
    bias = np.array([40, -41, 7])
    multipliers = np.array([0.5, 0.5, 3.0], dtype=np.float32)
    got, got_mask = run_conv(lib, x, -37, weight, bias, multipliers, 3, (2, 1), (1, 2, 0, 1), 1)
    expected = np.array([20 + 3, -20 + 3, 21 + 3])  # 40/2, -41/2 = -20.5 -> -20 (even), 7*3
    np.testing.assert_array_equal(got, np.broadcast_to(expected[None, :, None, None], got.shape))
    np.testing.assert_array_equal(got_mask, pack_mask(np.ones(got.shape, dtype=bool)))


# --------------------------------------------------------------------------- add


def add_reference(a, a_q, b, b_q, y_q):
    shape = a.shape
    builder = FunctionBuilder([qtrain.qtensor(shape, *a_q), qtrain.qtensor(shape, *b_q)])
    op = qtrain.AddOp(builder.args[0], builder.args[1], qtrain.qtensor(shape, *y_q), with_mask=True)
    builder.block.add_op(op)
    y, mask = run(builder.finish(op.output, op.mask), a, b)
    m_a, m_b = qtrain.add_multipliers(qtrain.QInt8Type(*a_q), qtrain.QInt8Type(*b_q), qtrain.QInt8Type(*y_q))
    return y, mask, float(m_a), float(m_b)


@pytest.mark.parametrize("shape", [(1, 8, 4, 4), (2, 3, 5, 7), (1, 1, 1, 13)], ids=str)
def test_add_matches_interpreter(lib, shape):
    rng = np.random.default_rng(shape[-1])
    a, b = q8(rng, shape), q8(rng, shape)
    a_q, b_q, y_q = (0.1, 3), (0.07, -20), (0.09, 5)
    expected, expected_mask, m_a, m_b = add_reference(a, a_q, b, b_q, y_q)
    assert 0 < expected_mask.sum() < expected_mask.size
    y = np.zeros(shape, dtype=np.int8)
    mask = mask_buffer(y.size)
    lib.tt_add_s8(p(a), a_q[1], m_a, p(b), b_q[1], m_b, y_q[1], p(y), p(mask), y.size)
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(mask, pack_mask(expected_mask))
    # In place, into either operand, without a mask.
    target = a.copy()
    lib.tt_add_s8(p(target), a_q[1], m_a, p(b), b_q[1], m_b, y_q[1], p(target), None, y.size)
    np.testing.assert_array_equal(target, expected)
    target = b.copy()
    lib.tt_add_s8(p(a), a_q[1], m_a, p(target), b_q[1], m_b, y_q[1], p(target), None, y.size)
    np.testing.assert_array_equal(target, expected)


def test_add_ties_and_rails_by_hand(lib):
    # m_a = m_b = 0.5, zero points 0: y = rint((a + b) / 2) with ties to even, then + z_y.
    a = np.array([1, 1, 3, -1, 127, -128, 100, -100], dtype=np.int8)
    b = np.array([0, 2, 2, 0, 127, -128, 100, -100], dtype=np.int8)
    y = np.zeros(8, dtype=np.int8)
    mask = mask_buffer(8)
    lib.tt_add_s8(p(a), 0, 0.5, p(b), 0, 0.5, 30, p(y), p(mask), 8)
    # (a+b)/2 = 0.5->0, 1.5->2, 2.5->2, -0.5->0, 127, -128, 100, -100; + 30, then clamp
    np.testing.assert_array_equal(y, [30, 32, 32, 30, 127, -98, 127, -70])
    np.testing.assert_array_equal(mask, pack_mask([1, 1, 1, 1, 0, 1, 0, 1]))


# --------------------------------------------------------------------------- global_avgpool, dequantize, slice


def test_global_avgpool_matches_interpreter_and_runs_in_place(lib):
    rng = np.random.default_rng(5)
    shape = (2, 5, 3, 7)
    q = (0.1, -128)
    x = q8(rng, shape)
    builder = FunctionBuilder([qtrain.qtensor(shape, *q)])
    y_value = builder.add(qtrain.GlobalAvgPoolOp(builder.args[0], qtrain.qtensor((2, 5, 1, 1), *q)))
    (expected,) = run(builder.finish(y_value), x)
    y = np.zeros((2, 5, 1, 1), dtype=np.int8)
    lib.tt_global_avgpool_s8(p(x), p(y), *shape)
    np.testing.assert_array_equal(y, expected)
    in_place = x.copy()
    lib.tt_global_avgpool_s8(p(in_place), p(in_place), *shape)
    np.testing.assert_array_equal(in_place.ravel()[:10], expected.ravel())


def test_global_avgpool_ties_by_hand(lib):
    # 2x2 planes: sums 2, 6, -2, -6, 10 -> means 0.5, 1.5, -0.5, -1.5, 2.5 -> 0, 2, 0, -2, 2;
    # all -128 -> -128, all 127 -> 127.
    planes = [[1, 1, 0, 0], [2, 2, 1, 1], [-1, -1, 0, 0], [-2, -2, -1, -1], [3, 3, 2, 2], [-128] * 4, [127] * 4]
    x = np.array(planes, dtype=np.int8).reshape(1, 7, 2, 2)
    y = np.zeros(7, dtype=np.int8)
    lib.tt_global_avgpool_s8(p(x), p(y), 1, 7, 2, 2)
    np.testing.assert_array_equal(y, [0, 2, 0, -2, 2, -128, 127])


def test_dequantize_matches_interpreter_and_runs_in_place(lib):
    rng = np.random.default_rng(6)
    shape = (1, 6, 3, 3)
    q = (0.0235294118, -128)
    x = q8(rng, shape)
    builder = FunctionBuilder([qtrain.qtensor(shape, *q)])
    (expected,) = run(builder.finish(builder.add(qtrain.DequantizeOp(builder.args[0]))), x)
    y = np.zeros(shape, dtype=np.float32)
    lib.tt_dequantize_s8(p(x), q[1], float(np.float32(q[0])), p(y), x.size)
    np.testing.assert_array_equal(y, expected)
    # In place: the float result starts at the int8 input's address.
    buffer = np.zeros(x.size, dtype=np.float32)
    buffer.view(np.int8)[: x.size] = x.ravel()
    lib.tt_dequantize_s8(p(buffer), q[1], float(np.float32(q[0])), p(buffer), x.size)
    np.testing.assert_array_equal(buffer.reshape(shape), expected)


@pytest.mark.parametrize("batch,channels,kept", [(1, 6, 2), (2, 5, 3), (2, 4, 4)])
def test_slice_channels_matches_interpreter_and_runs_in_place(lib, batch, channels, kept):
    rng = np.random.default_rng(channels)
    shape = (batch, channels, 3, 5)
    x = q8(rng, shape)
    builder = FunctionBuilder([qtrain.qtensor(shape, 0.1, 0)])
    (expected,) = run(builder.finish(builder.add(qtrain.SliceChannelsOp(builder.args[0], kept))), x)
    y = np.zeros(expected.shape, dtype=np.int8)
    lib.tt_slice_channels_s8(p(x), p(y), batch, channels, kept, 3, 5)
    np.testing.assert_array_equal(y, expected)
    lib.tt_slice_channels_s8(p(x), p(x), batch, channels, kept, 3, 5)
    np.testing.assert_array_equal(x.ravel()[: expected.size], expected.ravel())


# --------------------------------------------------------------------------- linear (fp32 head)


@pytest.mark.parametrize("n,k,m", [(1, 8, 10), (3, 37, 5), (2, 160, 10)])
def test_linear_matches_interpreter(lib, n, k, m):
    rng = np.random.default_rng(k)
    x, w, b = f32_values(rng, (n, k)), f32_values(rng, (m, k), 0.1), f32_values(rng, (m,))
    (expected,) = single_op(
        [ftensor((n, k)), ftensor((m, k)), ftensor((m,))],
        lambda builder, *args: [builder.add(qtrain.LinearOp(*args))],
        x, w, b,
    )  # fmt: skip
    y = np.zeros((n, m), dtype=np.float32)
    lib.tt_linear_f32(p(x), p(w), p(b), p(y), n, k, m)
    magnitude = np.abs(x.astype(np.float64)) @ np.abs(w.astype(np.float64)).T + np.abs(b.astype(np.float64))
    gamma = (k + 1) * U / (1 - (k + 1) * U)
    exact = x.astype(np.float64) @ w.astype(np.float64).T + b.astype(np.float64)
    # C (sequential f32) and the interpreter (BLAS, any order) are each within gamma * M of exact.
    assert_within(y, exact.astype(np.float32), gamma * magnitude + U * np.abs(exact) + TINY, "linear vs exact")
    assert_within(y, expected, 2 * gamma * magnitude + TINY, "linear vs interpreter")


# --------------------------------------------------------------------------- loss


def loss_reference(logits, labels):
    n, m = logits.shape
    return single_op(
        [ftensor((n, m)), TensorType(i32, (n,))],
        lambda builder, *args: [
            builder.add(qtrain.SoftmaxCrossEntropyOp(*args)),
            builder.add(qtrain.SoftmaxCrossEntropyGradOp(*args)),
        ],
        logits, labels,
    )  # fmt: skip


@pytest.mark.parametrize(
    "n,m,spread,seed", [(1, 10, 1.0, 0), (3, 5, 4.0, 1), (5, 2, 0.5, 2), (4, 100, 3.0, 3), (2, 7, 40.0, 4)]
)
def test_softmax_cross_entropy_matches_interpreter(lib, n, m, spread, seed):
    rng = np.random.default_rng(seed)
    logits = f32_values(rng, (n, m), spread)
    labels = rng.integers(0, m, size=n).astype(np.int32)
    labels[0] = m - 1
    expected_loss, expected_grad = loss_reference(logits, labels)
    loss = np.zeros((), dtype=np.float32)
    grad = np.zeros((n, m), dtype=np.float32)
    lib.tt_softmax_cross_entropy_f32(p(logits), p(labels), p(loss), n, m)
    lib.tt_softmax_cross_entropy_grad_f32(p(logits), p(labels), p(grad), n, m)
    # Error bound (u = 2^-24, S = largest row spread max - min, C = classes):
    # fl(l - max) is off by <= u*S, so expf(.) by <= (S + 2) u relative (expf < 1 ulp); the
    # row sum adds C u; p = e / sum is within rho = (2S + C + 5) u relative. grad = (p - onehot)/N
    # adds two roundings, the interpreter's f64 result one more: |err| <= rho p / N + 3u |grad|.
    # loss: log(sum) is off by <= rho + 2u log(sum), the picked shifted logit by u S, and the
    # mean of N row losses (each <= log C + S) adds (N + 3) u (log C + S).
    s = float((logits.max(axis=1) - logits.min(axis=1)).max())
    rho = (2 * s + m + 8) * U
    probability = expected_grad.astype(np.float64) * n + (np.arange(m)[None, :] == labels[:, None])
    assert_within(grad, expected_grad, rho * probability / n + 3 * U * np.abs(expected_grad) + TINY, "softmax grad")
    loss_bound = rho + (n + 6) * U * (math.log(m) + s)
    assert_within(loss, expected_loss, np.asarray(loss_bound), "softmax_cross_entropy")
    lib.tt_softmax_cross_entropy_grad_f32(p(logits), p(labels), p(logits), n, m)  # in place
    np.testing.assert_array_equal(logits, grad)


def test_softmax_cross_entropy_uniform_by_hand(lib):
    # Equal logits over 4 classes: loss = log 4, grad = (1/4 - onehot) / 2, all exact in f32.
    logits = np.full((2, 4), 3.0, dtype=np.float32)
    labels = np.array([0, 3], dtype=np.int32)
    loss = np.zeros((), dtype=np.float32)
    grad = np.zeros((2, 4), dtype=np.float32)
    lib.tt_softmax_cross_entropy_f32(p(logits), p(labels), p(loss), 2, 4)
    lib.tt_softmax_cross_entropy_grad_f32(p(logits), p(labels), p(grad), 2, 4)
    assert abs(float(loss) - math.log(4)) <= 2 * U * math.log(4)
    expected = np.full((2, 4), 0.125, dtype=np.float32)
    expected[0, 0] = expected[1, 3] = -0.375
    np.testing.assert_array_equal(grad, expected)


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
