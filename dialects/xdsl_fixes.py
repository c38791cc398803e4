"""Work-arounds for xDSL 0.74 behaviour that breaks round-tripping of our IR.

xDSL prints a float that needs more than 6 significant digits and has no fractional
part (e.g. the QAS factor 13692138.0 in `array<f32: ...>`) as a hex bit pattern,
`0x4B50ECEA`, which its own parser rejects inside `array<...>` and misreads inside
`dense<...>`. We print such values as `13692138.0` instead: an exact decimal that
parses back to the same bits. All other floats print exactly as before.
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import Float32Type, Float64Type
from xdsl.printer import Printer

_original_print_float = Printer.print_float


def _needs_decimal(value: float, float_type) -> bool:
    if not math.isfinite(value) or not float(value).is_integer():
        return False
    if isinstance(float_type, Float32Type):
        digits = f"{value:.9g}"
    elif isinstance(float_type, Float64Type):
        digits = f"{value:.17g}"
    else:
        return False
    short = f"{value:.5e}"
    index = short.find("e")
    short = short[:index] + "0" + short[index:]
    lossless_short = float_type.unpack(float_type.pack([float(short)]), 1)[0] == value
    return not lossless_short and "." not in digits and "e" not in digits


def _print_float(self: Printer, value: float, type) -> None:  # noqa: A002 (xDSL's signature)
    if _needs_decimal(value, type):
        self.print_string(f"{int(value)}.0")
        return
    _original_print_float(self, value, type)


if getattr(Printer.print_float, "__name__", "") != "_print_float":
    Printer.print_float = _print_float  # pyright: ignore[reportAttributeAccessIssue]
