"""Loss and gradient ops of the training graph.

Part of the `qtrain` dialect (`tiny_training.dialects.qtrain`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    DenseArrayBase,
    Float32Type,
    FloatAttr,
    TensorType,
    f32,
    i1,
    i8,
    i32,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    base,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tiny_training.dialects.qtrain.forward import (
    ConvGeometry,
)
from tiny_training.dialects.qtrain.types import (
    QInt8Type,
    _check_static,
    _check_tensor,
    _shape_text,
)
from tiny_training.dialects.traits import (
    AliasesOperand,
    ChannelStreamed,
    Elementwise,
    InPlaceOperands,
    StartsBackward,
)

# --------------------------------------------------------------------------- loss and gradients
#
# Gradients are fp32. For the int8 part of the network they are taken with respect
# to the *integer-domain* values (the q of `real = (q - z) * s`), with rounding
# treated as the identity (straight-through) and clamps through their masks, as in
# FACTS.md section 3; for the fp32 head, with respect to the real values. The bridge
# is `dequantize_grad`: `dq = d(real) * s`.


def _f32(op: Operation, role: str, value_type: Attribute, shape: Sequence[int] | None = None, rank: int | None = None) -> TensorType:
    """Checks that a value is an f32 tensor (of a given shape or rank); returns it typed."""
    if not isinstance(value_type, TensorType) or value_type.element_type != f32:
        raise VerifyException(f"{op.name}: {role} must be a tensor of f32, got {value_type}")
    _check_static(op, role, value_type)
    if rank is not None and value_type.get_num_dims() != rank:
        raise VerifyException(f"{op.name}: {role} must have rank {rank}, got rank {value_type.get_num_dims()}")
    if shape is not None and value_type.get_shape() != tuple(shape):
        raise VerifyException(
            f"{op.name}: {role} must have shape {'x'.join(map(str, shape))}, "
            f"got {'x'.join(map(str, value_type.get_shape()))}"
        )
    return value_type


@irdl_op_definition
class SoftmaxCrossEntropyOp(IRDLOperation):
    """Mean softmax cross-entropy of the logits against class indices.

    `loss = mean_n(logsumexp(logits[n]) - logits[n, label[n]])`, computed in f32.

    Example:
        %loss = qtrain.softmax_cross_entropy %logits, %label : (tensor<1x10xf32>, tensor<1xi32>) -> tensor<f32>
    """

    name = "qtrain.softmax_cross_entropy"

    logits = operand_def(TensorType)
    label = operand_def(TensorType)
    loss = result_def(TensorType)

    assembly_format = "$logits `,` $label attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure())

    def __init__(self, logits: SSAValue | Operation, label: SSAValue | Operation):
        super().__init__(operands=[logits, label], result_types=[TensorType(f32, ())])

    def verify_(self) -> None:
        logits_type = _f32(self, "logits", self.logits.type, rank=2)
        label_type = _check_tensor(self, "label", self.label.type, rank=1, element=i32)
        if label_type.get_shape() != logits_type.get_shape()[:1]:
            raise VerifyException(
                f"{self.name}: one label per row of logits expected, got {label_type.get_shape()[0]} labels "
                f"for {logits_type.get_shape()[0]} rows"
            )
        _f32(self, "loss", self.loss.type, shape=())


@irdl_op_definition
class SoftmaxCrossEntropyGradOp(IRDLOperation):
    """Gradient of `softmax_cross_entropy` w.r.t. the logits: `(softmax(logits) - onehot(label)) / N`.

    Example:
        %d = qtrain.softmax_cross_entropy_grad %logits, %label : (tensor<1x10xf32>, tensor<1xi32>) -> tensor<1x10xf32>
    """

    name = "qtrain.softmax_cross_entropy_grad"

    logits = operand_def(TensorType)
    label = operand_def(TensorType)
    grad = result_def(TensorType)

    assembly_format = "$logits `,` $label attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), StartsBackward())

    def __init__(self, logits: SSAValue | Operation, label: SSAValue | Operation):
        super().__init__(operands=[logits, label], result_types=[SSAValue.get(logits).type])

    def verify_(self) -> None:
        logits_type = _f32(self, "logits", self.logits.type, rank=2)
        label_type = _check_tensor(self, "label", self.label.type, rank=1, element=i32)
        if label_type.get_shape() != logits_type.get_shape()[:1]:
            raise VerifyException(f"{self.name}: one label per row of logits expected")
        _f32(self, "result", self.grad.type, shape=logits_type.get_shape())


@irdl_op_definition
class LinearGradInputOp(IRDLOperation):
    """`dx = dy @ W` for `qtrain.linear`.

    Example:
        %dx = qtrain.linear_grad_input %dy, %w : (tensor<1x10xf32>, tensor<10x8xf32>) -> tensor<1x8xf32>
    """

    name = "qtrain.linear_grad_input"

    grad_output = operand_def(TensorType)
    weight = operand_def(TensorType)
    grad_input = result_def(TensorType)

    assembly_format = "$grad_output `,` $weight attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure())

    def __init__(self, grad_output: SSAValue | Operation, weight: SSAValue | Operation):
        dy, w = SSAValue.get(grad_output).type, SSAValue.get(weight).type
        assert isinstance(dy, TensorType) and isinstance(w, TensorType)
        super().__init__(
            operands=[grad_output, weight], result_types=[TensorType(f32, (dy.get_shape()[0], w.get_shape()[1]))]
        )

    def verify_(self) -> None:
        n, m = _f32(self, "grad_output", self.grad_output.type, rank=2).get_shape()
        m_w, k = _f32(self, "weight", self.weight.type, rank=2).get_shape()
        if m_w != m:
            raise VerifyException(f"{self.name}: weight has {m_w} outputs, grad_output has {m}")
        _f32(self, "result", self.grad_input.type, shape=(n, k))


@irdl_op_definition
class LinearGradWeightOp(IRDLOperation):
    """`dW = dy^T @ x` for `qtrain.linear`.

    Example:
        %dw = qtrain.linear_grad_weight %dy, %x : (tensor<1x10xf32>, tensor<1x8xf32>) -> tensor<10x8xf32>
    """

    name = "qtrain.linear_grad_weight"

    grad_output = operand_def(TensorType)
    input = operand_def(TensorType)
    grad_weight = result_def(TensorType)

    assembly_format = "$grad_output `,` $input attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure())

    def __init__(self, grad_output: SSAValue | Operation, input: SSAValue | Operation):
        dy, x = SSAValue.get(grad_output).type, SSAValue.get(input).type
        assert isinstance(dy, TensorType) and isinstance(x, TensorType)
        super().__init__(
            operands=[grad_output, input], result_types=[TensorType(f32, (dy.get_shape()[1], x.get_shape()[1]))]
        )

    def verify_(self) -> None:
        n, m = _f32(self, "grad_output", self.grad_output.type, rank=2).get_shape()
        n_x, k = _f32(self, "input", self.input.type, rank=2).get_shape()
        if n_x != n:
            raise VerifyException(f"{self.name}: input has {n_x} rows, grad_output has {n}")
        _f32(self, "result", self.grad_weight.type, shape=(m, k))


@irdl_op_definition
class SumBatchOp(IRDLOperation):
    """Sum over the batch dimension: the bias gradient of `qtrain.linear`, `db = sum_n dy[n]`.

    Example:
        %db = qtrain.sum_batch %dy : tensor<1x10xf32> -> tensor<10xf32>
    """

    name = "qtrain.sum_batch"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), Elementwise())

    def __init__(self, input: SSAValue | Operation):
        x = SSAValue.get(input).type
        assert isinstance(x, TensorType)
        super().__init__(operands=[input], result_types=[TensorType(f32, x.get_shape()[1:])])

    def verify_(self) -> None:
        shape = _f32(self, "input", self.input.type).get_shape()
        if len(shape) < 1:
            raise VerifyException(f"{self.name}: input must have rank >= 1")
        _f32(self, "result", self.output.type, shape=shape[1:])


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """Row-major reshape of an f32 tensor (the gradient of `qtrain.flatten`).

    Example:
        %g = qtrain.reshape %dy : tensor<1x8xf32> -> tensor<1x8x1x1xf32>
    """

    name = "qtrain.reshape"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), AliasesOperand())

    def __init__(self, input: SSAValue | Operation, shape: Sequence[int]):
        super().__init__(operands=[input], result_types=[TensorType(f32, shape)])

    def verify_(self) -> None:
        x_type = _f32(self, "input", self.input.type)
        y_type = _f32(self, "result", self.output.type)
        if math.prod(x_type.get_shape()) != math.prod(y_type.get_shape()):
            raise VerifyException(
                f"{self.name}: {_shape_text(x_type.get_shape())} and {_shape_text(y_type.get_shape())} "
                "have different element counts"
            )


@irdl_op_definition
class DequantizeGradOp(IRDLOperation):
    """Gradient through `qtrain.dequantize`: `dq = d(real) * f32(scale)`, where `scale`
    is the dequantized tensor's scale.

    Example:
        %dq = qtrain.dequantize_grad %dy {scale = 0.1 : f64} : tensor<1x8x1x1xf32> -> tensor<1x8x1x1xf32>
    """

    name = "qtrain.dequantize_grad"

    grad_output = operand_def(TensorType)
    grad_input = result_def(TensorType)
    scale = prop_def(FloatAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$grad_output attr-dict `:` type($grad_output) `->` type($grad_input)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), Elementwise())

    def __init__(self, grad_output: SSAValue | Operation, scale: float):
        super().__init__(
            operands=[grad_output],
            result_types=[SSAValue.get(grad_output).type],
            properties={"scale": FloatAttr(float(scale), 64)},
        )

    def verify_(self) -> None:
        shape = _f32(self, "grad_output", self.grad_output.type).get_shape()
        _f32(self, "result", self.grad_input.type, shape=shape)
        scale = self.scale.value.data
        if not (math.isfinite(scale) and scale > 0):
            raise VerifyException(f"{self.name}: scale must be finite and positive, got {scale}")


@irdl_op_definition
class GlobalAvgPoolGradOp(IRDLOperation):
    """Gradient of `qtrain.global_avgpool`: `dx[n, c, h, w] = dy[n, c] / (H * W)` in f32.

    Example:
        %dx = qtrain.global_avgpool_grad %dy : tensor<1x8x1x1xf32> -> tensor<1x8x5x5xf32>
    """

    name = "qtrain.global_avgpool_grad"

    grad_output = operand_def(TensorType)
    grad_input = result_def(TensorType)

    assembly_format = "$grad_output attr-dict `:` type($grad_output) `->` type($grad_input)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)))

    def __init__(self, grad_output: SSAValue | Operation, input_shape: Sequence[int]):
        super().__init__(operands=[grad_output], result_types=[TensorType(f32, input_shape)])

    def verify_(self) -> None:
        n, c, h, w = _f32(self, "result", self.grad_input.type, rank=4).get_shape()
        _f32(self, "grad_output", self.grad_output.type, shape=(n, c, 1, 1))


@irdl_op_definition
class ClampGradOp(IRDLOperation):
    """Gradient through an int8 clamp: `dx = dy` where the mask is true, 0 elsewhere.

    Example:
        %g = qtrain.clamp_grad %dy, %mask : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xi1>) -> tensor<1x8x4x4xf32>
    """

    name = "qtrain.clamp_grad"

    grad_output = operand_def(TensorType)
    mask = operand_def(TensorType)
    grad_input = result_def(TensorType)

    assembly_format = "$grad_output `,` $mask attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), Elementwise())

    def __init__(self, grad_output: SSAValue | Operation, mask: SSAValue | Operation):
        super().__init__(operands=[grad_output, mask], result_types=[SSAValue.get(grad_output).type])

    def verify_(self) -> None:
        shape = _f32(self, "grad_output", self.grad_output.type).get_shape()
        if self.mask.type != TensorType(i1, shape):
            raise VerifyException(f"{self.name}: mask must be tensor<{_shape_text(shape)}xi1>, got {self.mask.type}")
        _f32(self, "result", self.grad_input.type, shape=shape)


@irdl_op_definition
class AddGradOp(IRDLOperation):
    """Gradient of `qtrain.add` (after its clamp): `da = dy * f32(s_a / s_y)`,
    `db = dy * f32(s_b / s_y)`.

    Example:
        %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0.25 : f32}
            : (tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>)
    """

    name = "qtrain.add_grad"

    grad_output = operand_def(TensorType)
    grad_lhs = result_def(TensorType)
    grad_rhs = result_def(TensorType)
    lhs_factor = prop_def(FloatAttr)
    rhs_factor = prop_def(FloatAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$grad_output attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0), (0, 1))), Elementwise())

    def __init__(self, grad_output: SSAValue | Operation, lhs_factor: float, rhs_factor: float):
        value_type = SSAValue.get(grad_output).type
        super().__init__(
            operands=[grad_output],
            result_types=[value_type, value_type],
            properties={"lhs_factor": FloatAttr(float(lhs_factor), 32), "rhs_factor": FloatAttr(float(rhs_factor), 32)},
        )

    def verify_(self) -> None:
        shape = _f32(self, "grad_output", self.grad_output.type).get_shape()
        _f32(self, "lhs gradient", self.grad_lhs.type, shape=shape)
        _f32(self, "rhs gradient", self.grad_rhs.type, shape=shape)
        for role, factor in (("lhs_factor", self.lhs_factor), ("rhs_factor", self.rhs_factor)):
            if not math.isfinite(factor.value.data):
                raise VerifyException(f"{self.name}: {role} must be finite, got {factor.value.data}")


@irdl_op_definition
class RequantGradOp(IRDLOperation):
    """Gradient through a conv's requantization: `g[n, c] = dy[n, c] * eff[c]` with the conv's
    f32 multipliers `eff[c] = f32(s_x * s_w[c] / s_y)` (after the clamp mask is applied).
    `g` is the gradient w.r.t. the int32 accumulator.

    Example:
        %g = qtrain.requant_grad %dy {multipliers = array<f32: 0.5, 0.25>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
    """

    name = "qtrain.requant_grad"

    grad_output = operand_def(TensorType)
    grad_input = result_def(TensorType)
    multipliers = prop_def(DenseArrayBase)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$grad_output attr-dict `:` type($grad_output) `->` type($grad_input)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), Elementwise())

    def __init__(self, grad_output: SSAValue | Operation, multipliers: Sequence[float]):
        super().__init__(
            operands=[grad_output],
            result_types=[SSAValue.get(grad_output).type],
            properties={"multipliers": DenseArrayBase.from_list(f32, [float(m) for m in multipliers])},
        )

    def verify_(self) -> None:
        shape = _f32(self, "grad_output", self.grad_output.type, rank=4).get_shape()
        _f32(self, "result", self.grad_input.type, shape=shape)
        if not isinstance(self.multipliers.elt_type, Float32Type) or len(self.multipliers) != shape[1]:
            raise VerifyException(
                f"{self.name}: multipliers must be array<f32> with one value per channel ({shape[1]}), "
                f"got {len(self.multipliers)}"
            )


@irdl_op_definition
class Conv2dGradInputOp(ConvGeometry):
    """Gradient of a conv w.r.t. its int8 input: the transposed convolution of the
    accumulator gradient `g` with the int8 weights (f32 result, input-sized).

    Example:
        %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>,
                groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
    """

    name = "qtrain.conv2d_grad_input"

    grad_output = operand_def(TensorType)
    weight = operand_def(TensorType)
    grad_input = result_def(TensorType)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$grad_output `,` $weight attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), ChannelStreamed())

    def __init__(
        self,
        grad_output: SSAValue | Operation,
        weight: SSAValue | Operation,
        input_shape: Sequence[int],
        *,
        stride: Sequence[int],
        pad: Sequence[int],
        groups: int,
    ):
        super().__init__(
            operands=[grad_output, weight],
            result_types=[TensorType(f32, input_shape)],
            properties=self.geometry(stride, pad, groups),
        )

    def conv_channels(self) -> tuple[int, int]:
        return self.grad_input.type.get_shape()[1], self.grad_output.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]

    def channel_streamed(self) -> bool:
        """A depthwise transposed kernel finishes input channel c before it reads gradient channel c + 1."""
        return self.is_depthwise

    def verify_(self) -> None:
        self.verify_geometry()
        g_shape = _f32(self, "grad_output", self.grad_output.type, rank=4).get_shape()
        w_shape = _check_tensor(self, "weight", self.weight.type, rank=4, element=i8).get_shape()
        x_shape = _f32(self, "result", self.grad_input.type, rank=4).get_shape()
        groups = self.groups_value
        if w_shape[0] != g_shape[1] or x_shape[1] != w_shape[1] * groups or w_shape[0] % groups:
            raise VerifyException(
                f"{self.name}: weight {_shape_text(w_shape)} with groups {groups} does not map "
                f"{g_shape[1]} output channels to {x_shape[1]} input channels"
            )
        if x_shape[0] != g_shape[0]:
            raise VerifyException(f"{self.name}: batch sizes differ ({x_shape[0]} and {g_shape[0]})")
        self.check_output_shape(x_shape, w_shape[2:], g_shape)


@irdl_op_definition
class Conv2dGradWeightOp(ConvGeometry):
    """Gradient of a conv w.r.t. its int8 weights: `dW = grad_weight(x - z_x, g)` in f32,
    for the first `channels` trainable channels only (sparse update): the first input
    channels of a regular conv, the first channels (= output channels) of a depthwise one.
    The input zero point comes from the input's type.

    Example:
        %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>,
                groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>)
                -> tensor<2x3x1x1xf32>
    """

    name = "qtrain.conv2d_grad_weight"

    input = operand_def(TensorType)
    grad_output = operand_def(TensorType)
    grad_weight = result_def(TensorType)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `,` $grad_output attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure())

    def __init__(
        self,
        input: SSAValue | Operation,
        grad_output: SSAValue | Operation,
        grad_weight_shape: Sequence[int],
        *,
        stride: Sequence[int],
        pad: Sequence[int],
        groups: int,
    ):
        super().__init__(
            operands=[input, grad_output],
            result_types=[TensorType(f32, grad_weight_shape)],
            properties=self.geometry(stride, pad, groups),
        )

    def conv_channels(self) -> tuple[int, int]:
        # The input may be a saved slice; a grouped conv that trains has one input
        # channel per group (the verifier), so groups is its input channel count.
        out_channels = self.grad_output.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        in_channels = self.groups_value if self.groups_value > 1 else self.input.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        return in_channels, out_channels

    def verify_(self) -> None:
        self.verify_geometry()
        x_shape = _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type).get_shape()
        g_shape = _f32(self, "grad_output", self.grad_output.type, rank=4).get_shape()
        dw_shape = _f32(self, "result", self.grad_weight.type, rank=4).get_shape()
        groups = self.groups_value
        # The input may be a saved leading-channel slice (`qtrain.slice_channels`).
        c_in, c_out = x_shape[1], g_shape[1]
        if x_shape[0] != g_shape[0]:
            raise VerifyException(f"{self.name}: batch sizes differ ({x_shape[0]} and {g_shape[0]})")
        if groups == 1:
            valid = dw_shape[0] == c_out and 1 <= dw_shape[1] <= c_in
        elif groups == c_out:
            valid = 1 <= dw_shape[0] <= min(c_in, c_out) and dw_shape[1] == 1
        else:
            raise VerifyException(f"{self.name}: only regular (groups = 1) and depthwise convolutions train weights")
        if not valid:
            raise VerifyException(
                f"{self.name}: weight gradient {_shape_text(dw_shape)} is not a leading-channel slice of the "
                f"conv's weights (input {c_in} channels, output {c_out} channels, groups {groups})"
            )
        self.check_output_shape(x_shape, dw_shape[2:], g_shape)


@irdl_op_definition
class Conv2dGradBiasOp(IRDLOperation):
    """Gradient of a conv w.r.t. its int32 bias: `db[c] = sum_{n,h,w} g[n, c, h, w]` in f32.

    Example:
        %db = qtrain.conv2d_grad_bias %g : tensor<1x2x4x4xf32> -> tensor<2xf32>
    """

    name = "qtrain.conv2d_grad_bias"

    grad_output = operand_def(TensorType)
    grad_bias = result_def(TensorType)

    assembly_format = "$grad_output attr-dict `:` type($grad_output) `->` type($grad_bias)"

    traits = traits_def(Pure())

    def __init__(self, grad_output: SSAValue | Operation):
        g = SSAValue.get(grad_output).type
        assert isinstance(g, TensorType)
        super().__init__(operands=[grad_output], result_types=[TensorType(f32, (g.get_shape()[1],))])

    def verify_(self) -> None:
        shape = _f32(self, "grad_output", self.grad_output.type, rank=4).get_shape()
        _f32(self, "result", self.grad_bias.type, shape=(shape[1],))


@irdl_op_definition
class AccumulateOp(IRDLOperation):
    """Elementwise f32 sum of two gradients of the same value (a value with several uses).

    Example:
        %g = qtrain.accumulate %a, %b : tensor<1x8x4x4xf32>
    """

    name = "qtrain.accumulate"

    T: ClassVar = VarConstraint("T", base(TensorType))
    lhs = operand_def(T)
    rhs = operand_def(T)
    output = result_def(T)

    assembly_format = "$lhs `,` $rhs attr-dict `:` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0), (1, 0))), Elementwise())

    def __init__(self, lhs: SSAValue | Operation, rhs: SSAValue | Operation):
        super().__init__(operands=[lhs, rhs], result_types=[SSAValue.get(lhs).type])

    def verify_(self) -> None:
        shape = _f32(self, "lhs", self.lhs.type).get_shape()
        _f32(self, "rhs", self.rhs.type, shape=shape)
        _f32(self, "result", self.output.type, shape=shape)
