"""`mem-place-params`: where each parameter lives in the C program, recorded on its `qtrain.param`.

Input invariant: the module's functions with their updates (`qtrain.sgd_update`,
`qtrain.conv2d_weight_update`) and the ops that read each parameter through
`qtrain.get_param`, e.g. after `qtrain-training` and the fusion passes (`qtrain-memory`
runs it after planning).

Output: every `qtrain.param` gets `placement` (see `ParamOp.PLACEMENTS`):

* `"flash"`: frozen, a `static const` array;
* `"sram"`: trainable, the whole tensor writable;
* `"split"` with `split_axis` and `split_channels`: an int8 conv weight whose trained part
  (the union of its updates' leading slices) is a leading slice of its input channels
  (axis 1), read only by regular (groups = 1) convs, or of its channels (axis 0), read
  only by grouped (depthwise) convs: the trained channels in SRAM, the rest `const` in
  flash, so SRAM holds exactly the bytes the memory plan counts (`trainable_sram_bytes`);
* `"sram-partial"`: any other partially trained parameter, kept whole in SRAM.

The C target stores each parameter as recorded and chooses the split kernels for split
weights. Existing placements are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, StringAttr, i8, i64
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tiny_training.analysis.schedule import trained_shape
from tiny_training.analysis.symbols import params_by_name
from tiny_training.dialects import qtrain


def read_as(op: Operation, operand: SSAValue) -> str:
    """How `op` reads a parameter: as the weight of a groups = 1 conv (`regular`), of a
    grouped/depthwise conv (`grouped`), or otherwise (`other`)."""
    if isinstance(op, (qtrain.Conv2dOp, qtrain.Conv2dGradInputOp)) and operand is op.weight:
        return "regular" if op.groups_value == 1 else "grouped"
    if isinstance(op, qtrain.Conv2dDwOp):
        if operand is op.weight:
            return "regular"
        if operand is op.dw_weight:
            return "grouped"
    return "other"


def placement(param: qtrain.ParamOp, trained: tuple[int, ...] | None, readers: set[str]) -> tuple[str, int, int]:
    """(placement, split axis, split channels) of a parameter, from the shape of its trained
    slice (None: frozen) and how it is read."""
    if param.trainable is None:
        return "flash", 0, 0
    shape = tuple(param.value_type.get_shape())
    if trained is None or trained == shape:
        return "sram", 0, 0
    differing = [d for d, (t, p) in enumerate(zip(trained, shape)) if t != p]
    if param.value_type.element_type != i8 or len(shape) != 4 or len(differing) != 1 or differing[0] > 1:
        return "sram-partial", 0, 0
    axis = differing[0]
    if not readers <= {"regular" if axis == 1 else "grouped"}:
        return "sram-partial", 0, 0
    return "split", axis, trained[axis]


@dataclass(frozen=True)
class MemPlaceParamsPass(ModulePass):
    name = "mem-place-params"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        params = params_by_name(op)
        trained: dict[str, tuple[int, ...]] = {}
        readers: dict[str, set[str]] = {}
        for function in (o for o in op.ops if isinstance(o, func.FuncOp)):
            for inner in function.body.block.ops:
                shape = trained_shape(inner, params)
                if shape is not None:
                    name = inner.param.string_value()  # pyright: ignore[reportAttributeAccessIssue]
                    previous = trained.get(name, shape)
                    if len(previous) == len(shape):
                        shape = tuple(max(a, b) for a, b in zip(previous, shape))
                    trained[name] = shape
                    continue
                for operand in inner.operands:
                    if isinstance(operand.owner, qtrain.GetParamOp):
                        readers.setdefault(operand.owner.param.string_value(), set()).add(read_as(inner, operand))
        for name, param in params.items():
            where, axis, channels = placement(param, trained.get(name), readers.get(name, set()))
            param.attributes["placement"] = StringAttr(where)
            for key in ("split_axis", "split_channels"):
                param.attributes.pop(key, None)
            if where == "split":
                param.attributes["split_axis"] = IntegerAttr(axis, i64)
                param.attributes["split_channels"] = IntegerAttr(channels, i64)
