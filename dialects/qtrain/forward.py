"""Forward (inference) ops: conv2d and its geometry base, conv2d_dw, add, global_avgpool, dequantize, flatten, linear.

Part of the `qtrain` dialect (`tiny_training.dialects.qtrain`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    DenseArrayBase,
    Float32Type,
    IntegerAttr,
    TensorType,
    f32,
    i8,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_result_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from tiny_training.dialects.qtrain.types import (
    INT32_MAX,
    MAX_PRODUCT_MAGNITUDE,
    QInt8Type,
    _check_mask,
    _check_static,
    _check_tensor,
    _int_array,
    _shape_text,
    conv_output_size,
    mask_type_for,
    quant_params,
    requant_multipliers,
)
from tiny_training.dialects.traits import (
    AliasesOperand,
    ChannelStreamed,
    Elementwise,
    InPlaceOperands,
    NeedsScratch,
    ProducesClampMask,
)

# --------------------------------------------------------------------------- forward ops


class ConvGeometry(IRDLOperation):
    """Stride, padding and groups of the convolution an op computes, differentiates or
    updates: the base of every conv-like op (`conv2d`, `conv2d_grad_input`,
    `conv2d_grad_weight`, `conv2d_weight_update`; `conv2d_dw` holds two convolutions,
    see its `parts()`). `is_depthwise` is defined here once."""

    stride = prop_def(DenseArrayBase)
    pad = prop_def(DenseArrayBase)
    groups = prop_def(IntegerAttr)

    @staticmethod
    def geometry(stride: Sequence[int], pad: Sequence[int], groups: int) -> dict[str, Attribute]:
        return {
            "stride": DenseArrayBase.from_list(i64, list(stride)),
            "pad": DenseArrayBase.from_list(i64, list(pad)),
            "groups": IntegerAttr(groups, i64),
        }

    @property
    def stride_hw(self) -> tuple[int, int]:
        return _int_array(self.stride)  # pyright: ignore[reportReturnType]

    @property
    def pad_tlbr(self) -> tuple[int, int, int, int]:
        return _int_array(self.pad)  # pyright: ignore[reportReturnType]

    @property
    def groups_value(self) -> int:
        return self.groups.value.data

    def conv_channels(self) -> tuple[int, int]:
        """(input, output) channels of the convolution."""
        raise NotImplementedError

    @property
    def is_depthwise(self) -> bool:
        """One filter per channel: groups = input channels = output channels > 1 (no multiplier)."""
        in_channels, out_channels = self.conv_channels()
        return self.groups_value > 1 and self.groups_value == in_channels == out_channels

    def verify_geometry(self) -> None:
        if self.stride.elt_type != i64 or len(self.stride) != 2 or min(self.stride_hw) < 1:
            raise VerifyException(f"{self.name}: stride must be array<i64: sh, sw> with values >= 1")
        if self.pad.elt_type != i64 or len(self.pad) != 4 or min(self.pad_tlbr) < 0:
            raise VerifyException(f"{self.name}: pad must be array<i64: top, left, bottom, right> with values >= 0")
        if self.groups_value < 1:
            raise VerifyException(f"{self.name}: groups must be >= 1, got {self.groups_value}")

    def check_output_shape(self, input_shape: Sequence[int], kernel: Sequence[int], output_shape: Sequence[int]) -> None:
        top, left, bottom, right = self.pad_tlbr
        expected = (
            conv_output_size(input_shape[2], kernel[0], self.stride_hw[0], top, bottom),
            conv_output_size(input_shape[3], kernel[1], self.stride_hw[1], left, right),
        )
        if tuple(output_shape[2:]) != expected:
            raise VerifyException(
                f"{self.name}: gradient spatial size {_shape_text(output_shape[2:])} does not match the "
                f"convolution's output {_shape_text(expected)}"
            )


@irdl_op_definition
class Conv2dOp(ConvGeometry):
    """int8 2-D convolution with int32 bias and per-output-channel requantization.

    Covers pointwise, depthwise (`groups` = input channels = output channels)
    and grouped convolutions with any kernel size. Layout NCHW, weights OIHW
    (`I` = input channels / groups). `pad` is `[top, left, bottom, right]`;
    padded inputs hold the input zero point (real zero). ReLU/ReLU6 are folded
    into the output type's range: the result is clamped to [-128, 127].
    For training, an optional second result is the clamp mask (`i1`, true where
    the value before the clamp was inside [-128, 127]) that the backward pass needs.

    Example:
        %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>,
                pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64,
                w_scales = array<f32: 0.01, 0.02>}
            : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>,
               tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
    """

    name = "qtrain.conv2d"

    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = operand_def(TensorType)
    output = result_def(TensorType)
    mask = opt_result_def(TensorType)

    w_scales = prop_def(DenseArrayBase)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), ChannelStreamed(), ProducesClampMask())

    def __init__(
        self,
        input: SSAValue | Operation,
        weight: SSAValue | Operation,
        bias: SSAValue | Operation,
        output_type: Attribute,
        *,
        stride: Sequence[int],
        pad: Sequence[int],
        groups: int,
        w_scales: Sequence[float],
        with_mask: bool = False,
    ):
        super().__init__(
            operands=[input, weight, bias],
            result_types=[output_type, [mask_type_for(output_type)] if with_mask else []],
            properties={
                "stride": DenseArrayBase.from_list(i64, list(stride)),
                "pad": DenseArrayBase.from_list(i64, list(pad)),
                "groups": IntegerAttr(groups, i64),
                "w_scales": DenseArrayBase.from_list(f32, [float(s) for s in w_scales]),
            },
        )

    @property
    def w_scales_values(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.w_scales.iter_values())

    def conv_channels(self) -> tuple[int, int]:
        return self.input.type.get_shape()[1], self.output.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]

    def channel_streamed(self) -> bool:
        """A depthwise kernel finishes output channel c before it reads input channel c + 1."""
        return self.is_depthwise

    def without_mask(self) -> Conv2dOp:
        """The same convolution without the clamp mask result."""
        return Conv2dOp(
            self.input, self.weight, self.bias, self.output.type, stride=self.stride_hw, pad=self.pad_tlbr,
            groups=self.groups_value, w_scales=self.w_scales_values,
        )  # fmt: skip

    def requant_multipliers(self) -> np.ndarray:
        return requant_multipliers(
            quant_params(self.input.type).scale_value,
            self.w_scales_values,
            quant_params(self.output.type).scale_value,
        )

    def verify_(self) -> None:
        x_type = _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type)
        w_type = _check_tensor(self, "weight", self.weight.type, rank=4, element=i8)
        b_type = _check_tensor(self, "bias", self.bias.type, rank=1, element=i32)
        y_type = _check_tensor(self, "result", self.output.type, rank=4, element=QInt8Type)
        _check_mask(self, self.mask, y_type)

        if self.stride.elt_type != i64 or len(self.stride) != 2:
            raise VerifyException(f"{self.name}: stride must be array<i64: sh, sw>, got {self.stride}")
        if self.pad.elt_type != i64 or len(self.pad) != 4:
            raise VerifyException(f"{self.name}: pad must be array<i64: top, left, bottom, right>, got {self.pad}")
        if not isinstance(self.w_scales.elt_type, Float32Type):
            raise VerifyException(f"{self.name}: w_scales must be an array<f32: ...>, got {self.w_scales}")
        stride_h, stride_w = self.stride_hw
        if stride_h < 1 or stride_w < 1:
            raise VerifyException(f"{self.name}: strides must be >= 1, got [{stride_h}, {stride_w}]")
        top, left, bottom, right = self.pad_tlbr
        if min(top, left, bottom, right) < 0:
            raise VerifyException(f"{self.name}: padding must be >= 0, got [{top}, {left}, {bottom}, {right}]")

        n, c_in, h, w = x_type.get_shape()
        c_out, c_per_group, k_h, k_w = w_type.get_shape()
        groups = self.groups_value
        if groups < 1:
            raise VerifyException(f"{self.name}: groups must be >= 1, got {groups}")
        if c_in % groups != 0 or c_out % groups != 0:
            raise VerifyException(
                f"{self.name}: groups ({groups}) must divide input channels ({c_in}) and output channels ({c_out})"
            )
        if c_per_group != c_in // groups:
            raise VerifyException(
                f"{self.name}: weight has {c_per_group} input channels per group, "
                f"expected {c_in // groups} (input channels {c_in} / groups {groups})"
            )
        if b_type.get_shape()[0] != c_out:
            raise VerifyException(
                f"{self.name}: bias has {b_type.get_shape()[0]} elements, expected one per output channel ({c_out})"
            )
        if len(self.w_scales) != c_out:
            raise VerifyException(
                f"{self.name}: w_scales has {len(self.w_scales)} elements, expected one per output channel ({c_out})"
            )
        for channel, scale in enumerate(self.w_scales_values):
            if not (math.isfinite(scale) and scale > 0):
                raise VerifyException(f"{self.name}: w_scales[{channel}] must be finite and positive, got {scale}")
        products = k_h * k_w * c_per_group
        if products * MAX_PRODUCT_MAGNITUDE > INT32_MAX:
            raise VerifyException(
                f"{self.name}: {products} products per output ({k_h}x{k_w}x{c_per_group}) could overflow the "
                f"int32 accumulator (at most {INT32_MAX // MAX_PRODUCT_MAGNITUDE})"
            )
        if h + top + bottom < k_h or w + left + right < k_w:
            raise VerifyException(
                f"{self.name}: kernel {k_h}x{k_w} is larger than the padded input "
                f"{h + top + bottom}x{w + left + right}"
            )
        expected = (
            n,
            c_out,
            conv_output_size(h, k_h, stride_h, top, bottom),
            conv_output_size(w, k_w, stride_w, left, right),
        )
        if y_type.get_shape() != expected:
            raise VerifyException(
                f"{self.name}: result shape {'x'.join(map(str, y_type.get_shape()))} does not match the "
                f"computed shape {'x'.join(map(str, expected))}"
            )


@irdl_op_definition
class Conv2dDwOp(IRDLOperation):
    """A regular conv followed by a depthwise conv, computed one channel at a time so the
    intermediate tensor is never stored whole (forward only, no clamp masks).

    Semantics: exactly `%m = qtrain.conv2d %x, %w1, %b1 {stride, pad, groups = 1,
    w_scales}` with result element type `mid`, then `%y = qtrain.conv2d %m, %w2, %b2
    {dw_stride, dw_pad, groups = C, dw_w_scales}`. The C kernel computes channel `c` of
    `%m` into a one-channel scratch buffer and the depthwise output channel `c` from it;
    after lowering to buffers the optional `scratch` operand is that buffer (at least
    one channel of `%m`, H x W bytes).

    Example:
        %y = qtrain.conv2d_dw %x, %w1, %b1, %w2, %b2 {stride = array<i64: 1, 1>,
                pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>,
                dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>,
                dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.0235, -128>}
            : (tensor<1x4x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x4x1x1xi8>, tensor<2xi32>,
               tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
    """

    name = "qtrain.conv2d_dw"

    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = operand_def(TensorType)
    dw_weight = operand_def(TensorType)
    dw_bias = operand_def(TensorType)
    scratch = opt_operand_def(Attribute)
    output = result_def(TensorType)

    stride = prop_def(DenseArrayBase)
    pad = prop_def(DenseArrayBase)
    w_scales = prop_def(DenseArrayBase)
    dw_stride = prop_def(DenseArrayBase)
    dw_pad = prop_def(DenseArrayBase)
    dw_w_scales = prop_def(DenseArrayBase)
    mid = prop_def(QInt8Type)

    traits = traits_def(NeedsScratch())

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$input `,` $weight `,` $bias `,` $dw_weight `,` $dw_bias (`scratch` $scratch^ `:` type($scratch))? "
        "attr-dict `:` `(` type($input) `,` type($weight) `,` type($bias) `,` type($dw_weight) `,` "
        "type($dw_bias) `)` `->` type($output)"
    )

    def __init__(self, first: Conv2dOp, depthwise: Conv2dOp):
        """The fusion of `first` (its result feeds only `depthwise`) and `depthwise`."""
        mid = quant_params(first.output.type)
        super().__init__(
            operands=[first.input, first.weight, first.bias, depthwise.weight, depthwise.bias, []],
            result_types=[depthwise.output.type],
            properties={
                "stride": first.stride, "pad": first.pad, "w_scales": first.w_scales,
                "dw_stride": depthwise.stride, "dw_pad": depthwise.pad, "dw_w_scales": depthwise.w_scales,
                "mid": mid,
            },
        )  # fmt: skip

    def mid_type(self) -> TensorType:
        """The type of the intermediate tensor (the first conv's result)."""
        n, _, h, w = self.input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        c_out, _, k_h, k_w = self.weight.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        top, left, bottom, right = _int_array(self.pad)
        stride_h, stride_w = _int_array(self.stride)
        return TensorType(
            self.mid,
            (n, c_out, conv_output_size(h, k_h, stride_h, top, bottom), conv_output_size(w, k_w, stride_w, left, right)),
        )

    def scratch_bytes(self) -> int:
        """One channel of the intermediate tensor."""
        _, _, h, w = self.mid_type().get_shape()
        return h * w

    def parts(self) -> tuple[Conv2dOp, Conv2dOp]:
        """The two convolutions as unattached ops (their operands are placeholders)."""
        from xdsl.utils.test_value import create_ssa_value

        def value(of: SSAValue | Attribute) -> SSAValue:
            return create_ssa_value(of.type if isinstance(of, SSAValue) else of)

        mid = self.mid_type()
        channels = mid.get_shape()[1]
        first = Conv2dOp(
            value(self.input), value(self.weight), value(self.bias), mid,
            stride=_int_array(self.stride), pad=_int_array(self.pad), groups=1,
            w_scales=[float(v) for v in self.w_scales.iter_values()],
        )  # fmt: skip
        depthwise = Conv2dOp(
            value(mid), value(self.dw_weight), value(self.dw_bias), self.output.type,
            stride=_int_array(self.dw_stride), pad=_int_array(self.dw_pad), groups=channels,
            w_scales=[float(v) for v in self.dw_w_scales.iter_values()],
        )  # fmt: skip
        return first, depthwise

    def verify_(self) -> None:
        _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type)
        w_type = _check_tensor(self, "weight", self.weight.type, rank=4, element=i8)
        dw_type = _check_tensor(self, "dw_weight", self.dw_weight.type, rank=4, element=i8)
        _check_tensor(self, "result", self.output.type, rank=4, element=QInt8Type)
        for name in ("stride", "dw_stride"):
            attr = getattr(self, name)
            if attr.elt_type != i64 or len(attr) != 2 or min(_int_array(attr)) < 1:
                raise VerifyException(f"{self.name}: {name} must be array<i64: sh, sw> with values >= 1")
        for name in ("pad", "dw_pad"):
            attr = getattr(self, name)
            if attr.elt_type != i64 or len(attr) != 4 or min(_int_array(attr)) < 0:
                raise VerifyException(f"{self.name}: {name} must be array<i64: top, left, bottom, right> >= 0")
        if dw_type.get_shape()[:2] != (w_type.get_shape()[0], 1):
            raise VerifyException(
                f"{self.name}: the depthwise weight {_shape_text(dw_type.get_shape())} must have one 1-channel "
                f"filter per output channel of the first conv ({w_type.get_shape()[0]})"
            )
        for part, label in zip(self.parts(), ("first conv", "depthwise conv")):
            try:
                part.verify_()
            except VerifyException as error:
                message = str(error).removeprefix("qtrain.conv2d: ")
                raise VerifyException(f"{self.name}: {label}: {message}") from None
        if self.scratch is not None:
            from tiny_training.dialects.mem import BufferType

            scratch_type = self.scratch.type
            if not isinstance(scratch_type, BufferType) or scratch_type.size_bytes < self.scratch_bytes():
                raise VerifyException(
                    f"{self.name}: scratch must be a !mem.buffer of at least {self.scratch_bytes()} bytes "
                    f"(one channel of the intermediate tensor), got {scratch_type}"
                )


@irdl_op_definition
class AddOp(IRDLOperation):
    """Requantized residual add of two int8 tensors of the same shape; like conv2d,
    an optional second result is the clamp mask for training.

    Example:
        %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>,
            tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
    """

    name = "qtrain.add"

    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    output = result_def(TensorType)
    mask = opt_result_def(TensorType)

    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0), (1, 0))), Elementwise(), ProducesClampMask())

    def __init__(
        self, lhs: SSAValue | Operation, rhs: SSAValue | Operation, output_type: Attribute, *, with_mask: bool = False
    ):
        super().__init__(
            operands=[lhs, rhs], result_types=[output_type, [mask_type_for(output_type)] if with_mask else []]
        )

    def without_mask(self) -> AddOp:
        """The same add without the clamp mask result."""
        return AddOp(self.lhs, self.rhs, self.output.type)

    def verify_(self) -> None:
        shapes = []
        for role, value_type in (("lhs", self.lhs.type), ("rhs", self.rhs.type), ("result", self.output.type)):
            if not isinstance(value_type, TensorType) or not isinstance(value_type.element_type, QInt8Type):
                raise VerifyException(f"{self.name}: {role} must be a tensor of !qtrain.qi8, got {value_type}")
            _check_static(self, role, value_type)
            shapes.append(value_type.get_shape())
        _check_mask(self, self.mask, self.output.type)
        if not shapes[0] == shapes[1] == shapes[2]:
            raise VerifyException(
                f"{self.name}: operands and result must have the same shape, got "
                + ", ".join("x".join(map(str, s)) for s in shapes)
            )


@irdl_op_definition
class GlobalAvgPoolOp(IRDLOperation):
    """Global average pooling over H and W, int8 in and out (no requantization):
    `y = rint(sum(x) / (H * W))`, the exact quotient rounded half to even. The
    result has the input's scale and zero point.

    Example:
        %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>
            -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
    """

    name = "qtrain.global_avgpool"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)))

    def __init__(self, input: SSAValue | Operation, output_type: Attribute):
        super().__init__(operands=[input], result_types=[output_type])

    def verify_(self) -> None:
        x_type = _check_tensor(self, "input", self.input.type, rank=4, element=QInt8Type)
        y_type = _check_tensor(self, "result", self.output.type, rank=4, element=QInt8Type)
        n, c, h, w = x_type.get_shape()
        if y_type.get_shape() != (n, c, 1, 1):
            raise VerifyException(
                f"{self.name}: result shape must be {n}x{c}x1x1, got {'x'.join(map(str, y_type.get_shape()))}"
            )
        if h * w * 128 > INT32_MAX:  # the kernels sum raw int8 values: |sum| <= 128 * pixels
            raise VerifyException(
                f"{self.name}: a {h}x{w} plane could overflow the int32 sum (at most {INT32_MAX // 128} pixels)"
            )
        if x_type.element_type != y_type.element_type:
            raise VerifyException(
                f"{self.name}: result quantization {y_type.element_type} must equal the input's "
                f"{x_type.element_type} (average pooling does not requantize)"
            )


@irdl_op_definition
class DequantizeOp(IRDLOperation):
    """int8 to fp32, elementwise: `f32(q - z) * f32(s)`. The bridge from the int8
    feature extractor to the fp32 classifier head.

    Example:
        %f = qtrain.dequantize %x : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xf32>
    """

    name = "qtrain.dequantize"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), InPlaceOperands(((0, 0),)))

    def __init__(self, input: SSAValue | Operation):
        input_type = SSAValue.get(input).type
        assert isinstance(input_type, TensorType)
        super().__init__(operands=[input], result_types=[TensorType(f32, input_type.get_shape())])

    def verify_(self) -> None:
        x_type = self.input.type
        y_type = self.output.type
        if not isinstance(x_type, TensorType) or not isinstance(x_type.element_type, QInt8Type):
            raise VerifyException(f"{self.name}: input must be a tensor of !qtrain.qi8, got {x_type}")
        if not isinstance(y_type, TensorType) or y_type.element_type != f32:
            raise VerifyException(f"{self.name}: result must be a tensor of f32, got {y_type}")
        _check_static(self, "input", x_type)
        if x_type.get_shape() != y_type.get_shape():
            raise VerifyException(f"{self.name}: input and result must have the same shape")


@irdl_op_definition
class FlattenOp(IRDLOperation):
    """Reshape `N x C x H x W` to `N x (C*H*W)` (row-major, no data movement).

    Example:
        %f = qtrain.flatten %x : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
    """

    name = "qtrain.flatten"

    input = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input attr-dict `:` type($input) `->` type($output)"

    traits = traits_def(Pure(), AliasesOperand())

    def __init__(self, input: SSAValue | Operation):
        input_type = SSAValue.get(input).type
        assert isinstance(input_type, TensorType)
        shape = input_type.get_shape()
        super().__init__(
            operands=[input], result_types=[TensorType(input_type.element_type, (shape[0], math.prod(shape[1:])))]
        )

    def verify_(self) -> None:
        x_type = self.input.type
        y_type = self.output.type
        assert isinstance(x_type, TensorType) and isinstance(y_type, TensorType)
        if x_type.get_num_dims() < 2:
            raise VerifyException(f"{self.name}: input must have rank >= 2, got rank {x_type.get_num_dims()}")
        _check_static(self, "input", x_type)
        _check_static(self, "result", y_type)
        shape = x_type.get_shape()
        expected = (shape[0], math.prod(shape[1:]))
        if y_type.get_shape() != expected:
            raise VerifyException(
                f"{self.name}: result shape must be {expected[0]}x{expected[1]}, "
                f"got {'x'.join(map(str, y_type.get_shape()))}"
            )
        if x_type.element_type != y_type.element_type:
            raise VerifyException(f"{self.name}: input and result must have the same element type")


@irdl_op_definition
class LinearOp(IRDLOperation):
    """fp32 fully connected layer `y = x @ W^T + b` (the classifier head).

    Example:
        %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    """

    name = "qtrain.linear"

    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = operand_def(TensorType)
    output = result_def(TensorType)

    assembly_format = "$input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)"

    traits = traits_def(Pure())

    def __init__(
        self, input: SSAValue | Operation, weight: SSAValue | Operation, bias: SSAValue | Operation
    ):
        x_type = SSAValue.get(input).type
        w_type = SSAValue.get(weight).type
        assert isinstance(x_type, TensorType) and isinstance(w_type, TensorType)
        result_type = TensorType(f32, (x_type.get_shape()[0], w_type.get_shape()[0]))
        super().__init__(operands=[input, weight, bias], result_types=[result_type])

    def verify_(self) -> None:
        x_type = _check_tensor(self, "input", self.input.type, rank=2, element=f32)
        w_type = _check_tensor(self, "weight", self.weight.type, rank=2, element=f32)
        b_type = _check_tensor(self, "bias", self.bias.type, rank=1, element=f32)
        y_type = _check_tensor(self, "result", self.output.type, rank=2, element=f32)
        n, k = x_type.get_shape()
        m, k_w = w_type.get_shape()
        if k_w != k:
            raise VerifyException(f"{self.name}: weight has {k_w} input features, input has {k}")
        if b_type.get_shape() != (m,):
            raise VerifyException(f"{self.name}: bias has {b_type.get_shape()[0]} elements, expected {m}")
        if y_type.get_shape() != (n, m):
            raise VerifyException(
                f"{self.name}: result shape must be {n}x{m}, got {'x'.join(map(str, y_type.get_shape()))}"
            )
