"""`qtrain-sgd{lr=8e-4 lr-bias=4e-4}`: in-place SGD updates, no momentum.

Input invariant: `@train_step` (option `function`) with `qtrain.param_grad` sinks whose
parameters are marked `trainable` (after `qtrain-sparse-update`).

Output: each sink becomes `qtrain.sgd_update` with `lr` for weights (int8 conv weights
and the fp32 head weight) and `lr-bias` for biases (int32 conv biases and the fp32
head bias), the published defaults. int8 weights are updated by
`W_q = sat8(W_q - rint(g * lr))`, int32 biases likewise saturated to int32; there is
no higher-precision weight copy, exactly as on the device (FACTS.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.analysis.symbols import find_function, params_by_name


@dataclass
class SgdFromSink(RewritePattern):
    """`qtrain.param_grad @p, %g` -> `qtrain.sgd_update @p, %g` with the weight or bias rate."""

    pass_name: str
    params: dict[str, qtrain.ParamOp]
    lr: float
    lr_bias: float

    @op_type_rewrite_pattern
    def match_and_rewrite(self, sink: qtrain.ParamGradOp, rewriter: PatternRewriter) -> None:
        name = sink.param.string_value()
        param = self.params[name]
        if param.trainable is None:
            raise PassFailedException(f"{self.pass_name}: @{name} has a gradient but is not marked trainable")
        is_bias = param.value_type.get_num_dims() == 1
        update = qtrain.SgdUpdateOp(name, sink.grad, self.lr_bias if is_bias else self.lr)
        rewriter.replace(sink, update)


@dataclass(frozen=True)
class QtrainSgdPass(ModulePass):
    name = "qtrain-sgd"

    lr: float = 8e-4
    lr_bias: float = field(default=4e-4)
    function: str = "train_step"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.lr < 0 or self.lr_bias < 0:
            raise PassFailedException(f"{self.name}: learning rates must be >= 0")
        function = find_function(op, self.function, self.name)
        pattern = SgdFromSink(self.name, params_by_name(op), self.lr, self.lr_bias)
        PatternRewriteWalker(pattern, apply_recursively=False).rewrite_region(function.body)
