"""The subset of torch-mlir's `torch` dialect that tiny-training accepts.

torch-mlir's FX importer (`torch_mlir.fx.export_and_import(..., output_type="torch")`)
is asked for the generic op form, which this dialect parses; `convert-torch-to-qtrain`
then pattern-matches it into `qtrain`. Only the ops listed in `ACCEPTED_ATEN_OPS`
(and the constant/list/literal helpers) exist here: any other op is rejected by the
parser with its name, so an unsupported model fails loudly instead of silently.

Types: `!torch.vtensor<[1,3,8,8],f32>` (value-semantic tensor; -1 is an unknown
dimension), `!torch.int`, `!torch.float`, `!torch.bool`, `!torch.none`,
`!torch.str`, `!torch.Device`, `!torch.list<int>` / `!torch.list<float>`.

Example (pretty form, as torch-mlir prints it):
    %0 = torch.aten.relu %arg0 : !torch.vtensor<[1,4],f32> -> !torch.vtensor<[1,4],f32>
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    ArrayAttr,
    BoolAttr,
    DenseIntOrFPElementsAttr,
    DenseResourceAttr,
    FloatAttr,
    IntAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
    StringAttr,
    TensorType,
)
from xdsl.context import Context
from xdsl.dialect_interfaces.op_asm import OpAsmDialectInterface
from xdsl.ir import Attribute, Dialect, ParametrizedAttribute, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

# --------------------------------------------------------------------------- types


@irdl_attr_definition
class ValueTensorType(ParametrizedAttribute, TypeAttribute):
    """`!torch.vtensor<[1,3,8,8],f32>`: a value-semantic tensor with a known rank."""

    name = "torch.vtensor"

    shape: ArrayAttr[IntAttr]
    dtype: Attribute

    def __init__(self, shape: Sequence[int], dtype: Attribute):
        super().__init__(ArrayAttr([IntAttr(d) for d in shape]), dtype)

    def get_shape(self) -> tuple[int, ...]:
        return tuple(d.data for d in self.shape.data)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string("<[" + ",".join(str(d) for d in self.get_shape()) + "],")
        printer.print_attribute(self.dtype)
        printer.print_string(">")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            dims = parser.parse_comma_separated_list(
                AttrParser.Delimiter.SQUARE, lambda: parser.parse_integer(allow_boolean=False)
            )
            parser.parse_punctuation(",")
            dtype = parser.parse_type()
        return [ArrayAttr([IntAttr(d) for d in dims]), dtype]


def _simple_type(type_name: str, doc: str) -> type[ParametrizedAttribute]:
    @irdl_attr_definition
    class SimpleType(ParametrizedAttribute, TypeAttribute):
        __doc__ = doc
        name = f"torch.{type_name}"

    SimpleType.__name__ = SimpleType.__qualname__ = f"Torch{type_name.capitalize()}Type"
    return SimpleType


TorchIntType = _simple_type("int", "`!torch.int`: a Python int.")
TorchFloatType = _simple_type("float", "`!torch.float`: a Python float.")
TorchBoolType = _simple_type("bool", "`!torch.bool`: a Python bool.")
TorchNoneType = _simple_type("none", "`!torch.none`: Python None.")
TorchStrType = _simple_type("str", "`!torch.str`: a Python string.")
TorchDeviceType = _simple_type("Device", "`!torch.Device`: a torch device.")
TorchNumberType = _simple_type("number", "`!torch.number`: an int or a float.")


LIST_ELEMENTS = ("int", "float", "bool")


@irdl_attr_definition
class TorchListType(ParametrizedAttribute, TypeAttribute):
    """`!torch.list<int>`: a list of scalars (only scalar element kinds are accepted)."""

    name = "torch.list"

    element: StringAttr

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.element.data}>")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            element = parser.parse_identifier(" (list element kind)")
        if element not in LIST_ELEMENTS:
            parser.raise_error(f"!torch.list<{element}> is not supported (only {', '.join(LIST_ELEMENTS)})")
        return [StringAttr(element)]


# --------------------------------------------------------------------------- helper ops


@irdl_op_definition
class ConstantIntOp(IRDLOperation):
    """`%int3 = torch.constant.int 3`"""

    name = "torch.constant.int"
    value = prop_def(IntegerAttr)
    result = result_def(TorchIntType)
    assembly_format = "$value attr-dict"
    traits = traits_def(Pure())


@irdl_op_definition
class ConstantFloatOp(IRDLOperation):
    """`%f = torch.constant.float 2.000000e-02`"""

    name = "torch.constant.float"
    value = prop_def(FloatAttr)
    result = result_def(TorchFloatType)
    assembly_format = "$value attr-dict"
    traits = traits_def(Pure())


@irdl_op_definition
class ConstantBoolOp(IRDLOperation):
    """`%false = torch.constant.bool false`"""

    name = "torch.constant.bool"
    value = prop_def(BoolAttr)
    result = result_def(TorchBoolType)
    assembly_format = "$value attr-dict"
    traits = traits_def(Pure())


@irdl_op_definition
class ConstantNoneOp(IRDLOperation):
    """`%none = torch.constant.none`"""

    name = "torch.constant.none"
    result = result_def(TorchNoneType)
    assembly_format = "attr-dict"
    traits = traits_def(Pure())


@irdl_op_definition
class ConstantDeviceOp(IRDLOperation):
    """`%cpu = torch.constant.device "cpu"`"""

    name = "torch.constant.device"
    value = prop_def(StringAttr)
    result = result_def(TorchDeviceType)
    assembly_format = "$value attr-dict"
    traits = traits_def(Pure())


@irdl_op_definition
class ListConstructOp(IRDLOperation):
    """`%l = torch.prim.ListConstruct %a, %b : (!torch.int, !torch.int) -> !torch.list<int>`"""

    name = "torch.prim.ListConstruct"
    elements = var_operand_def()
    result = result_def(TorchListType)
    assembly_format = "$elements attr-dict `:` functional-type($elements, $result)"
    traits = traits_def(Pure())


@irdl_op_definition
class ValueTensorLiteralOp(IRDLOperation):
    """A constant tensor; weights arrive as `dense_resource` blobs.

    `%w = torch.vtensor.literal(dense<1.0> : tensor<4xf32>) : !torch.vtensor<[4],f32>`
    """

    name = "torch.vtensor.literal"
    value = prop_def(Attribute)
    result = result_def(ValueTensorType)
    assembly_format = "`(` $value `)` attr-dict `:` type($result)"
    traits = traits_def(Pure())

    def verify_(self) -> None:
        if not isinstance(self.value, (DenseIntOrFPElementsAttr, DenseResourceAttr)):
            raise VerifyException(f"{self.name}: value must be a dense or dense_resource tensor, got {self.value}")
        value_type = self.value.type
        result_type = self.result.type
        assert isinstance(result_type, ValueTensorType)
        if not isinstance(value_type, TensorType) or value_type.get_shape() != result_type.get_shape():
            raise VerifyException(f"{self.name}: literal type {value_type} does not match {result_type}")


# --------------------------------------------------------------------------- aten ops

# The aten ops a quantized MobileNet-style CNN exports to, by torch-mlir name.
ACCEPTED_ATEN_OPS = (
    "_to_copy",
    "add.Scalar",
    "add.Tensor",
    "addmm",
    "clamp",
    "convolution",
    "div.Scalar",
    "empty.memory_format",
    "fake_quantize_per_channel_affine",
    "fake_quantize_per_tensor_affine",
    "flatten.using_ints",
    "hardtanh",
    "linear",
    "maximum",
    "mean.dim",
    "minimum",
    "mm",
    "mul.Scalar",
    "mul.Tensor",
    "permute",
    "relu",
    "reshape",
    "round",
    "squeeze.dims",
    "sub.Scalar",
    "sum.dim_IntList",
    "t",
    "to.dtype",
    "view",
)


class AtenOp(IRDLOperation):
    """Base of the accepted `torch.aten.*` ops: any operands, one result, torch-mlir's
    pretty syntax `torch.aten.X %a, %b : !ta, !tb -> !tr`."""

    operand_values = var_operand_def()
    result = result_def()
    assembly_format = "$operand_values attr-dict `:` type($operand_values) `->` type($result)"
    traits = traits_def(Pure())


def _aten_op(aten_name: str) -> type[AtenOp]:
    class_name = "Aten" + "".join(part.capitalize() for part in aten_name.replace(".", "_").split("_") if part) + "Op"
    op_class = type(class_name, (AtenOp,), {"name": f"torch.aten.{aten_name}", "__doc__": f"`torch.aten.{aten_name}`"})
    return irdl_op_definition(op_class)


ATEN_OPS = {name: _aten_op(name) for name in ACCEPTED_ATEN_OPS}


def vtensor_numpy_dtype(dtype: Attribute) -> np.dtype:
    """numpy dtype of a `!torch.vtensor` element type (f32, si8, si32, si64, i1)."""
    if isinstance(dtype, IntegerType):
        width = dtype.width.data
        if width == 1:
            return np.dtype(np.bool_)
        unsigned = dtype.signedness.data == Signedness.UNSIGNED
        return np.dtype(f"{'u' if unsigned else ''}int{width}")
    text = str(dtype)
    if text in ("f32", "f64", "f16"):
        return np.dtype({"f32": np.float32, "f64": np.float64, "f16": np.float16}[text])
    raise ValueError(f"unsupported torch element type {dtype}")


def element_count(shape: Sequence[int]) -> int:
    return math.prod(shape)


Torch = Dialect(
    "torch",
    [
        ConstantIntOp,
        ConstantFloatOp,
        ConstantBoolOp,
        ConstantNoneOp,
        ConstantDeviceOp,
        ListConstructOp,
        ValueTensorLiteralOp,
        *ATEN_OPS.values(),
    ],
    [
        ValueTensorType,
        TorchIntType,
        TorchFloatType,
        TorchBoolType,
        TorchNoneType,
        TorchStrType,
        TorchDeviceType,
        TorchNumberType,
        TorchListType,
    ],
)


# The attribute that names a literal after the parameter or buffer it came from.
PARAM_NAME_ATTR = "tt.param_name"


def resource_blobs(context: Context) -> OpAsmDialectInterface:
    """The builtin dialect's store of `dense_resource` blobs in `context`."""
    interface = context.get_dialect("builtin").get_interface(OpAsmDialectInterface)
    assert interface is not None
    return interface


def literal_array(op: ValueTensorLiteralOp, context: Context) -> np.ndarray:
    """The data of a `torch.vtensor.literal`, from a dense attribute or a resource blob."""
    result_type = op.result.type
    assert isinstance(result_type, ValueTensorType)
    dtype = vtensor_numpy_dtype(result_type.dtype)
    shape = result_type.get_shape()
    value = op.value
    if isinstance(value, DenseIntOrFPElementsAttr):
        data = np.frombuffer(value.data.data, dtype=dtype)
        return np.broadcast_to(data, shape).copy() if data.size == 1 else data.reshape(shape).copy()
    assert isinstance(value, DenseResourceAttr)
    blob = resource_blobs(context).lookup(value.resource_handle.data)
    if not blob:
        raise ValueError(f"dense_resource<{value.resource_handle.data}> has no data in the module")
    raw = bytes.fromhex(blob.removeprefix("0x"))
    # MLIR resource blobs start with a 4-byte alignment header.
    return np.frombuffer(raw[4:], dtype=dtype).reshape(shape).copy()
