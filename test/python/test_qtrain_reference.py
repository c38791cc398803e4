"""The reference interpreter (interpreters/qtrain.py) against independent computations:
add, global_avgpool, dequantize, flatten, linear, parameters and inputs (conv2d:
test_qtrain_reference_conv2d.py; the references: qtrain_references.py).

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

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from xdsl.dialects.builtin import TensorType, f32, i8, i32

from qtrain_builders import (
    FunctionBuilder,
    add_module,
    avgpool_module,
    dequantize_module,
    flatten_module,
    run,
)
from qtrain_references import (
    HYPOTHESIS,
    I8_MAX,
    I8_MIN,
    I32_MAX,
    I32_MIN,
    exact_linear,
    fraction_avgpool_expected,
    linear_error_bound,
    q8,
    round_half_even,
    torch_add_expected,
    torch_conv_expected,
    torch_dequantize_expected,
)
from tiny_training.dialects import qtrain
from tiny_training.interpreters import InterpreterInputError, ReferenceInterpreter

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
