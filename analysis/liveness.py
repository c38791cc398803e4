"""Liveness of the tensors of a training function, and the lower bound on its memory.

Every SSA value occupies bytes from the op that defines it to its last use (function
inputs from the start). Sizes: int8 activations 1 byte per element, i32 and f32 4
bytes, clamp masks 1 bit per element (bit-packed, rounded up to bytes). Parameters
are not activations: `qtrain.get_param` reads their storage in place (0 bytes);
trainable parameters live in SRAM for the whole program and are reported apart,
frozen ones stay in flash. The largest sum of live bytes at one step is the lower
bound that any static arena planner must meet (buffers cannot share bytes while both
are alive); the memory issue's planner is measured against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerType, ModuleOp, TensorType, f32
from xdsl.ir import Attribute, SSAValue

from tiny_training.dialects import qtrain


def tensor_bytes(value_type: Attribute) -> int:
    if not isinstance(value_type, TensorType):
        return 0
    count = math.prod(value_type.get_shape())
    element = value_type.element_type
    if isinstance(element, qtrain.QInt8Type):
        return count
    if isinstance(element, IntegerType):
        width = element.width.data
        return math.ceil(count / 8) if width == 1 else count * max(1, width // 8)
    if element == f32:
        return 4 * count
    raise ValueError(f"no byte size for {value_type}")


@dataclass(frozen=True)
class Liveness:
    peak_bytes: int  # activations, gradients and masks live at the peak step
    peak_step: int
    peak_op: str
    trainable_bytes: int  # trainable parameters, in SRAM for the whole program
    intervals: dict[SSAValue, tuple[int, int, int]]  # value -> (first step, last step, bytes)

    @property
    def total_bytes(self) -> int:
        return self.peak_bytes + self.trainable_bytes


def analyze(module: ModuleOp, function: func.FuncOp) -> Liveness:
    ops = list(function.body.block.ops)
    intervals: dict[SSAValue, list[int]] = {}
    sizes: dict[SSAValue, int] = {}
    for arg in function.body.block.args:
        intervals[arg] = [0, 0]
        sizes[arg] = tensor_bytes(arg.type)
    for step, op in enumerate(ops):
        for operand in op.operands:
            if operand in intervals:
                intervals[operand][1] = step
        if isinstance(op, qtrain.GetParamOp):
            continue  # reads parameter storage in place
        for result in op.results:
            intervals[result] = [step, step]
            sizes[result] = tensor_bytes(result.type)
    live = [0] * len(ops)
    for value, (first, last) in intervals.items():
        for step in range(first, last + 1):
            live[step] += sizes[value]
    peak_step = max(range(len(ops)), key=live.__getitem__) if ops else 0
    trainable = sum(
        p.to_numpy().nbytes for p in module.ops if isinstance(p, qtrain.ParamOp) and p.trainable is not None
    )
    return Liveness(
        peak_bytes=live[peak_step] if ops else 0,
        peak_step=peak_step,
        peak_op=ops[peak_step].name if ops else "",
        trainable_bytes=trainable,
        intervals={v: (a, b, sizes[v]) for v, (a, b) in intervals.items()},
    )
