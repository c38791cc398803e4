"""The forward C kernels of runtime/src/<op>/ (conv2d, add, global_avgpool, dequantize,
slice_channels, linear, softmax cross-entropy) against the reference interpreter
(gradients and SGD: test_kernels_backward.py; shared helpers: kernel_checks.py).

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
from xdsl.dialects.builtin import TensorType, i32

import runtime_abi
from kernel_checks import (
    CONV_CASES,
    I32_MAX,
    I32_MIN,
    TINY,
    U,
    assert_within,
    conv_out_hw,
    conv_reference,
    f32_values,
    ftensor,
    geometry,
    mask_buffer,
    p,
    pack_mask,
    q8,
    single_op,
)
from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


# --------------------------------------------------------------------------- conv2d


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
