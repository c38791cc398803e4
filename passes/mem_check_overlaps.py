"""`mem-check-overlaps`: every kernel may write its results where the plan put them.

Input invariant: planned functions (after `mem-plan`): compute ops read `mem.load`s of
`mem.view`s of the arena and each result is `mem.store`d right after its op.

Output: the module unchanged, or a pass failure naming the first function, op and
problem (`analysis/overlaps.py`): a result stored after another compute op, two
results on common bytes, or a result overlapping an operand where the kernel cannot run
in place. An overlap is legal only for the op's `InPlaceOperands` pairs at the same
start address, or a `ChannelStreamed` op's output at least one channel below its input.
`qtrain-memory` runs it last, so a plan that the C target would refuse fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from tiny_training.analysis.overlaps import plan_problems
from tiny_training.dialects import mem


@dataclass(frozen=True)
class MemCheckOverlapsPass(ModulePass):
    name = "mem-check-overlaps"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in (o for o in op.ops if isinstance(o, func.FuncOp)):
            if any(isinstance(o, mem.AllocOp) for o in function.body.block.ops):
                raise PassFailedException(
                    f"{self.name}: @{function.sym_name.data} has unplanned mem.alloc buffers (run mem-plan first)"
                )
            problems = plan_problems(function)
            if problems:
                raise PassFailedException(f"{self.name}: {problems[0]}")
