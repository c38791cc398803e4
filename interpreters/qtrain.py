"""Reference semantics of the `qtrain` dialect, as xDSL interpreter functions in numpy.

This file *defines* what every `qtrain` op computes; the C runtime must agree
with it bit-exactly on integer paths. Runtime values are numpy arrays:
`!qtrain.qi8` tensors are `int8`, `i32` tensors `int32`, `f32` tensors `float32`.
The rounding rule is round half to even everywhere (see `dialects/qtrain/__init__.py`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.dialects.builtin import SymbolRefAttr
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import InterpretationError

from tiny_training.dialects import qtrain

INT32_MIN = qtrain.INT32_MIN
INT32_MAX = qtrain.INT32_MAX


def clamp_int8(values: np.ndarray) -> np.ndarray:
    return np.clip(values, qtrain.INT8_MIN, qtrain.INT8_MAX).astype(np.int8)


def round_half_even_f32(values: np.ndarray) -> np.ndarray:
    """IEEE `rint` in single precision: ties go to the even integer."""
    return np.rint(values.astype(np.float32))


def divide_round_half_even(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """The exact quotient `numerator / denominator` (integers) rounded half to even."""
    quotient, remainder = np.divmod(numerator.astype(np.int64), denominator)
    twice = 2 * remainder
    round_up = (twice > denominator) | ((twice == denominator) & (quotient % 2 != 0))
    return quotient + round_up.astype(np.int64)


def conv2d_accumulate(
    x: np.ndarray,
    x_zero_point: int,
    weight: np.ndarray,
    bias: np.ndarray,
    stride: tuple[int, int],
    pad: tuple[int, int, int, int],
    groups: int,
) -> np.ndarray:
    """`acc = sat32(sum((x - z_x) * W) + b)`, NCHW / OIHW, zero-point padding.

    The sums run in float64 through BLAS: every product is at most 255 * 128 and
    every sum far below 2**53, so the float64 result is the exact integer.
    """
    top, left, bottom, right = pad
    centered = x.astype(np.float64) - x_zero_point
    padded = np.pad(centered, ((0, 0), (0, 0), (top, bottom), (left, right)))
    c_out, c_per_group, k_h, k_w = weight.shape
    windows = sliding_window_view(padded, (k_h, k_w), axis=(2, 3))[:, :, :: stride[0], :: stride[1]]
    n, c_in, out_h, out_w = windows.shape[:4]
    windows = windows.reshape(n, groups, c_per_group, out_h, out_w, k_h, k_w)
    grouped_weight = weight.astype(np.float64).reshape(groups, c_out // groups, c_per_group, k_h, k_w)
    acc = np.einsum("ngcijkl,gockl->ngoij", windows, grouped_weight, optimize=True)
    acc = acc.reshape(n, c_out, out_h, out_w)
    sums = np.rint(acc).astype(np.int64)
    if sums.size and (sums.min() < INT32_MIN or sums.max() > INT32_MAX):
        raise InterpretationError(f"qtrain.conv2d: int32 sum of products overflows ({sums.min()}..{sums.max()})")
    return saturate_int32(sums + bias.astype(np.int64)[None, :, None, None])


def saturate_int32(values: np.ndarray) -> np.ndarray:
    return np.clip(values, INT32_MIN, INT32_MAX)


def requantize_unclamped(acc: np.ndarray, multipliers: np.ndarray, zero_point: int) -> np.ndarray:
    """`rint(f32(acc) * eff[c]) + z_y` before the clamp, per-channel f32 multipliers on axis 1."""
    scaled = acc.astype(np.int32).astype(np.float32) * multipliers.astype(np.float32)[None, :, None, None]
    return round_half_even_f32(scaled).astype(np.int64) + zero_point


def requantize(acc: np.ndarray, multipliers: np.ndarray, zero_point: int) -> np.ndarray:
    """`clamp(rint(f32(acc) * eff[c]) + z_y)` with per-channel f32 multipliers (axis 1)."""
    return clamp_int8(requantize_unclamped(acc, multipliers, zero_point))


def inside_int8(values: np.ndarray) -> np.ndarray:
    """The clamp mask: true where a value before the int8 clamp lies in [-128, 127]."""
    return (values >= qtrain.INT8_MIN) & (values <= qtrain.INT8_MAX)


def with_mask(op, unclamped: np.ndarray) -> tuple[np.ndarray, ...]:
    """The op's results: the clamped int8 values, and the clamp mask if the op has one."""
    if op.mask is None:
        return (clamp_int8(unclamped),)
    return (clamp_int8(unclamped), inside_int8(unclamped))


def conv2d_unclamped(op: qtrain.Conv2dOp, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    x_q = qtrain.quant_params(op.input.type)
    y_q = qtrain.quant_params(op.output.type)
    acc = conv2d_accumulate(x, x_q.zero_point_value, weight, bias, op.stride_hw, op.pad_tlbr, op.groups_value)
    return requantize_unclamped(acc, op.requant_multipliers(), y_q.zero_point_value)


def conv2d(op: qtrain.Conv2dOp, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """The int8 output of one `qtrain.conv2d` for the given operand values."""
    return clamp_int8(conv2d_unclamped(op, x, weight, bias))


@register_impls
class QTrainFunctions(InterpreterFunctions):
    """Interpreter functions for `qtrain`. Holds the current value of every
    `qtrain.param`, initialised from the IR and updated in place by training ops."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        # How many int8/int32 parameter values saturated in SGD updates, per parameter.
        self.saturations: dict[str, int] = {}

    def param_value(self, interpreter: Interpreter, op: qtrain.GetParamOp) -> np.ndarray:
        name = op.param.string_value()
        if name not in self.params:
            target = SymbolTable.lookup_symbol(op, op.param)
            if not isinstance(target, qtrain.ParamOp):
                raise InterpretationError(f"qtrain.get_param: no qtrain.param named @{name}")
            value = target.to_numpy().copy()
            # Read-only: a caller holding a result must not change the parameter behind
            # the interpreter's back; training ops replace the stored array instead.
            value.flags.writeable = False
            self.params[name] = value
        return self.params[name]

    def apply_sgd(self, op, param: SymbolRefAttr, grad: np.ndarray, lr: float) -> None:
        """The step of `qtrain.sgd_update` on `param`'s leading slice of `grad`'s shape."""
        name = param.string_value()
        target = SymbolTable.lookup_symbol(op, param)
        assert isinstance(target, qtrain.ParamOp)
        if name not in self.params:
            self.params[name] = target.to_numpy().copy()
        updated = self.params[name].copy()
        grad = grad.astype(np.float32)
        region = tuple(slice(0, extent) for extent in grad.shape)
        step = (grad * np.float32(lr)).astype(np.float32)
        current = updated[region]
        if updated.dtype == np.float32:
            updated[region] = (current - step).astype(np.float32)
        else:
            info = np.iinfo(updated.dtype)
            # Bound the step first: a huge gradient saturates instead of overflowing int64.
            raw = current.astype(np.int64) - np.rint(np.clip(step, -(2.0**40), 2.0**40)).astype(np.int64)
            self.saturations[name] = self.saturations.get(name, 0) + int(((raw < info.min) | (raw > info.max)).sum())
            updated[region] = np.clip(raw, info.min, info.max).astype(updated.dtype)
        updated.flags.writeable = False
        self.params[name] = updated

    @impl(qtrain.SgdUpdateOp)
    def run_sgd_update(self, interpreter: Interpreter, op: qtrain.SgdUpdateOp, args: tuple[Any, ...]):
        self.apply_sgd(op, op.param, args[0], op.lr.value.data)
        return ()

    @impl(qtrain.Conv2dWeightUpdateOp)
    def run_conv2d_weight_update(
        self, interpreter: Interpreter, op: qtrain.Conv2dWeightUpdateOp, args: tuple[Any, ...]
    ):
        x, grad = args
        target = SymbolTable.lookup_symbol(op, op.param)
        assert isinstance(target, qtrain.ParamOp)
        shape = op.grad_weight_shape(target.value_type.get_shape())
        zero_point = qtrain.quant_params(op.input.type).zero_point_value
        dw = conv2d_grad_weight(x, zero_point, grad, shape, op.stride_hw, op.pad_tlbr, op.groups_value)
        if op.factors is not None:
            factors = np.array(list(op.factors.iter_values()), dtype=np.float32).reshape(-1, 1, 1, 1)
            dw = (dw * factors).astype(np.float32)
        self.apply_sgd(op, op.param, dw, op.lr.value.data)
        return ()

    @impl(qtrain.GetParamOp)
    def run_get_param(self, interpreter: Interpreter, op: qtrain.GetParamOp, args: tuple[Any, ...]):
        return (self.param_value(interpreter, op),)

    @impl(qtrain.Conv2dOp)
    def run_conv2d(self, interpreter: Interpreter, op: qtrain.Conv2dOp, args: tuple[Any, ...]):
        return with_mask(op, conv2d_unclamped(op, *args))

    @impl(qtrain.Conv2dDwOp)
    def run_conv2d_dw(self, interpreter: Interpreter, op: qtrain.Conv2dDwOp, args: tuple[Any, ...]):
        x, weight, bias, dw_weight, dw_bias = args[:5]  # the scratch buffer is the C kernel's business
        first, depthwise = op.parts()
        return (conv2d(depthwise, conv2d(first, x, weight, bias), dw_weight, dw_bias),)

    @impl(qtrain.AddOp)
    def run_add(self, interpreter: Interpreter, op: qtrain.AddOp, args: tuple[Any, ...]):
        lhs, rhs = args
        a_q = qtrain.quant_params(op.lhs.type)
        b_q = qtrain.quant_params(op.rhs.type)
        y_q = qtrain.quant_params(op.output.type)
        m_a, m_b = qtrain.add_multipliers(a_q, b_q, y_q)
        a_real = (lhs.astype(np.int32) - a_q.zero_point_value).astype(np.float32) * m_a
        b_real = (rhs.astype(np.int32) - b_q.zero_point_value).astype(np.float32) * m_b
        total = (a_real + b_real).astype(np.float32)
        return with_mask(op, round_half_even_f32(total).astype(np.int64) + y_q.zero_point_value)

    @impl(qtrain.GlobalAvgPoolOp)
    def run_global_avgpool(self, interpreter: Interpreter, op: qtrain.GlobalAvgPoolOp, args: tuple[Any, ...]):
        (x,) = args
        _, _, h, w = x.shape
        sums = x.astype(np.int64).sum(axis=(2, 3), keepdims=True)
        return (clamp_int8(divide_round_half_even(sums, h * w)),)

    @impl(qtrain.DequantizeOp)
    def run_dequantize(self, interpreter: Interpreter, op: qtrain.DequantizeOp, args: tuple[Any, ...]):
        (x,) = args
        q = qtrain.quant_params(op.input.type)
        centered = (x.astype(np.int32) - q.zero_point_value).astype(np.float32)
        return (centered * np.float32(q.scale_value),)

    @impl(qtrain.FlattenOp)
    def run_flatten(self, interpreter: Interpreter, op: qtrain.FlattenOp, args: tuple[Any, ...]):
        (x,) = args
        return (x.reshape(x.shape[0], -1),)

    @impl(qtrain.LinearOp)
    def run_linear(self, interpreter: Interpreter, op: qtrain.LinearOp, args: tuple[Any, ...]):
        x, weight, bias = args
        y = x.astype(np.float32) @ weight.astype(np.float32).T + bias.astype(np.float32)
        return (y.astype(np.float32),)


# --------------------------------------------------------------------------- loss and gradients
# fp32 values; sums are accumulated in float64 and rounded to f32 once (the C runtime
# accumulates in f32 and is compared with a tolerance on these paths).


def conv2d_grad_input(
    grad: np.ndarray,
    weight: np.ndarray,
    input_shape: tuple[int, ...],
    stride: tuple[int, int],
    pad: tuple[int, int, int, int],
    groups: int,
) -> np.ndarray:
    """The transposed convolution of the accumulator gradient with the int8 weights."""
    n, c_in, h, w = input_shape
    top, left, bottom, right = pad
    c_out, c_per_group, k_h, k_w = weight.shape
    out_h, out_w = grad.shape[2:]
    g = grad.astype(np.float64).reshape(n, groups, c_out // groups, out_h, out_w)
    wg = weight.astype(np.float64).reshape(groups, c_out // groups, c_per_group, k_h, k_w)
    padded = np.zeros((n, groups, c_per_group, h + top + bottom, w + left + right))
    for kh in range(k_h):
        for kw in range(k_w):
            contribution = np.einsum("ngoij,goc->ngcij", g, wg[:, :, :, kh, kw])
            padded[:, :, :, kh : kh + stride[0] * out_h : stride[0], kw : kw + stride[1] * out_w : stride[1]] += (
                contribution
            )
    result = padded[:, :, :, top : top + h, left : left + w].reshape(n, c_in, h, w)
    return result.astype(np.float32)


def conv2d_grad_weight(
    x: np.ndarray,
    x_zero_point: int,
    grad: np.ndarray,
    weight_shape: tuple[int, ...],
    stride: tuple[int, int],
    pad: tuple[int, int, int, int],
    groups: int,
) -> np.ndarray:
    """`dW = grad_weight(x - z_x, g)` for the leading `weight_shape` slice (regular or depthwise)."""
    top, left, bottom, right = pad
    k_h, k_w = weight_shape[2:]
    centered = np.pad(x.astype(np.float64) - x_zero_point, ((0, 0), (0, 0), (top, bottom), (left, right)))
    windows = sliding_window_view(centered, (k_h, k_w), axis=(2, 3))[:, :, :: stride[0], :: stride[1]]
    g = grad.astype(np.float64)
    if groups == 1:
        channels = weight_shape[1]
        result = np.einsum("noij,ncijkl->ockl", g, windows[:, :channels], optimize=True)
    else:  # depthwise: output channel c sees input channel c
        channels = weight_shape[0]
        result = np.einsum("ncij,ncijkl->ckl", g[:, :channels], windows[:, :channels], optimize=True)[:, None]
    return result.astype(np.float32)


@register_impls
class QTrainGradFunctions(InterpreterFunctions):
    """Interpreter functions for the loss and gradient ops of `qtrain`. `gradients`
    holds the last value marked by `qtrain.param_grad` for each parameter."""

    def __init__(self) -> None:
        self.gradients: dict[str, np.ndarray] = {}

    @impl(qtrain.SoftmaxCrossEntropyOp)
    def run_softmax_cross_entropy(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        logits, label = args
        logits = logits.astype(np.float64)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_sum = np.log(np.exp(shifted).sum(axis=1))
        picked = shifted[np.arange(logits.shape[0]), label.astype(np.int64)]
        return (np.asarray((log_sum - picked).mean(), dtype=np.float32),)

    @impl(qtrain.SoftmaxCrossEntropyGradOp)
    def run_softmax_cross_entropy_grad(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        logits, label = args
        logits = logits.astype(np.float64)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        grad = exp / exp.sum(axis=1, keepdims=True)
        grad[np.arange(logits.shape[0]), label.astype(np.int64)] -= 1.0
        return ((grad / logits.shape[0]).astype(np.float32),)

    @impl(qtrain.LinearGradInputOp)
    def run_linear_grad_input(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        grad, weight = args
        return ((grad.astype(np.float64) @ weight.astype(np.float64)).astype(np.float32),)

    @impl(qtrain.LinearGradWeightOp)
    def run_linear_grad_weight(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        grad, x = args
        return ((grad.astype(np.float64).T @ x.astype(np.float64)).astype(np.float32),)

    @impl(qtrain.SumBatchOp)
    def run_sum_batch(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        return (args[0].astype(np.float64).sum(axis=0).astype(np.float32),)

    @impl(qtrain.ReshapeOp)
    def run_reshape(self, interpreter: Interpreter, op: qtrain.ReshapeOp, args: tuple[Any, ...]):
        return (args[0].reshape(op.output.type.get_shape()),)  # pyright: ignore[reportAttributeAccessIssue]

    @impl(qtrain.DequantizeGradOp)
    def run_dequantize_grad(self, interpreter: Interpreter, op: qtrain.DequantizeGradOp, args: tuple[Any, ...]):
        return ((args[0].astype(np.float32) * np.float32(op.scale.value.data)).astype(np.float32),)

    @impl(qtrain.GlobalAvgPoolGradOp)
    def run_global_avgpool_grad(self, interpreter: Interpreter, op: qtrain.GlobalAvgPoolGradOp, args: tuple[Any, ...]):
        shape = op.grad_input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        spread = args[0].astype(np.float32) / np.float32(shape[2] * shape[3])
        return (np.broadcast_to(spread, shape).astype(np.float32),)

    @impl(qtrain.ClampGradOp)
    def run_clamp_grad(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        grad, mask = args
        return (np.where(mask, grad, np.float32(0)).astype(np.float32),)

    @impl(qtrain.AddGradOp)
    def run_add_grad(self, interpreter: Interpreter, op: qtrain.AddGradOp, args: tuple[Any, ...]):
        grad = args[0].astype(np.float32)
        lhs, rhs = np.float32(op.lhs_factor.value.data), np.float32(op.rhs_factor.value.data)
        return ((grad * lhs).astype(np.float32), (grad * rhs).astype(np.float32))

    @impl(qtrain.RequantGradOp)
    def run_requant_grad(self, interpreter: Interpreter, op: qtrain.RequantGradOp, args: tuple[Any, ...]):
        multipliers = np.array(list(op.multipliers.iter_values()), dtype=np.float32)
        return ((args[0].astype(np.float32) * multipliers[None, :, None, None]).astype(np.float32),)

    @impl(qtrain.Conv2dGradInputOp)
    def run_conv2d_grad_input(self, interpreter: Interpreter, op: qtrain.Conv2dGradInputOp, args: tuple[Any, ...]):
        grad, weight = args
        shape = op.grad_input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        return (conv2d_grad_input(grad, weight, shape, op.stride_hw, op.pad_tlbr, op.groups_value),)

    @impl(qtrain.Conv2dGradWeightOp)
    def run_conv2d_grad_weight(self, interpreter: Interpreter, op: qtrain.Conv2dGradWeightOp, args: tuple[Any, ...]):
        x, grad = args
        zero_point = qtrain.quant_params(op.input.type).zero_point_value
        shape = op.grad_weight.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        return (conv2d_grad_weight(x, zero_point, grad, shape, op.stride_hw, op.pad_tlbr, op.groups_value),)

    @impl(qtrain.Conv2dGradBiasOp)
    def run_conv2d_grad_bias(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        return (args[0].astype(np.float64).sum(axis=(0, 2, 3)).astype(np.float32),)

    @impl(qtrain.AccumulateOp)
    def run_accumulate(self, interpreter: Interpreter, op, args: tuple[Any, ...]):
        return ((args[0].astype(np.float32) + args[1].astype(np.float32)).astype(np.float32),)

    @impl(qtrain.ParamGradOp)
    def run_param_grad(self, interpreter: Interpreter, op: qtrain.ParamGradOp, args: tuple[Any, ...]):
        self.gradients[op.param.string_value()] = args[0]
        return ()

    @impl(qtrain.ScaleChannelsOp)
    def run_scale_channels(self, interpreter: Interpreter, op: qtrain.ScaleChannelsOp, args: tuple[Any, ...]):
        factors = np.array(list(op.factors.iter_values()), dtype=np.float32)
        shape = (-1,) + (1,) * (args[0].ndim - 1)
        return ((args[0].astype(np.float32) * factors.reshape(shape)).astype(np.float32),)

    @impl(qtrain.SliceChannelsOp)
    def run_slice_channels(self, interpreter: Interpreter, op: qtrain.SliceChannelsOp, args: tuple[Any, ...]):
        channels = op.output.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        return (args[0][:, :channels].copy(),)
