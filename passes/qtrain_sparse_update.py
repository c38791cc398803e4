"""`qtrain-sparse-update{scheme=NAME k=K report=false}`: choose what trains, prune the rest.

Input invariant: `@train_step` (option `function`) after `qtrain-autodiff`: a complete
backward pass ending in `qtrain.param_grad` sinks.

Output: only the parameters of the scheme (`analysis/schemes.py`: FACTS.md section 5
presets, `full`, `bias-only`, `head-only`, `last-k`, or a `.json` file) keep their
`param_grad` and are marked `trainable`; partial-channel weights get a weight gradient
of their leading channels only (the first k input channels of a regular conv, the first
k channels of a depthwise one); then every op whose result is unused is removed, so
backward stops at the earliest trained layer and input gradients are not computed
where unused, and clamp masks nobody reads are dropped. The fp32 head always trains.
With `report=true`, a table of what trains is printed on stderr.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, UnitAttr
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.transforms.dead_code_elimination import region_dce
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.dialects.traits import ProducesClampMask
from tiny_training.analysis.schemes import SchemeError, resolve_scheme
from tiny_training.analysis.symbols import find_function, params_by_name


def param_of(value) -> str | None:
    owner = value.owner
    return owner.param.string_value() if isinstance(owner, qtrain.GetParamOp) else None


def is_head(conv: qtrain.Conv2dOp) -> bool:
    return param_of(conv.weight) == HEAD_WEIGHT


HEAD_WEIGHT = "head.weight"


class DropUnreadMask(RewritePattern):
    """An op that `ProducesClampMask` nobody reads becomes the same op without the mask."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not op.has_trait(ProducesClampMask) or op.mask is None or op.mask.uses:  # pyright: ignore
            return
        plain = op.without_mask()  # pyright: ignore[reportAttributeAccessIssue]
        rewriter.insert(plain, InsertPoint.before(op))
        rewriter.replace_all_uses_with(op.results[0], plain.results[0])
        rewriter.erase(op)


def remove_dead_ops(function: func.FuncOp) -> None:
    """Erases side-effect-free ops whose results nobody reads (xDSL's dead code
    elimination), then drops the clamp masks nobody reads."""
    region_dce(function.body)
    PatternRewriteWalker(DropUnreadMask(), apply_recursively=False).rewrite_region(function.body)


@dataclass(frozen=True)
class QtrainSparseUpdatePass(ModulePass):
    name = "qtrain-sparse-update"

    scheme: str = "full"
    k: int = 0
    function: str = "train_step"
    report: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        function = find_function(op, self.function, self.name)
        block = function.body.block
        # An int8 head (`qtrain-new-head{int8=true}`) always trains and is not a scheme layer.
        head_convs = [o for o in block.ops if isinstance(o, qtrain.Conv2dOp) and is_head(o)]
        convs = [o for o in block.ops if isinstance(o, qtrain.Conv2dOp) and not is_head(o)]
        try:
            scheme = resolve_scheme(self.scheme, len(convs), self.k)
        except SchemeError as error:
            raise PassFailedException(f"{self.name}: {error}") from None

        trained: dict[str, int | None] = {}  # param -> trained leading channels (None: all)
        for index, conv in enumerate(convs):
            weight, bias = param_of(conv.weight), param_of(conv.bias)
            if index >= len(convs) - scheme.n_bias_update and bias is not None:
                trained[bias] = None
            channels = conv.input.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
            count = scheme.trained_channels(index, channels)
            if count and weight is not None:
                if conv.groups_value != 1 and not conv.is_depthwise:
                    raise PassFailedException(f"{self.name}: layer {index} is a grouped conv; its weights cannot train")
                trained[weight] = count
        for head in (o for o in block.ops if isinstance(o, qtrain.LinearOp) or o in head_convs):
            for value in (head.weight, head.bias):  # pyright: ignore[reportAttributeAccessIssue]
                if (name := param_of(value)) is not None:
                    trained[name] = None

        for sink in [o for o in block.ops if isinstance(o, qtrain.ParamGradOp)]:
            name = sink.param.string_value()
            if name not in trained:
                Rewriter.erase_op(sink)
                continue
            channels = trained[name]
            producer = sink.grad.owner
            if channels is None:
                continue
            if isinstance(producer, qtrain.ScaleChannelsOp) and isinstance(producer.input.owner, qtrain.Conv2dGradWeightOp):
                # QAS ran first: slice the gradient under the scaling, and the factors with it.
                self.slice_scaled_weight_gradient(sink, producer, producer.input.owner, channels)
            elif isinstance(producer, qtrain.Conv2dGradWeightOp):
                self.slice_weight_gradient(sink, producer, channels)

        for name, param in params_by_name(op).items():
            if name in trained:
                param.properties["trainable"] = UnitAttr()
            else:
                param.properties.pop("trainable", None)
        remove_dead_ops(function)
        if self.report:
            from tiny_training.reports.training_report import training_report

            print(training_report(op, self.function, scheme.name), file=sys.stderr)

    @classmethod
    def slice_scaled_weight_gradient(
        cls, sink: qtrain.ParamGradOp, scale: qtrain.ScaleChannelsOp, full: qtrain.Conv2dGradWeightOp, channels: int
    ) -> None:
        cls.slice_weight_gradient(sink, full, channels, via=scale)

    @staticmethod
    def slice_weight_gradient(
        sink: qtrain.ParamGradOp, full: qtrain.Conv2dGradWeightOp, channels: int, via: qtrain.ScaleChannelsOp | None = None
    ) -> None:
        """The gradient of the first `channels` channels only, from a saved slice of the input."""
        shape = list(full.grad_weight.type.get_shape())  # pyright: ignore[reportAttributeAccessIssue]
        if full.is_depthwise:
            shape[0] = min(channels, shape[0])
        else:
            shape[1] = min(channels, shape[1])
        saved = full.input
        if channels < saved.type.get_shape()[1]:  # pyright: ignore[reportAttributeAccessIssue]
            # Keep only the channels the update reads, right where the activation is produced.
            slice_op = qtrain.SliceChannelsOp(saved, channels)
            producer = saved.owner
            point = InsertPoint.after(producer) if isinstance(producer, Operation) else InsertPoint.at_start(saved.block)  # pyright: ignore
            Rewriter.insert_op(slice_op, point)
            saved = slice_op.output
        sliced = qtrain.Conv2dGradWeightOp(
            saved, full.grad_output, shape, stride=full.stride_hw, pad=full.pad_tlbr, groups=full.groups_value
        )
        Rewriter.insert_op(sliced, InsertPoint.before(sink))
        gradient = sliced.grad_weight
        if via is not None:
            factors = list(via.factors.iter_values())[: shape[0]]
            rescaled = qtrain.ScaleChannelsOp(gradient, factors)
            Rewriter.insert_op(rescaled, InsertPoint.before(sink))
            gradient = rescaled.output
        sink.operands = [gradient]
        if via is not None and not via.output.uses:
            Rewriter.erase_op(via)
        if not full.grad_weight.uses:
            Rewriter.erase_op(full)


def conv_layers(function: func.FuncOp) -> list[Operation]:
    return [o for o in function.body.block.ops if isinstance(o, qtrain.Conv2dOp)]
