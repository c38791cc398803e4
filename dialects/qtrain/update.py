"""Parameter updates: param_grad, scale_channels, sgd_update, conv2d_weight_update, slice_channels.

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
    IntegerAttr,
    SymbolRefAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    base,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure, SymbolUserOpInterface
from xdsl.utils.exceptions import VerifyException

from tiny_training.dialects.qtrain.backward import (
    _f32,
    _shape_text,
)
from tiny_training.dialects.qtrain.forward import (
    ConvGeometry,
)
from tiny_training.dialects.qtrain.params import (
    _check_leading_slice,
    lookup_param,
)
from tiny_training.dialects.qtrain.types import (
    QInt8Type,
    _check_tensor,
)
from tiny_training.dialects.traits import (
    Elementwise,
    InPlaceOperands,
)


class ParamGradSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, ParamGradOp)
        _check_leading_slice(op, op.param, lookup_param(op, op.param), op.grad.type)


@irdl_op_definition
class ParamGradOp(IRDLOperation):
    """Marks `%grad` as the gradient of a parameter (or of its leading slice, for a
    partial-channel update). A sink: the optimizer pass turns it into an update; the
    interpreter records it. Removing it makes the backward ops that feed it dead.

    Example:
        qtrain.param_grad @conv0.bias, %db : tensor<2xf32>
    """

    name = "qtrain.param_grad"

    param = prop_def(SymbolRefAttr)
    grad = operand_def(TensorType)

    assembly_format = "$param `,` $grad attr-dict `:` type($grad)"

    traits = traits_def(ParamGradSymbolUser())

    def __init__(self, param: str | SymbolRefAttr, grad: SSAValue | Operation):
        if isinstance(param, str):
            param = SymbolRefAttr(param)
        super().__init__(operands=[grad], properties={"param": param})

    def verify_(self) -> None:
        _f32(self, "gradient", self.grad.type)


@irdl_op_definition
class ScaleChannelsOp(IRDLOperation):
    """Multiplies each leading-axis slice of an f32 gradient by its own f32 factor:
    `y[c, ...] = x[c, ...] * factors[c]` (Quantization-Aware Scaling of a weight or
    bias gradient).

    Example:
        %s = qtrain.scale_channels %g {factors = array<f32: 4.0, 0.5>} : tensor<2x3x1x1xf32>
    """

    name = "qtrain.scale_channels"

    T: ClassVar = VarConstraint("T", base(TensorType))
    input = operand_def(T)
    output = result_def(T)
    factors = prop_def(DenseArrayBase)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input attr-dict `:` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)), Elementwise())

    def __init__(self, input: SSAValue | Operation, factors: Sequence[float]):
        super().__init__(
            operands=[input],
            result_types=[SSAValue.get(input).type],
            properties={"factors": DenseArrayBase.from_list(f32, [float(f) for f in factors])},
        )

    def verify_(self) -> None:
        shape = _f32(self, "input", self.input.type).get_shape()
        if not shape or not isinstance(self.factors.elt_type, Float32Type) or len(self.factors) != shape[0]:
            raise VerifyException(
                f"{self.name}: factors must be array<f32> with one value per leading-axis slice "
                f"({shape[0] if shape else 0}), got {len(self.factors)}"
            )


class SgdSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, SgdUpdateOp)
        target = lookup_param(op, op.param)
        if target.trainable is None:
            raise VerifyException(f"qtrain.sgd_update: {op.param} is not marked trainable")
        _check_leading_slice(op, op.param, target, op.grad.type)


@irdl_op_definition
class SgdUpdateOp(IRDLOperation):
    """In-place SGD step on a trainable parameter (or its leading slice), no momentum.

    * int8 weights: `W_q = sat8(W_q - rint(f32(g * lr)))`;
    * int32 biases: `b_q = sat32(b_q - rint(f32(g * lr)))`;
    * fp32 parameters: `W = W - f32(g * lr)`.
    Rounding is half to even, products in f32. The number of int8/int32 values that
    saturated is counted by the interpreter (`saturations`).

    Example:
        qtrain.sgd_update @conv0.bias, %db {lr = 4.0e-04 : f32} : tensor<2xf32>
    """

    name = "qtrain.sgd_update"

    param = prop_def(SymbolRefAttr)
    grad = operand_def(TensorType)
    lr = prop_def(FloatAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$param `,` $grad attr-dict `:` type($grad)"

    traits = traits_def(SgdSymbolUser())

    def __init__(self, param: str | SymbolRefAttr, grad: SSAValue | Operation, lr: float):
        if isinstance(param, str):
            param = SymbolRefAttr(param)
        super().__init__(operands=[grad], properties={"param": param, "lr": FloatAttr(float(lr), 32)})

    def verify_(self) -> None:
        _f32(self, "gradient", self.grad.type)
        lr = self.lr.value.data
        if not (math.isfinite(lr) and lr >= 0):
            raise VerifyException(f"{self.name}: lr must be finite and >= 0, got {lr}")


class ConvWeightUpdateSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, Conv2dWeightUpdateOp)
        target = lookup_param(op, op.param)
        if target.trainable is None:
            raise VerifyException(f"{op.name}: {op.param} is not marked trainable")
        param_shape = target.value_type.get_shape()
        if len(param_shape) != 4:
            raise VerifyException(f"{op.name}: {op.param} is not a conv weight ({_shape_text(param_shape)})")
        g_shape = op.grad_output.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        if not op.is_depthwise and param_shape[0] != g_shape[1]:
            raise VerifyException(
                f"{op.name}: {op.param} has {param_shape[0]} output channels, the gradient {g_shape[1]}"
            )
        _check_leading_slice(op, op.param, target, TensorType(f32, op.grad_weight_shape(param_shape)))
        op.check_output_shape(op.input.type.get_shape(), param_shape[2:], g_shape)  # pyright: ignore[reportAttributeAccessIssue]


@irdl_op_definition
class Conv2dWeightUpdateOp(ConvGeometry):
    """A conv's weight gradient, its QAS scaling and its SGD step fused into one in-place
    update that never materializes the gradient: for each trained weight element,
    `g = grad_weight(x - z_x, grad_output)` (as `qtrain.conv2d_grad_weight`), then
    `g = f32(g * factors[o])` when `factors` is given (as `qtrain.scale_channels`), then
    the step of `qtrain.sgd_update` with `lr`. `channels` leading channels train (input
    channels of a regular conv, channels of a depthwise one), as in the unfused ops.

    Example:
        qtrain.conv2d_weight_update @conv3.weight, %x, %g {stride = array<i64: 1, 1>,
            pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64,
            lr = 8.0e-04 : f32, factors = array<f32: 4.0, 0.5>}
            : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
    """

    name = "qtrain.conv2d_weight_update"

    param = prop_def(SymbolRefAttr)
    channels = prop_def(IntegerAttr)
    lr = prop_def(FloatAttr)
    factors = opt_prop_def(DenseArrayBase)
    input = operand_def(TensorType)
    grad_output = operand_def(TensorType)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$param `,` $input `,` $grad_output attr-dict `:` type($input) `,` type($grad_output)"

    traits = traits_def(ConvWeightUpdateSymbolUser())

    def __init__(
        self,
        param: str | SymbolRefAttr,
        input: SSAValue | Operation,
        grad_output: SSAValue | Operation,
        *,
        stride: Sequence[int],
        pad: Sequence[int],
        groups: int,
        channels: int,
        lr: float,
        factors: Sequence[float] | None = None,
    ):
        if isinstance(param, str):
            param = SymbolRefAttr(param)
        properties = self.geometry(stride, pad, groups) | {
            "param": param,
            "channels": IntegerAttr(channels, i64),
            "lr": FloatAttr(float(lr), 32),
        }
        if factors is not None:
            properties["factors"] = DenseArrayBase.from_list(f32, [float(f) for f in factors])
        super().__init__(operands=[input, grad_output], properties=properties)

    @property
    def channels_value(self) -> int:
        return self.channels.value.data

    def conv_channels(self) -> tuple[int, int]:
        # The input may be a saved slice; a grouped conv that trains has one input
        # channel per group (the verifier), so groups is its input channel count.
        out_channels = self.grad_output.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        in_channels = self.groups_value if self.groups_value > 1 else self.input.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        return in_channels, out_channels

    def grad_weight_shape(self, param_shape: Sequence[int]) -> tuple[int, ...]:
        """Shape of the trained slice: [O, channels, kh, kw] or, depthwise, [channels, 1, kh, kw]."""
        _, _, k_h, k_w = param_shape
        if self.is_depthwise:
            return (self.channels_value, 1, k_h, k_w)
        return (param_shape[0], self.channels_value, k_h, k_w)

    def verify_(self) -> None:
        self.verify_geometry()
        x_shape = _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type).get_shape()
        g_shape = _f32(self, "grad_output", self.grad_output.type, rank=4).get_shape()
        channels, groups = self.channels_value, self.groups_value
        if x_shape[0] != g_shape[0]:
            raise VerifyException(f"{self.name}: batch sizes differ ({x_shape[0]} and {g_shape[0]})")
        if groups not in (1, g_shape[1]):
            raise VerifyException(f"{self.name}: only regular (groups = 1) and depthwise convolutions train weights")
        if not 1 <= channels <= x_shape[1] or (groups > 1 and channels > g_shape[1]):
            raise VerifyException(
                f"{self.name}: channels must be in [1, {x_shape[1]}] (the input's channels), got {channels}"
            )
        lr = self.lr.value.data
        if not (math.isfinite(lr) and lr >= 0):
            raise VerifyException(f"{self.name}: lr must be finite and >= 0, got {lr}")
        rows = channels if groups > 1 else g_shape[1]
        if self.factors is not None and (
            not isinstance(self.factors.elt_type, Float32Type) or len(self.factors) != rows
        ):
            raise VerifyException(
                f"{self.name}: factors must be array<f32> with one value per trained output channel ({rows}), "
                f"got {len(self.factors)}"
            )


@irdl_op_definition
class SliceChannelsOp(IRDLOperation):
    """The leading channels of an int8 activation, saved for a partial-channel weight
    gradient so that the full activation need not stay alive until the backward pass.

    Example:
        %s = qtrain.slice_channels %x : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>
            -> tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>
    """

    name = "qtrain.slice_channels"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)))

    def __init__(self, input: SSAValue | Operation, channels: int):
        x_type = SSAValue.get(input).type
        assert isinstance(x_type, TensorType)
        n, _, h, w = x_type.get_shape()
        super().__init__(operands=[input], result_types=[TensorType(x_type.element_type, (n, channels, h, w))])

    def verify_(self) -> None:
        x_type = _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type)
        y_type = _check_tensor(self, "result", self.output.type, rank=4, element=QInt8Type)
        n, c, h, w = x_type.get_shape()
        y_n, y_c, y_h, y_w = y_type.get_shape()
        if (y_n, y_h, y_w) != (n, h, w) or not 1 <= y_c <= c:
            raise VerifyException(
                f"{self.name}: result {_shape_text(y_type.get_shape())} is not a leading-channel slice of "
                f"{_shape_text(x_type.get_shape())}"
            )
        if x_type.element_type != y_type.element_type:
            raise VerifyException(f"{self.name}: the slice must keep the input's quantization")
