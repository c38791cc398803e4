"""PyTorch module -> torch.export -> torch-mlir FX importer -> xDSL `torch` dialect.

Unsupported operations are reported at the FX level, where PyTorch still knows
which submodule each op came from (`blocks.3.conv.1: aten.hardswish is not
supported`): torch-mlir would otherwise decompose some of them into supported
pieces and lose the module path.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch_mlir import fx
from torch_mlir import ir as mlir_ir
from torch_mlir.extras.fx_importer import LITERAL_CONVERTER_MAP, FxImporterHooks, InputInfo
from xdsl.context import Context
from xdsl.dialects.builtin import BytesAttr, DenseIntOrFPElementsAttr, DenseResourceAttr, ModuleOp
from xdsl.parser import Parser

from tiny_training.dialects.torch import PARAM_NAME_ATTR, ValueTensorLiteralOp, literal_array, resource_blobs
from tiny_training.registry import load_all_dialects

# Ops that may appear in the exported FX graph of a quantized CNN (before torch-mlir's
# decompositions). Anything else is reported with its module path.
SUPPORTED_FX_OPS = frozenset(
    {
        "aten._assert_tensor_metadata.default",
        "aten._to_copy.default",
        "aten.add.Tensor",
        "aten.adaptive_avg_pool2d.default",
        "aten.conv2d.default",
        "aten.convolution.default",
        "aten.fake_quantize_per_channel_affine.default",
        "aten.fake_quantize_per_tensor_affine.default",
        "aten.flatten.using_ints",
        "aten.linear.default",
        "aten.mean.dim",
        "aten.mul.Tensor",
        "aten.reshape.default",
        "aten.to.dtype",
        "aten.view.default",
    }
)

# torch.export's own use of a deprecated pytree API (torch 2.13), not the user's.
TORCH_PYTREE_WARNING = r"`isinstance\(treespec, LeafSpec\)`"

class UnsupportedTorchOp(ValueError):
    """A model uses an operation that the compiler does not support."""


@dataclass(frozen=True)
class TorchImport:
    """The imported module and the context that holds its `dense_resource` blobs."""

    module: ModuleOp
    context: Context


def module_path(node: torch.fx.Node) -> str:
    stack = node.meta.get("nn_module_stack") or {}
    paths = [path for path, _ in stack.values() if path]
    return paths[-1] if paths else "<top level>"


def check_supported(program: torch.export.ExportedProgram) -> None:
    """Raises `UnsupportedTorchOp` naming every unsupported op and where it came from."""
    problems = []
    for node in program.graph.nodes:
        if node.op != "call_function":
            continue
        name = str(node.target)
        if name not in SUPPORTED_FX_OPS:
            op_name = name.removesuffix(".default")
            problems.append(f"{module_path(node)}: {op_name} is not supported")
    if problems:
        raise UnsupportedTorchOp("; ".join(dict.fromkeys(problems)))


class _NameLiterals(FxImporterHooks):
    """Tags each parameter/buffer literal with its fully qualified name.

    torch-mlir imports a frozen program, so literals arrive without their input
    spec; they are recognised by storage (data pointer, shape, dtype) instead.
    """

    def __init__(self, named_tensors: dict[str, torch.Tensor]):
        self.names = {self.key(tensor): name for name, tensor in named_tensors.items()}

    @staticmethod
    def key(tensor: torch.Tensor) -> tuple:
        return (tensor.data_ptr(), tuple(tensor.shape), tensor.dtype, tuple(tensor.stride()))

    def resolve_literal(self, gni, literal, info: InputInfo | None):
        if not isinstance(literal, torch.Tensor) or self.key(literal) not in self.names:
            return None
        converter = LITERAL_CONVERTER_MAP.lookup(type(literal))
        value = converter(literal, gni, gni._cc)  # the importer's default conversion
        value.owner.attributes[PARAM_NAME_ATTR] = mlir_ir.StringAttr.get(self.names[self.key(literal)])
        return value


def export_program(model: torch.nn.Module, example_inputs: Sequence[torch.Tensor]) -> torch.export.ExportedProgram:
    model = model.eval()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=TORCH_PYTREE_WARNING, category=FutureWarning)
            program = torch.export.export(model, tuple(example_inputs))
    except Exception as error:  # torch.export reports untraceable models in many ways
        raise UnsupportedTorchOp(f"torch.export failed: {type(error).__name__}: {error}") from None
    check_supported(program)
    return program


def import_to_torch_dialect(model: torch.nn.Module, example_inputs: Sequence[torch.Tensor]) -> TorchImport:
    """Exports `model`, imports it with torch-mlir and parses it into xDSL."""
    program = export_program(model, example_inputs)
    named = dict(program.state_dict)
    named.update(program.constants)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=TORCH_PYTREE_WARNING, category=FutureWarning)
        imported = fx.export_and_import(program, output_type="torch", hooks=_NameLiterals(named))
    text = imported.operation.get_asm(print_generic_op_form=True)
    context = Context()
    load_all_dialects(context)
    blobs = resource_blobs(context)
    # xDSL keeps resource blobs in the (process-wide) builtin dialect object, and a
    # handle seen before is renamed on re-parse: start clean, then copy every blob
    # into its literal so the module no longer depends on that global state.
    blobs._blob_storage.clear()  # noqa: SLF001
    try:
        module = Parser(context, text, "torch-mlir").parse_module()
        materialize_literals(module, context)
    finally:
        blobs._blob_storage.clear()  # noqa: SLF001
    module.verify()
    return TorchImport(module, context)


def materialize_literals(module: ModuleOp, context: Context) -> None:
    """Replaces every `dense_resource` literal by a `dense` attribute holding its data."""
    for op in module.walk():
        if isinstance(op, ValueTensorLiteralOp) and isinstance(op.value, DenseResourceAttr):
            data = literal_array(op, context)
            tensor_type = op.value.type
            op.properties["value"] = DenseIntOrFPElementsAttr(tensor_type, BytesAttr(data.tobytes()))
