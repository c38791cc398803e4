"""`qtrain-autodiff`: compile-time reverse-mode differentiation of a training function.

Input invariant: `@train_step` (option `function`) returns the result of one
`qtrain.softmax_cross_entropy` and contains only forward `qtrain` ops (as after
`qtrain-append-loss`).

Output: every `qtrain.conv2d` and `qtrain.add` gets its clamp mask; after the loss,
the backward pass in `qtrain` gradient ops (FACTS.md section 3) ends in one
`qtrain.param_grad @p, %grad` per parameter that reaches the loss. Gradients of
int8 tensors are in the integer domain, those of the fp32 head real-valued. No
gradient is computed for the function's inputs. The graph is complete (every
weight, bias and input gradient); `qtrain-sparse-update` prunes it.

Rules (dy is the gradient of the op's result):
* softmax_cross_entropy -> softmax_cross_entropy_grad (the loss seed is 1)
* linear   -> linear_grad_input, linear_grad_weight, sum_batch (bias)
* flatten  -> reshape;  dequantize -> dequantize_grad (times the input scale)
* global_avgpool -> global_avgpool_grad
* add      -> clamp_grad(mask), add_grad (factors f32(s_a/s_y), f32(s_b/s_y))
* conv2d   -> clamp_grad(mask), requant_grad (eff), conv2d_grad_input,
              conv2d_grad_weight (groups 1 or depthwise), conv2d_grad_bias
* values used several times accumulate their gradients (`qtrain.accumulate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.analysis.symbols import find_function


def add_masks(function: func.FuncOp) -> None:
    """Replaces each conv2d / add without a clamp mask by one that produces it."""
    for op in list(function.body.block.ops):
        if isinstance(op, qtrain.Conv2dOp) and op.mask is None:
            masked = qtrain.Conv2dOp(
                op.input, op.weight, op.bias, op.output.type, stride=op.stride_hw, pad=op.pad_tlbr,
                groups=op.groups_value, w_scales=op.w_scales_values, with_mask=True,
            )  # fmt: skip
        elif isinstance(op, qtrain.AddOp) and op.mask is None:
            masked = qtrain.AddOp(op.lhs, op.rhs, op.output.type, with_mask=True)
        else:
            continue
        Rewriter.insert_op(masked, InsertPoint.before(op))
        op.output.replace_all_uses_with(masked.output)
        Rewriter.erase_op(op)


@dataclass
class _Backward:
    point: InsertPoint
    grads: dict[SSAValue, SSAValue] = field(default_factory=dict)
    param_grads: dict[str, SSAValue] = field(default_factory=dict)

    def emit(self, op: Operation) -> Operation:
        Rewriter.insert_op(op, self.point)
        return op

    def add(self, value: SSAValue, grad: SSAValue) -> None:
        if isinstance(value, BlockArgument):
            return  # no gradients for the function's inputs
        owner = value.owner
        if isinstance(owner, qtrain.GetParamOp):
            name = owner.param.string_value()
            previous = self.param_grads.get(name)
            self.param_grads[name] = grad if previous is None else self.emit(qtrain.AccumulateOp(previous, grad)).output
            return
        previous = self.grads.get(value)
        self.grads[value] = grad if previous is None else self.emit(qtrain.AccumulateOp(previous, grad)).output

    def needs(self, value: SSAValue) -> bool:
        return not isinstance(value, BlockArgument)

    def visit(self, op: Operation) -> None:
        match op:
            case qtrain.SoftmaxCrossEntropyOp():
                self.add(op.logits, self.emit(qtrain.SoftmaxCrossEntropyGradOp(op.logits, op.label)).grad)
            case qtrain.LinearOp():
                dy = self.grads.get(op.output)
                if dy is None:
                    return
                if self.needs(op.input):
                    self.add(op.input, self.emit(qtrain.LinearGradInputOp(dy, op.weight)).grad_input)
                self.add(op.weight, self.emit(qtrain.LinearGradWeightOp(dy, op.input)).grad_weight)
                self.add(op.bias, self.emit(qtrain.SumBatchOp(dy)).output)
            case qtrain.FlattenOp():
                if (dy := self.grads.get(op.output)) is not None:
                    shape = op.input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
                    self.add(op.input, self.emit(qtrain.ReshapeOp(dy, shape)).output)
            case qtrain.DequantizeOp():
                if (dy := self.grads.get(op.output)) is not None:
                    scale = qtrain.quant_params(op.input.type).scale_value
                    self.add(op.input, self.emit(qtrain.DequantizeGradOp(dy, scale)).grad_input)
            case qtrain.GlobalAvgPoolOp():
                if (dy := self.grads.get(op.output)) is not None:
                    shape = op.input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
                    self.add(op.input, self.emit(qtrain.GlobalAvgPoolGradOp(dy, shape)).grad_input)
            case qtrain.AddOp():
                if (dy := self.grads.get(op.output)) is None:
                    return
                assert op.mask is not None
                masked = self.emit(qtrain.ClampGradOp(dy, op.mask)).grad_input
                a, b, y = (qtrain.quant_params(v.type) for v in (op.lhs, op.rhs, op.output))
                factor_a, factor_b = qtrain.add_multipliers(a, b, y)
                grads = self.emit(qtrain.AddGradOp(masked, float(factor_a), float(factor_b)))
                self.add(op.lhs, grads.grad_lhs)
                self.add(op.rhs, grads.grad_rhs)
            case qtrain.Conv2dOp():
                self.visit_conv(op)
            case qtrain.GetParamOp() | func.ReturnOp():
                pass
            case _:
                raise PassFailedException(f"qtrain-autodiff: no gradient rule for {op.name}")

    def visit_conv(self, op: qtrain.Conv2dOp) -> None:
        dy = self.grads.get(op.output)
        if dy is None:
            return
        assert op.mask is not None
        masked = self.emit(qtrain.ClampGradOp(dy, op.mask)).grad_input
        g = self.emit(qtrain.RequantGradOp(masked, [float(m) for m in op.requant_multipliers()])).grad_input
        geometry = dict(stride=op.stride_hw, pad=op.pad_tlbr, groups=op.groups_value)
        if self.needs(op.input):
            shape = op.input.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
            self.add(op.input, self.emit(qtrain.Conv2dGradInputOp(g, op.weight, shape, **geometry)).grad_input)
        weight_shape = op.weight.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
        if op.groups_value == 1 or op.is_depthwise:
            self.add(op.weight, self.emit(qtrain.Conv2dGradWeightOp(op.input, g, weight_shape, **geometry)).grad_weight)
        self.add(op.bias, self.emit(qtrain.Conv2dGradBiasOp(g)).grad_bias)


@dataclass(frozen=True)
class QtrainAutodiffPass(ModulePass):
    name = "qtrain-autodiff"

    function: str = "train_step"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        function = find_function(op, self.function, self.name)
        block = function.body.block
        ret = block.last_op
        if not isinstance(ret, func.ReturnOp) or len(ret.operands) != 1:
            raise PassFailedException(f"{self.name}: @{self.function} must return only the loss")
        loss_op = ret.operands[0].owner
        if not isinstance(loss_op, qtrain.SoftmaxCrossEntropyOp):
            raise PassFailedException(
                f"{self.name}: @{self.function} must return a qtrain.softmax_cross_entropy (run qtrain-append-loss)"
            )
        if any(isinstance(o, (qtrain.ParamGradOp, qtrain.SoftmaxCrossEntropyGradOp)) for o in block.ops):
            raise PassFailedException(f"{self.name}: @{self.function} is already differentiated")
        add_masks(function)
        backward = _Backward(InsertPoint.before(ret))
        for forward_op in reversed([o for o in block.ops if o is not ret]):
            backward.visit(forward_op)
        for name, grad in backward.param_grads.items():
            backward.emit(qtrain.ParamGradOp(name, grad))
        if not isinstance(ret.operands[0].type, TensorType):
            raise PassFailedException(f"{self.name}: the loss must be a tensor")
