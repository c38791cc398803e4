"""`qtrain-fuse-conv-dw`: stream a regular conv into the depthwise conv that reads it.

Input invariant: qtrain functions on tensors (any function of the module).

Output: every `qtrain.conv2d` with `groups = 1` and no clamp mask whose result is
read only by a depthwise `qtrain.conv2d` without a clamp mask becomes, together
with it, one `qtrain.conv2d_dw`. This is the expansion + depthwise pair of an
inverted bottleneck (and a stem conv + depthwise), in the part of the network that
does not train: its intermediate tensor, the largest activation of these networks
(48x64x64 int8 = 192 KB in MobileNetV2-w0.35 at 128x128), is then computed one
channel at a time and never stored whole. Layers that train keep their masks and
saved activations and are left alone. Same values (the fused op's semantics are
the two convolutions).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern

from tiny_training.dialects import qtrain


def fusable(first: qtrain.Conv2dOp) -> qtrain.Conv2dOp | None:
    """The depthwise conv that `first` can be fused into, if any."""
    if first.groups_value != 1 or first.mask is not None:
        return None
    uses = list(first.output.uses)
    if len(uses) != 1:
        return None
    user = uses[0].operation
    if not isinstance(user, qtrain.Conv2dOp) or user.input is not first.output:
        return None
    if not user.is_depthwise or user.mask is not None:
        return None
    return user


class FuseConvDw(RewritePattern):
    """A regular conv and the depthwise conv that alone reads it -> one `qtrain.conv2d_dw`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, first: qtrain.Conv2dOp, rewriter: PatternRewriter) -> None:
        depthwise = fusable(first)
        if depthwise is None:
            return
        rewriter.replace(depthwise, qtrain.Conv2dDwOp(first, depthwise))
        rewriter.erase(first)


@dataclass(frozen=True)
class QtrainFuseConvDwPass(ModulePass):
    name = "qtrain-fuse-conv-dw"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(FuseConvDw(), apply_recursively=False).rewrite_module(op)
