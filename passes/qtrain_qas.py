"""`qtrain-qas`: Quantization-Aware Scaling of the int8 gradients (FACTS.md section 4).

Input invariant: `@train_step` (option `function`) with `qtrain.param_grad` sinks (after
`qtrain-autodiff`, usually after `qtrain-sparse-update`).

Output: the gradient of every int8 conv weight is scaled per output channel by
`1 / s_w[c]^2`, that of every int32 conv bias by `1 / (s_w[c] * s_x)^2`
(`s_w[c] * s_x = eff[c] * s_y`), with a `qtrain.scale_channels` before its sink; the
fp32 head is unchanged. Leaving the pass out trains without QAS, for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.analysis.symbols import find_function


def qas_factors(conv: qtrain.Conv2dOp) -> tuple[np.ndarray, np.ndarray]:
    """(weight factors 1/s_w^2, bias factors 1/(s_w s_x)^2) per output channel, in f32."""
    w_scales = np.array(conv.w_scales_values, dtype=np.float64)
    x_scale = qtrain.quant_params(conv.input.type).scale_value
    return (1.0 / w_scales**2).astype(np.float32), (1.0 / (w_scales * x_scale) ** 2).astype(np.float32)


@dataclass
class ScaleSinkGradient(RewritePattern):
    """A conv parameter's sink reads its gradient through a `qtrain.scale_channels` by its QAS factors."""

    owners: dict[str, tuple[qtrain.Conv2dOp, str]]  # parameter -> (the conv that reads it, "weight" or "bias")

    @op_type_rewrite_pattern
    def match_and_rewrite(self, sink: qtrain.ParamGradOp, rewriter: PatternRewriter) -> None:
        name = sink.param.string_value()
        if name not in self.owners:
            return  # the fp32 head
        conv, role = self.owners[name]
        weight_factors, bias_factors = qas_factors(conv)
        factors = weight_factors if role == "weight" else bias_factors
        channels = sink.grad.type.get_shape()[0]  # pyright: ignore[reportAttributeAccessIssue]
        scaled = qtrain.ScaleChannelsOp(sink.grad, factors[:channels])
        rewriter.insert(scaled, InsertPoint.before(sink))
        rewriter.replace_uses_with_if(sink.grad, scaled.output, lambda use: use.operation is sink)


@dataclass(frozen=True)
class QtrainQasPass(ModulePass):
    name = "qtrain-qas"

    function: str = "train_step"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        function = find_function(op, self.function, self.name)
        block = function.body.block
        owners: dict[str, tuple[qtrain.Conv2dOp, str]] = {}
        for conv in (o for o in block.ops if isinstance(o, qtrain.Conv2dOp)):
            for role, value in (("weight", conv.weight), ("bias", conv.bias)):
                if isinstance(value.owner, qtrain.GetParamOp):
                    owners[value.owner.param.string_value()] = (conv, role)
        if any(isinstance(o, qtrain.ScaleChannelsOp) for o in block.ops):
            raise PassFailedException(f"{self.name}: gradients of @{self.function} are already scaled")
        # One application per sink: the rewritten sink reads a scaled gradient.
        PatternRewriteWalker(ScaleSinkGradient(owners), apply_recursively=False).rewrite_region(function.body)
