"""The `qtrain` dialect: real int8 inference and training ops for microcontrollers.

Values
------
* Activations are tensors whose element type is `!qtrain.qi8<scale, zero_point>`:
  int8 storage with a per-tensor affine map `real = (q - zero_point) * scale`.
  The quantization parameters live in the *type* because they describe the value,
  not the op: producer and every consumer see the same `(scale, zero_point)`, the
  verifier checks agreement for free, and a rewrite that moves or clones ops
  cannot leave a stale copy behind.
* Parameters are module-level symbols (`qtrain.param`) holding raw data: int8
  weights (OIHW), int32 biases, fp32 head weights. They are read inside a
  function by `qtrain.get_param`, so a training update can later write the same
  symbol in place (SRAM) while frozen ones stay constant (flash).
* Per-output-channel weight scales are an *attribute* of the op that consumes the
  weight (`w_scales` on `qtrain.conv2d`): they are constants of that op's
  requantization arithmetic, fixed during training (SGD changes the int8
  values, never the scales), and one per output channel is checked there.
* Gradients and the classifier head are plain `f32` tensors.

Semantics (FACTS.md section 2) and the one rounding rule
-------------------------------------------------------
Every rounding in this dialect is **round half to even** (IEEE-754 default
`rint`; `torch.round`, `numpy.rint`; a single `VRINTR`/`VCVTR` on the Cortex-M7
FPv5 unit under the default FPSCR mode). Requantization happens in IEEE single
precision, with constants derived once from the f64 scales in the IR
(`requant_multipliers`, `add_multipliers`), and no fused multiply-add:

* conv2d:  `acc = sat32(sum((x - z_x) * W) + b)`,
  `y = clamp(rint(f32(acc) * eff[c]) + z_y, -128, 127)`,
  `eff[c] = f32(s_x * s_w[c] / s_y)`.
  The sum of products is exact in int32 (the verifier bounds
  `255 * 128 * K_h * K_w * C_in/groups` below 2**31); adding the bias
  saturates to the int32 range (one `QADD` on the Cortex-M7), because
  pretrained files mark dead channels with biases of -2**31 or 2**31-1
  whose wrap-around would flip the output to the other rail.
  Padding contributes real zero, i.e. padded inputs equal `z_x`.
* add:  `y = clamp(rint(f32(a - z_a) * m_a + f32(b - z_b) * m_b) + z_y)`,
  `m_a = f32(s_a / s_y)`, `m_b = f32(s_b / s_y)`; products and sum in f32.
* global_avgpool: `y = rint(sum(x) / (H * W))`, the exact quotient rounded half
  to even (integer arithmetic; same scale and zero point in and out).
* dequantize: `f32(q - z) * f32(s)`.
* linear: `y = x @ W^T + b` in f32 (summation order is not specified: fp32
  results are compared with a tolerance, integer paths bit-exactly).

The reference implementation of every op is in
`tiny_training.interpreters.qtrain`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    I32,
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    FloatAttr,
    IntAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    f32,
    i1,
    i8,
    i32,
    i64,
)
from xdsl.ir import Attribute, Dialect, Operation, ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_attr_def,
    opt_operand_def,
    opt_prop_def,
    opt_result_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import HasParent, Pure, SymbolOpInterface, SymbolTable, SymbolUserOpInterface
from xdsl.utils.exceptions import VerifyException

import tiny_training.dialects.xdsl_fixes  # noqa: F401  (exact float printing, see the module)
from tiny_training.dialects.traits import (
    AliasesOperand,
    ChannelStreamed,
    Elementwise,
    InPlaceOperands,
    NeedsScratch,
    ProducesClampMask,
    StartsBackward,
)

INT8_MIN = -128
INT8_MAX = 127
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
# |(x - z_x) * W| <= 255 * 128: x - z_x spans at most 255 steps, |W| <= 128.
MAX_PRODUCT_MAGNITUDE = 255 * 128


# --------------------------------------------------------------------------- types


@irdl_attr_definition
class QInt8Type(ParametrizedAttribute, TypeAttribute):
    """Per-tensor affine int8: `real = (q - zero_point) * scale`.

    Example: `tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>`
    (a ReLU6 output: 6/255 per step, -128 is real zero).
    """

    name = "qtrain.qi8"

    scale: FloatAttr
    zero_point: IntAttr

    def __init__(self, scale: float, zero_point: int):
        super().__init__(FloatAttr(float(scale), 64), IntAttr(int(zero_point)))

    @property
    def scale_value(self) -> float:
        return self.scale.value.data

    @property
    def zero_point_value(self) -> int:
        return self.zero_point.data

    def storage_bits(self) -> int:
        """Bits per element in memory (`mem.load`/`mem.store`): one int8."""
        return 8

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{mlir_float_literal(self.scale_value)}, {self.zero_point_value}>")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            scale_position = parser.pos
            number = parser.parse_number()
            try:
                scale = float(number)
            except OverflowError:
                parser.raise_error("quantization scale is too large for f64", scale_position, parser.pos)
            parser.parse_punctuation(",")
            zero_point = parser.parse_integer(allow_boolean=False, context_msg=" (zero point)")
        return [FloatAttr(scale, 64), IntAttr(zero_point)]

    def verify(self) -> None:
        scale = self.scale_value
        if not (math.isfinite(scale) and scale > 0):
            raise VerifyException(f"qi8 scale must be finite and positive, got {scale}")
        if not INT8_MIN <= self.zero_point_value <= INT8_MAX:
            raise VerifyException(f"qi8 zero point must be in [-128, 127], got {self.zero_point_value}")


# --------------------------------------------------------------------------- helpers


def mlir_float_literal(value: float) -> str:
    """The shortest text that parses back to the same f64 and is a valid MLIR
    float literal (which needs a `.` before any exponent: `1.0e-05`, not `1e-05`)."""
    text = repr(float(value))
    if "." not in text and ("e" in text or text.isdigit()):
        mantissa, _, exponent = text.partition("e")
        text = mantissa + ".0" + ("e" + exponent if exponent else "")
    return text


def qtensor(shape: Sequence[int], scale: float, zero_point: int) -> TensorType:
    """`tensor<shape x !qtrain.qi8<scale, zero_point>>`."""
    return TensorType(QInt8Type(scale, zero_point), shape)


def quant_params(value_type: Attribute) -> QInt8Type:
    assert isinstance(value_type, TensorType) and isinstance(value_type.element_type, QInt8Type)
    return value_type.element_type


def _describe(value_type: Attribute) -> str:
    return str(value_type)


def _check_tensor(
    op: Operation, role: str, value_type: Attribute, *, rank: int, element: type | Attribute
) -> TensorType:
    """Checks rank and element kind of one operand or result; returns it typed."""
    if not isinstance(value_type, TensorType):
        raise VerifyException(f"{op.name}: {role} must be a ranked tensor, got {_describe(value_type)}")
    if value_type.get_num_dims() != rank:
        raise VerifyException(
            f"{op.name}: {role} must have rank {rank}, got rank {value_type.get_num_dims()}"
        )
    _check_static(op, role, value_type)
    element_type = value_type.element_type
    if isinstance(element, type):
        if not isinstance(element_type, element):
            expected = "!qtrain.qi8" if element is QInt8Type else element.__name__
            raise VerifyException(
                f"{op.name}: {role} must have element type {expected}, got {element_type}"
            )
    elif element_type != element:
        raise VerifyException(f"{op.name}: {role} must have element type {element}, got {element_type}")
    return value_type


def mask_type_for(value_type: Attribute) -> TensorType:
    """The clamp-mask type of an int8 result: same shape, `i1`."""
    assert isinstance(value_type, TensorType)
    return TensorType(i1, value_type.get_shape())


def _check_mask(op: Operation, mask: SSAValue | None, output_type: Attribute) -> None:
    if mask is None:
        return
    assert isinstance(output_type, TensorType)
    if mask.type != mask_type_for(output_type):
        raise VerifyException(
            f"{op.name}: mask must be {mask_type_for(output_type)} (the result's shape, i1), got {mask.type}"
        )


def _check_static(op: Operation, role: str, value_type: TensorType) -> None:
    """Every dimension known and non-zero: the compiler plans static buffers."""
    shape = value_type.get_shape()
    if any(d < 0 for d in shape):
        raise VerifyException(f"{op.name}: {role} must have a static shape, got {value_type}")
    if any(d == 0 for d in shape):
        raise VerifyException(f"{op.name}: {role} must not be empty, got {value_type}")


def _int_array(attr: DenseArrayBase) -> tuple[int, ...]:
    return tuple(int(v) for v in attr.iter_values())


def conv_output_size(size: int, kernel: int, stride: int, pad_before: int, pad_after: int) -> int:
    return (size + pad_before + pad_after - kernel) // stride + 1


def requant_multipliers(x_scale: float, w_scales: Sequence[float], y_scale: float) -> np.ndarray:
    """`eff[c] = f32(s_x * s_w[c] / s_y)`, computed in f64 then rounded once to f32.

    The single source of these constants for the interpreter and the C backend.
    """
    return np.array([x_scale * float(s) / y_scale for s in w_scales], dtype=np.float64).astype(np.float32)


def add_multipliers(a: QInt8Type, b: QInt8Type, y: QInt8Type) -> tuple[np.float32, np.float32]:
    """`(f32(s_a / s_y), f32(s_b / s_y))` for the requantized add."""
    return (
        np.float32(a.scale_value / y.scale_value),
        np.float32(b.scale_value / y.scale_value),
    )


# --------------------------------------------------------------------------- parameters


@irdl_op_definition
class ParamOp(IRDLOperation):
    """A model parameter: a module-level symbol holding int8 weights, int32 biases
    or fp32 head data. `trainable` marks parameters that a training step updates
    in place (placed in SRAM); the others are constants (placed in flash).

    Example:
        qtrain.param @conv0.bias = dense<[12, -3]> : tensor<2xi32>
        qtrain.param @head.weight trainable = dense<0.0> : tensor<10x160xf32>
    """

    name = "qtrain.param"

    sym_name = prop_def(SymbolNameConstraint())
    value = prop_def(DenseIntOrFPElementsAttr)
    trainable = opt_prop_def(UnitAttr)
    # Where the C program keeps the parameter (`mem-place-params` decides; see PLACEMENTS).
    placement = opt_attr_def(StringAttr)
    split_axis = opt_attr_def(IntegerAttr)
    split_channels = opt_attr_def(IntegerAttr)

    assembly_format = "$sym_name (`trainable` $trainable^)? `=` $value attr-dict"

    traits = traits_def(SymbolOpInterface(), HasParent(ModuleOp))

    ALLOWED_ELEMENTS: ClassVar[tuple[Attribute, ...]] = (i8, i32, f32)
    # flash: frozen, `static const`. sram: trainable, the whole tensor writable.
    # sram-partial: only a leading slice trains, but the tensor cannot be split: whole in SRAM.
    # split: the leading `split_channels` of axis `split_axis` (1: input channels of a
    # regular conv weight, 0: channels of a depthwise one) in SRAM, the rest `const` in flash.
    PLACEMENTS: ClassVar[tuple[str, ...]] = ("flash", "sram", "sram-partial", "split")

    def __init__(self, name: str, data: np.ndarray, element_type: Attribute, *, trainable: bool = False):
        value_type = TensorType(element_type, data.shape)
        dtype = element_numpy_dtype(element_type)
        value = DenseIntOrFPElementsAttr(value_type, BytesAttr(np.ascontiguousarray(data, dtype=dtype).tobytes()))
        properties: dict[str, Attribute] = {"sym_name": StringAttr(name), "value": value}
        if trainable:
            properties["trainable"] = UnitAttr()
        super().__init__(properties=properties)

    @property
    def value_type(self) -> TensorType:
        return self.value.type  # pyright: ignore[reportReturnType]

    def verify_(self) -> None:
        value_type = self.value.type
        if not isinstance(value_type, TensorType):
            raise VerifyException(f"qtrain.param @{self.sym_name.data}: value must be a tensor, got {value_type}")
        if value_type.element_type not in self.ALLOWED_ELEMENTS:
            raise VerifyException(
                f"qtrain.param @{self.sym_name.data}: element type must be i8, i32 or f32, "
                f"got {value_type.element_type}"
            )
        if any(d <= 0 for d in value_type.get_shape()):
            raise VerifyException(f"qtrain.param @{self.sym_name.data}: parameters must not be empty, got {value_type}")
        if not self.value.shape_is_complete:
            raise VerifyException(
                f"qtrain.param @{self.sym_name.data}: holds {len(self.value)} values "
                f"but its type {value_type} needs {math.prod(value_type.get_shape())}"
            )
        self.verify_placement()

    @property
    def placement_value(self) -> str:
        """The recorded placement; without one, where `trainable` puts it (whole in SRAM, or flash)."""
        if self.placement is not None:
            return self.placement.data
        return "sram" if self.trainable is not None else "flash"

    @property
    def split(self) -> tuple[int, int] | None:
        """(axis, leading channels in SRAM) of a split parameter, else None."""
        if self.split_axis is None or self.split_channels is None:
            return None
        return self.split_axis.value.data, self.split_channels.value.data

    def verify_placement(self) -> None:
        where = f"qtrain.param @{self.sym_name.data}"
        placement = self.placement_value
        if placement not in self.PLACEMENTS:
            expected = ", ".join(f'"{p}"' for p in self.PLACEMENTS)
            raise VerifyException(f'{where}: placement must be one of {expected}, got "{placement}"')
        if self.trainable is None and placement != "flash":
            raise VerifyException(f'{where}: a frozen parameter is placed in flash, got "{placement}"')
        if self.trainable is not None and placement == "flash":
            raise VerifyException(f"{where}: a trainable parameter cannot be placed in flash")
        has_split = self.split_axis is not None or self.split_channels is not None
        if placement != "split":
            if has_split:
                raise VerifyException(f'{where}: split_axis and split_channels are only for placement "split"')
            return
        if self.split is None:
            raise VerifyException(f'{where}: placement "split" needs split_axis and split_channels')
        shape = self.value_type.get_shape()
        if self.value_type.element_type != i8 or len(shape) != 4:
            raise VerifyException(f"{where}: only int8 conv weights (rank 4) can be split, got {self.value_type}")
        axis, channels = self.split
        if axis not in (0, 1):
            raise VerifyException(f"{where}: split_axis must be 0 (channels) or 1 (input channels), got {axis}")
        if not 1 <= channels < shape[axis]:
            raise VerifyException(
                f"{where}: split_channels must be in [1, {shape[axis] - 1}] (a leading part of the {shape[axis]} "
                f"of axis {axis}), got {channels}"
            )

    def to_numpy(self) -> np.ndarray:
        dtype = element_numpy_dtype(self.value_type.element_type)
        return np.frombuffer(self.value.data.data, dtype=dtype).reshape(self.value_type.get_shape())


def element_numpy_dtype(element_type: Attribute) -> np.dtype:
    if element_type == i8:
        return np.dtype(np.int8)
    if element_type == i32:
        return np.dtype(np.int32)
    if element_type == f32:
        return np.dtype(np.float32)
    if isinstance(element_type, QInt8Type):
        return np.dtype(np.int8)
    raise ValueError(f"no numpy storage for element type {element_type}")


def lookup_param(op: Operation, ref: SymbolRefAttr) -> ParamOp:
    """The `qtrain.param` that `ref` names, for the symbol users of this dialect."""
    target = SymbolTable.lookup_symbol(op, ref)
    if target is None:
        raise VerifyException(f"{op.name}: no qtrain.param named {ref}")
    if not isinstance(target, ParamOp):
        raise VerifyException(f"{op.name}: {ref} is a {target.name}, not a qtrain.param")
    return target


def _check_leading_slice(op: Operation, ref: SymbolRefAttr, target: ParamOp, grad_type: Attribute) -> None:
    param_shape = target.value_type.get_shape()
    grad_shape = grad_type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
    if len(grad_shape) != len(param_shape) or any(g > p for g, p in zip(grad_shape, param_shape, strict=True)):
        raise VerifyException(
            f"{op.name}: gradient {_shape_text(grad_shape)} is not a leading slice of {ref} ({_shape_text(param_shape)})"
        )


class GetParamSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, GetParamOp)
        target = lookup_param(op, op.param)
        if target.value_type != op.result.type:
            raise VerifyException(
                f"qtrain.get_param: result type {op.result.type} does not match "
                f"the type {target.value_type} of {op.param}"
            )


@irdl_op_definition
class GetParamOp(IRDLOperation):
    """Reads the current value of a `qtrain.param`.

    Example:
        %w = qtrain.get_param @conv0.weight : tensor<2x3x3x3xi8>
    """

    name = "qtrain.get_param"

    param = prop_def(SymbolRefAttr)
    result = result_def(TensorType)

    assembly_format = "$param attr-dict `:` type($result)"

    traits = traits_def(GetParamSymbolUser())

    def __init__(self, param: str | SymbolRefAttr, result_type: Attribute):
        if isinstance(param, str):
            param = SymbolRefAttr(param)
        super().__init__(properties={"param": param}, result_types=[result_type])


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


def _shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


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


QTrain = Dialect(
    "qtrain",
    [
        ParamOp,
        GetParamOp,
        Conv2dOp,
        AddOp,
        GlobalAvgPoolOp,
        DequantizeOp,
        FlattenOp,
        LinearOp,
        SoftmaxCrossEntropyOp,
        SoftmaxCrossEntropyGradOp,
        LinearGradInputOp,
        LinearGradWeightOp,
        SumBatchOp,
        ReshapeOp,
        DequantizeGradOp,
        GlobalAvgPoolGradOp,
        ClampGradOp,
        AddGradOp,
        RequantGradOp,
        Conv2dGradInputOp,
        Conv2dGradWeightOp,
        Conv2dGradBiasOp,
        AccumulateOp,
        ParamGradOp,
        ScaleChannelsOp,
        SgdUpdateOp,
        SliceChannelsOp,
        Conv2dWeightUpdateOp,
        Conv2dDwOp,
    ],
    [QInt8Type],
)
