"""`qtrain-reorder-updates{report=false}`: apply each update as soon as its gradient exists.

Input invariant: `@train_step` (option `function`) with `qtrain.sgd_update` (or
`qtrain.param_grad`) ops, as after `qtrain-training`, where the updates come last.

Output: each update, together with the ops that only feed it (QAS scaling, the weight
or bias gradient), moves to the earliest point where its gradient is complete and no
later op still reads the parameter's old value (an in-place update must follow every
read of the weights, e.g. the same layer's input gradient). The gradient buffer then
dies at once instead of living until the end of the backward pass. Same updates, same
values (the order of reads and writes of every parameter is unchanged). With
`report=true`, the live-memory peak before and after is printed on stderr.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import Pure
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.analysis.liveness import analyze
from tiny_training.analysis.symbols import find_function

UPDATE_OPS = (qtrain.SgdUpdateOp, qtrain.ParamGradOp)


def update_order_violations(function: func.FuncOp) -> list[str]:
    """Reads of a parameter's value placed after that parameter's in-place update."""
    ops = list(function.body.block.ops)
    position = {op: i for i, op in enumerate(ops)}
    problems = []
    for op in ops:
        if not isinstance(op, UPDATE_OPS):
            continue
        name = op.param.string_value()
        for reader in ops:
            if isinstance(reader, qtrain.GetParamOp) and reader.param.string_value() == name:
                for use in reader.result.uses:
                    if position[use.operation] > position[op]:
                        problems.append(f"{use.operation.name} reads @{name} after its update")
    return problems


def exclusive_producers(update: Operation) -> list[Operation]:
    """The ops whose results feed only this update (transitively), in program order."""
    chain: list[Operation] = []
    frontier = [operand.owner for operand in update.operands]
    while frontier:
        op = frontier.pop()
        if not isinstance(op, Operation) or op in chain or not op.has_trait(Pure):
            continue
        users = {use.operation for result in op.results for use in result.uses}
        if users <= set(chain) | {update}:
            chain.append(op)
            frontier.extend(operand.owner for operand in op.operands)
    block = update.parent_block()
    assert block is not None
    order = {op: i for i, op in enumerate(block.ops)}
    return sorted(chain, key=order.__getitem__)


@dataclass(frozen=True)
class QtrainReorderUpdatesPass(ModulePass):
    name = "qtrain-reorder-updates"

    function: str = "train_step"
    report: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        function = find_function(op, self.function, self.name)
        block = function.body.block
        before = analyze(op, function)
        for update in [o for o in block.ops if isinstance(o, UPDATE_OPS)]:
            chain = exclusive_producers(update) + [update]
            moving = set(chain)
            ops = list(block.ops)
            position = {o: i for i, o in enumerate(ops)}
            earliest = -1
            for member in chain:
                for operand in member.operands:
                    owner = operand.owner
                    if isinstance(owner, Operation) and owner not in moving:
                        earliest = max(earliest, position[owner])
            name = update.param.string_value()
            for reader in ops:
                if isinstance(reader, qtrain.GetParamOp) and reader.param.string_value() == name:
                    for use in reader.result.uses:
                        if use.operation not in moving:
                            earliest = max(earliest, position[use.operation])
            anchor = ops[earliest] if earliest >= 0 else None
            for member in chain:
                member.detach()
            point = InsertPoint.after(anchor) if anchor is not None else InsertPoint.at_start(block)
            for member in chain:
                Rewriter.insert_op(member, point)
                point = InsertPoint.after(member)
        problems = update_order_violations(function)
        if problems:
            raise PassFailedException(f"{self.name}: internal error: {problems[0]}")
        if self.report:
            after = analyze(op, function)
            print(
                f"{self.name}: live peak {before.peak_bytes:,} B (at {before.peak_op}) -> "
                f"{after.peak_bytes:,} B (at {after.peak_op}); trainable state {after.trainable_bytes:,} B",
                file=sys.stderr,
            )
