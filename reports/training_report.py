"""The training report: per layer, what trains, its bytes of trainable state, and the
number of forward and backward ops of the training function."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from tiny_training.dialects import qtrain
from tiny_training.analysis.symbols import find_function, params_by_name

BACKWARD_OPS = (
    qtrain.SoftmaxCrossEntropyGradOp, qtrain.LinearGradInputOp, qtrain.LinearGradWeightOp, qtrain.SumBatchOp,
    qtrain.ReshapeOp, qtrain.DequantizeGradOp, qtrain.GlobalAvgPoolGradOp, qtrain.ClampGradOp, qtrain.AddGradOp,
    qtrain.RequantGradOp, qtrain.Conv2dGradInputOp, qtrain.Conv2dGradWeightOp, qtrain.Conv2dGradBiasOp,
    qtrain.AccumulateOp, qtrain.ScaleChannelsOp,
)  # fmt: skip
UPDATE_OPS = (qtrain.ParamGradOp, qtrain.SgdUpdateOp)


def training_report(module: ModuleOp, function_name: str = "train_step", scheme: str = "") -> str:
    function = find_function(module, function_name, "report")
    params = params_by_name(module)
    grads: dict[str, tuple[int, ...]] = {}
    for op in function.body.block.ops:
        if isinstance(op, UPDATE_OPS):
            grads[op.param.string_value()] = op.grad.type.get_shape()  # pyright: ignore[reportAttributeAccessIssue]
    lines = [f"training report for @{function_name}" + (f", scheme {scheme}" if scheme else "")]
    header = f"{'layer':>5}  {'parameter':<34}{'shape':<18}{'trained':<18}{'bytes':>9}"
    lines += [header, "-" * len(header)]
    total = 0
    layer = 0
    for op in function.body.block.ops:
        if not isinstance(op, (qtrain.Conv2dOp, qtrain.LinearOp)):
            continue
        is_head = not isinstance(op, qtrain.Conv2dOp) or (
            isinstance(op.weight.owner, qtrain.GetParamOp) and op.weight.owner.param.string_value() == "head.weight"
        )
        label = "head" if is_head else str(layer)
        for value in (op.weight, op.bias):
            owner = value.owner
            if not isinstance(owner, qtrain.GetParamOp):
                continue
            name = owner.param.string_value()
            if name not in grads:
                continue
            param = params[name]
            shape = param.value_type.get_shape()
            grad_shape = grads[name]
            itemsize = param.to_numpy().dtype.itemsize
            trained_bytes = int(np.prod(grad_shape)) * itemsize
            total += trained_bytes
            part = "all" if tuple(grad_shape) == tuple(shape) else "x".join(map(str, grad_shape))
            lines.append(f"{label:>5}  {name:<34}{'x'.join(map(str, shape)):<18}{part:<18}{trained_bytes:>9,}")
        if not is_head:
            layer += 1
    ops = list(function.body.block.ops)
    backward = sum(isinstance(o, BACKWARD_OPS) for o in ops)
    updates = sum(isinstance(o, UPDATE_OPS) for o in ops)
    forward = sum(
        isinstance(o, (qtrain.Conv2dOp, qtrain.AddOp, qtrain.GlobalAvgPoolOp, qtrain.DequantizeOp, qtrain.FlattenOp,
                       qtrain.LinearOp, qtrain.SoftmaxCrossEntropyOp))
        for o in ops
    )  # fmt: skip
    lines.append("-" * len(header))
    lines.append(f"trainable state: {total:,} bytes in {len(grads)} tensors; "
                 f"ops: {forward} forward, {backward} backward, {updates} updates")  # fmt: skip
    return "\n".join(lines)
