"""Facts about a lowered function that several passes and the reports share: which ops
are schedule steps, and how many bytes of SRAM the trained parameters take.

Kept out of `passes/` so that no pass (and no backend) imports another pass.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from tiny_training.analysis.symbols import params_by_name
from tiny_training.dialects import qtrain


def is_step(op: Operation) -> bool:
    """Compute ops are schedule steps; parameter reads, mem ops and the return are not."""
    return not isinstance(op, (qtrain.GetParamOp, func.ReturnOp)) and op.dialect_name() != "mem"


def trained_shape(op: Operation, params: dict[str, qtrain.ParamOp]) -> tuple[int, ...] | None:
    """The leading slice of its parameter that an update op writes, or None for other ops."""
    if isinstance(op, qtrain.SgdUpdateOp):
        return tuple(op.grad.type.get_shape())  # pyright: ignore[reportAttributeAccessIssue]
    if isinstance(op, qtrain.Conv2dWeightUpdateOp):
        return tuple(op.grad_weight_shape(params[op.param.string_value()].value_type.get_shape()))
    return None


def trainable_sram_bytes(module: ModuleOp, function: func.FuncOp) -> int:
    """Bytes of SRAM for trainable parameters: the trained part (leading channels of a
    partially trained weight) of each parameter that `function` updates."""
    params = params_by_name(module)
    total = 0
    seen: set[str] = set()
    for op in function.body.block.ops:
        shape = trained_shape(op, params)
        if shape is None:
            continue
        name = op.param.string_value()  # pyright: ignore[reportAttributeAccessIssue]
        if name in seen:
            continue
        seen.add(name)
        total += int(np.prod(shape)) * params[name].to_numpy().dtype.itemsize
    return total
