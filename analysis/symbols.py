"""Helpers shared by the tiny-training passes."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Attribute, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain


def find_function(module: ModuleOp, name: str, pass_name: str) -> func.FuncOp:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == name:
            return op
    raise PassFailedException(f"{pass_name}: no function @{name} in the module")


def params_by_name(module: ModuleOp) -> dict[str, qtrain.ParamOp]:
    return {op.sym_name.data: op for op in module.ops if isinstance(op, qtrain.ParamOp)}


def insert_param(
    module: ModuleOp,
    function: func.FuncOp,
    point: InsertPoint,
    name: str,
    data: np.ndarray,
    element_type: Attribute,
    *,
    trainable: bool = False,
) -> SSAValue:
    """Adds `qtrain.param @name` before `function` (replacing one of that name) and reads it at `point`."""
    existing = params_by_name(module).get(name)
    if existing is not None:
        if any(use for use in _param_uses(module, name)):
            raise PassFailedException(f"{function.sym_name.data}: a parameter named @{name} already exists and is in use")
        Rewriter.erase_op(existing)
    param = qtrain.ParamOp(name, data, element_type, trainable=trainable)
    Rewriter.insert_op(param, InsertPoint.before(function))
    read = qtrain.GetParamOp(name, param.value_type)
    Rewriter.insert_op(read, point)
    return read.result


def _param_uses(module: ModuleOp, name: str) -> list[qtrain.GetParamOp]:
    return [op for op in module.walk() if isinstance(op, qtrain.GetParamOp) and op.param.string_value() == name]


def erase_unused_params(module: ModuleOp) -> None:
    used = {
        op.param.string_value()
        for op in module.walk()
        if isinstance(op, (qtrain.GetParamOp, qtrain.ParamGradOp))
    }
    for param in list(params_by_name(module).values()):
        if param.sym_name.data not in used:
            Rewriter.erase_op(param)
