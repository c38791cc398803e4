"""The reference interpreter: numpy implementations of every tiny-training op.

    from tiny_training.interpreters import ReferenceInterpreter
    outputs = ReferenceInterpreter(module).call("main", image)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.interpreter import Interpreter
from xdsl.interpreters.func import FuncFunctions
from xdsl.ir import Attribute

from tiny_training.dialects.qtrain import element_numpy_dtype
from tiny_training.interpreters.mem import MemFunctions
from tiny_training.interpreters.qtrain import QTrainFunctions, QTrainGradFunctions


class InterpreterInputError(ValueError):
    """An input does not match the signature of the function being run."""


def numpy_dtype_of(value_type: Attribute) -> np.dtype:
    if not isinstance(value_type, TensorType):
        raise InterpreterInputError(f"only tensor arguments are supported, got {value_type}")
    return element_numpy_dtype(value_type.element_type)


class ReferenceInterpreter:
    """Runs functions of a tiny-training module; parameter state persists across calls."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.qtrain = QTrainFunctions()
        self.interpreter = Interpreter(module)
        self.interpreter.register_implementations(FuncFunctions())
        self.interpreter.register_implementations(self.qtrain)
        self.grad_functions = QTrainGradFunctions()
        self.interpreter.register_implementations(self.grad_functions)
        self.interpreter.register_implementations(MemFunctions())

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self.qtrain.params

    @property
    def saturations(self) -> dict[str, int]:
        """int8/int32 parameter values clamped by updates so far, per parameter (the C
        program's tt_saturation_count() is their sum)."""
        return self.qtrain.saturations

    @property
    def gradients(self) -> dict[str, np.ndarray]:
        """Parameter gradients recorded by `qtrain.param_grad` in the last calls."""
        return self.grad_functions.gradients

    def function(self, name: str) -> func.FuncOp:
        for op in self.module.ops:
            if isinstance(op, func.FuncOp) and op.sym_name.data == name:
                return op
        names = [op.sym_name.data for op in self.module.ops if isinstance(op, func.FuncOp)]
        raise InterpreterInputError(f"no function @{name} in the module (functions: {', '.join(names) or 'none'})")

    def call(self, name: str, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        function = self.function(name)
        arg_types = function.function_type.inputs.data
        if len(inputs) != len(arg_types):
            raise InterpreterInputError(f"@{name} takes {len(arg_types)} inputs, got {len(inputs)}")
        return tuple(self.interpreter.call_op(function, self.check_inputs(name, arg_types, inputs)))

    @staticmethod
    def check_inputs(name: str, arg_types: Sequence[Attribute], inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
        checked = []
        for index, (arg_type, value) in enumerate(zip(arg_types, inputs, strict=True)):
            dtype = numpy_dtype_of(arg_type)
            value = np.asarray(value)
            assert isinstance(arg_type, TensorType)
            if value.shape != arg_type.get_shape():
                raise InterpreterInputError(
                    f"@{name} input {index}: shape {value.shape} does not match {arg_type}"
                )
            if value.dtype != dtype:
                if not np.can_cast(value.dtype, dtype, casting="same_kind") or (
                    np.issubdtype(dtype, np.integer)
                    and (value.min(initial=0) < np.iinfo(dtype).min or value.max(initial=0) > np.iinfo(dtype).max)
                ):
                    raise InterpreterInputError(
                        f"@{name} input {index}: {value.dtype} values do not fit the element type of {arg_type}"
                    )
                value = value.astype(dtype)
            checked.append(value)
        return tuple(checked)
