"""Small helpers that build verified `qtrain` modules from the Python op constructors.

Used by test_qtrain_reference.py. Only IR construction lives here; no expected
values are computed from the code under test.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType, i8, i32
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue

from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter


class FunctionBuilder:
    """Builds one `func.func` (plus the `qtrain.param`s it reads) in a fresh module."""

    def __init__(self, arg_types: Sequence[Attribute]):
        self.arg_types = list(arg_types)
        self.block = Block(arg_types=self.arg_types)
        self.params: list[qtrain.ParamOp] = []

    @property
    def args(self) -> tuple[SSAValue, ...]:
        return tuple(self.block.args)

    def param(self, name: str, data: np.ndarray, element_type: Attribute, *, trainable: bool = False) -> SSAValue:
        """Declares `qtrain.param @name` and reads it with `qtrain.get_param`."""
        param = qtrain.ParamOp(name, np.asarray(data), element_type, trainable=trainable)
        self.params.append(param)
        get = qtrain.GetParamOp(name, param.value_type)
        self.block.add_op(get)
        return get.result

    def add(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def finish(self, *results: SSAValue, name: str = "main") -> ModuleOp:
        self.block.add_op(func.ReturnOp(*results))
        function = func.FuncOp(name, (self.arg_types, [r.type for r in results]), Region(self.block))
        module = ModuleOp([*self.params, function])
        module.verify()
        return module


def run(module: ModuleOp, *inputs: np.ndarray, name: str = "main") -> tuple[np.ndarray, ...]:
    return ReferenceInterpreter(module).call(name, *inputs)


def conv_module(
    x_shape: Sequence[int],
    x_q: tuple[float, int],
    weight: np.ndarray,
    bias: np.ndarray,
    y_q: tuple[float, int],
    *,
    stride: Sequence[int],
    pad: Sequence[int],
    groups: int,
    w_scales: Sequence[float],
) -> ModuleOp:
    """`main(x) = qtrain.conv2d(x, @w, @b)`; the output shape follows the usual formula."""
    n, _, h, w = x_shape
    c_out, _, k_h, k_w = weight.shape
    top, left, bottom, right = pad
    out_h = (h + top + bottom - k_h) // stride[0] + 1
    out_w = (w + left + right - k_w) // stride[1] + 1
    builder = FunctionBuilder([qtrain.qtensor(x_shape, *x_q)])
    w_value = builder.param("w", weight.astype(np.int8), i8)
    b_value = builder.param("b", bias.astype(np.int32), i32)
    y = builder.add(
        qtrain.Conv2dOp(
            builder.args[0],
            w_value,
            b_value,
            qtrain.qtensor((n, c_out, out_h, out_w), *y_q),
            stride=stride,
            pad=pad,
            groups=groups,
            w_scales=w_scales,
        )
    )
    return builder.finish(y)


def add_module(shape: Sequence[int], a_q: tuple[float, int], b_q: tuple[float, int], y_q: tuple[float, int]) -> ModuleOp:
    builder = FunctionBuilder([qtrain.qtensor(shape, *a_q), qtrain.qtensor(shape, *b_q)])
    y = builder.add(qtrain.AddOp(builder.args[0], builder.args[1], qtrain.qtensor(shape, *y_q)))
    return builder.finish(y)


def avgpool_module(shape: Sequence[int], q: tuple[float, int]) -> ModuleOp:
    n, c, _, _ = shape
    builder = FunctionBuilder([qtrain.qtensor(shape, *q)])
    y = builder.add(qtrain.GlobalAvgPoolOp(builder.args[0], qtrain.qtensor((n, c, 1, 1), *q)))
    return builder.finish(y)


def dequantize_module(shape: Sequence[int], q: tuple[float, int]) -> ModuleOp:
    builder = FunctionBuilder([qtrain.qtensor(shape, *q)])
    y = builder.add(qtrain.DequantizeOp(builder.args[0]))
    return builder.finish(y)


def flatten_module(input_type: TensorType) -> ModuleOp:
    builder = FunctionBuilder([input_type])
    y = builder.add(qtrain.FlattenOp(builder.args[0]))
    return builder.finish(y)
