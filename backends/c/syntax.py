"""C syntax: literals (hex floats, ints, strings, comments, array initializers) and the
C storage of IR element types. Nothing here looks at more than one value."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import Float32Type, TensorType, i1, i8, i32
from xdsl.ir import Attribute, SSAValue

from tiny_training.dialects import qtrain


class CodegenError(ValueError):
    """The module cannot be printed as C (tt-opt reports it as one line, no traceback)."""


# --------------------------------------------------------------------------- literals


def c_float(value: float | np.floating) -> str:
    """An f32 value as a C hex float literal that denotes exactly that f32."""
    value32 = np.float32(value)
    if not np.isfinite(value32):
        raise CodegenError(f"c target: the constant {float(value)} is not a finite f32")
    mantissa, _, exponent = float(value32).hex().partition("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}p{exponent}f"


def c_float_commented(value: float | np.floating) -> str:
    """A hex float literal followed by its shortest decimal, for people to read."""
    return f"{c_float(value)} /* {str(np.float32(value))} */"


def c_int(value: int) -> str:
    value = int(value)
    if value == qtrain.INT32_MIN:  # 2147483648 alone does not fit an int
        return "(-2147483647 - 1)"
    return str(value)


def c_string(text: str) -> str:
    """A C string literal (printable ASCII kept, everything else as octal escapes)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char in '"\\?':  # `?` too: no trigraphs in -std=c99
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def c_comment(text: str) -> str:
    """Text that cannot end the C comment it is put in."""
    return text.replace("*/", "* /")


def wrap(items: Sequence[str], per_line: int, indent: str = "    ") -> str:
    """The items, `per_line` on a line, as the lines of a C initializer."""
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return (",\n" + indent).join(lines)


def c_array_values(values: np.ndarray) -> str:
    """The initializer of a flat C array (without braces)."""
    flat = np.asarray(values).reshape(-1)
    if flat.dtype == np.float32:
        return wrap([c_float(v) for v in flat], 6)
    if flat.dtype == np.int32:
        return wrap([c_int(v) for v in flat.tolist()], 12)
    return wrap([str(v) for v in flat.tolist()], 24)


# --------------------------------------------------------------------------- types


def element_kind(element: Attribute) -> str:
    """`s8` (int8 activations and weights), `i32`, `f32` or `mask` (bit-packed i1)."""
    if isinstance(element, qtrain.QInt8Type) or element == i8:
        return "s8"
    if element == i32:
        return "i32"
    if isinstance(element, Float32Type):
        return "f32"
    if element == i1:
        return "mask"
    raise CodegenError(f"c target: no C storage for element type {element}")


C_TYPES = {"s8": "int8_t", "i32": "int32_t", "f32": "float", "mask": "uint8_t"}
ARENA_MACROS = {"s8": "TT_S8", "i32": "TT_I32", "f32": "TT_F32", "mask": "TT_U8"}
PARAM_KINDS = {"s8": "i8", "i32": "i32", "f32": "f32"}
SGD_SUFFIX = {"s8": "s8", "i32": "s32", "f32": "f32"}


def tensor_of(value: SSAValue) -> TensorType:
    value_type = value.type
    if not isinstance(value_type, TensorType):
        raise CodegenError(f"c target: expected a tensor, got {value_type}")
    return value_type


def shape_of(value: SSAValue) -> tuple[int, ...]:
    return tuple(tensor_of(value).get_shape())


def count_of(value: SSAValue) -> int:
    return math.prod(shape_of(value))


def shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def type_text(value: SSAValue) -> str:
    value_type = tensor_of(value)
    element = value_type.element_type
    kind = {"s8": "qi8" if isinstance(element, qtrain.QInt8Type) else "i8", "i32": "i32", "f32": "f32", "mask": "i1"}[
        element_kind(element)
    ]
    return f"{shape_text(value_type.get_shape())} {kind}"

