"""`qtrain-append-loss`: the training function, forward pass plus loss.

Input invariant: `@main` (option `function`) takes the model input and returns fp32
logits `N x K` (run `qtrain-new-head` first on a model with int8 logits).

Output: a new function `@train_step` (option `train_function`) with the same body,
an extra input `tensor<N x i32>` of class labels, and the mean softmax
cross-entropy (`tensor<f32>`) as its only result. `@main` is kept for inference.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType, f32, i32
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.analysis.symbols import find_function


@dataclass(frozen=True)
class QtrainAppendLossPass(ModulePass):
    name = "qtrain-append-loss"

    function: str = "main"
    train_function: str = "train_step"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        source = find_function(op, self.function, self.name)
        if any(isinstance(o, func.FuncOp) and o.sym_name.data == self.train_function for o in op.ops):
            raise PassFailedException(f"{self.name}: @{self.train_function} already exists")
        outputs = source.function_type.outputs.data
        if len(outputs) != 1:
            raise PassFailedException(f"{self.name}: @{self.function} must return exactly the logits")
        logits_type = outputs[0]
        if not (isinstance(logits_type, TensorType) and logits_type.element_type == f32 and logits_type.get_num_dims() == 2):
            raise PassFailedException(
                f"{self.name}: @{self.function} returns {logits_type}, expected fp32 logits N x K "
                "(run qtrain-new-head first for a model with int8 logits)"
            )
        train = source.clone()
        train.sym_name = train.sym_name.__class__(self.train_function)
        block = train.body.block
        label = block.insert_arg(TensorType(i32, logits_type.get_shape()[:1]), len(block.args))
        ret = block.last_op
        assert isinstance(ret, func.ReturnOp)
        loss = qtrain.SoftmaxCrossEntropyOp(ret.operands[0], label)
        Rewriter.insert_op(loss, InsertPoint.before(ret))
        ret.operands = [loss.loss]
        train.update_function_type()
        Rewriter.insert_op(train, InsertPoint.after(source))
