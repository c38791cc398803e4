"""Loss and gradient ops of `qtrain` (interpreters/qtrain.py) against PyTorch autograd
(the conv gradients: test_qtrain_gradients_conv2d.py; shared helpers: qtrain_autograd.py).

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

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from xdsl.dialects.builtin import TensorType, f32, i1, i8, i32

from qtrain_autograd import (
    I8_MAX,
    I8_MIN,
    assert_close_sum,
    assert_exact,
    conv_out_hw,
    f32_of,
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
from tiny_training.interpreters import ReferenceInterpreter

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
