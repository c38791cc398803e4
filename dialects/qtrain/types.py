"""The `!qtrain.qi8` type, the shared verifier helpers and the requantization constants.

Part of the `qtrain` dialect (`tiny_training.dialects.qtrain`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    DenseArrayBase,
    FloatAttr,
    IntAttr,
    TensorType,
    i1,
)
from xdsl.ir import Attribute, Operation, ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    irdl_attr_definition,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

import tiny_training.dialects.xdsl_fixes  # noqa: F401  (exact float printing, see the module)

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


def _shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


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
