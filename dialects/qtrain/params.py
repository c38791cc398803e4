"""Parameters: `qtrain.param` (module-level symbols, their placement) and `qtrain.get_param`.

Part of the `qtrain` dialect (`tiny_training.dialects.qtrain`).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    f32,
    i8,
    i32,
)
from xdsl.ir import Attribute, Operation
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    opt_attr_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import HasParent, SymbolOpInterface, SymbolTable, SymbolUserOpInterface
from xdsl.utils.exceptions import VerifyException

from tiny_training.dialects.qtrain.types import (
    QInt8Type,
    _shape_text,
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
