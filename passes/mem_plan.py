"""`mem-plan{algorithm=greedy-by-size budget=... report="-" picture="plan.svg"}`: the static arena.

Input invariant: `@function` (default `train_step`) holds `mem.alloc` buffers with
lifetimes, as after `convert-qtrain-to-mem`.

Output: one `mem.arena @arena` (SRAM, aligned to the largest buffer alignment)
before the function, and every `mem.alloc` replaced by a `mem.view @arena[offset]`
that keeps the lifetime and role. If the module already has `@arena` (another
function was planned before, e.g. the inference function `@main`), the functions
share it, since they never run at the same time: it grows to the larger size. Invariants, checked before the IR is changed:
offsets are multiples of the buffer's alignment, every buffer lies inside the
arena, and no two buffers that are live at a common step share a byte.

Options:
* `algorithm`: `greedy-by-size`, `greedy-by-conflicts` or `optimal` (OR-Tools
  CP-SAT within `time-limit` seconds, never worse than the greedy plans; reports
  its gap to the best bound it proved).
* `budget`: bytes of SRAM for the arena plus the trainable parameters (kept in
  SRAM outside the arena). A plan over budget fails with the breakdown (saved
  activations, gradients, masks, trainable weights, scratch...) at the step of the
  peak.
* `report`: write the memory report (a text table) to this file, `-` for stderr.
* `picture`: write a picture of the plan to this file, PNG if it ends in `.png`,
  else SVG (buffers as rectangles coloured by role, arena offset against schedule
  step, the peak step and the lower bound marked).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, UnregisteredOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tiny_training.analysis.planning import ALGORITHMS, Buffer, check_plan, plan
from tiny_training.analysis.schedule import is_step, trainable_sram_bytes
from tiny_training.analysis.symbols import find_function
from tiny_training.dialects import mem
from tiny_training.reports.memory_report import MemoryReport, render_png, render_svg, render_table

ARENA_NAME = "arena"


def op_label(op: Operation) -> str:
    return op.op_name.data if isinstance(op, UnregisteredOp) else op.name


def collect_buffers(function: func.FuncOp) -> tuple[list[mem.AllocOp], list[Buffer]]:
    allocs = [op for op in function.body.block.ops if isinstance(op, mem.AllocOp)]
    buffers = []
    for index, alloc in enumerate(allocs):
        first, last = alloc.lifetime_steps
        kind = alloc.buffer_type
        buffers.append(Buffer(f"%{index}", kind.size_bytes, kind.alignment_bytes, first, last))
    return allocs, buffers


def build_report(module: ModuleOp, function: func.FuncOp, algorithm: str, time_limit: float) -> MemoryReport:
    allocs, buffers = collect_buffers(function)
    result = plan(buffers, algorithm, time_limit)
    check = check_plan(buffers, result.offsets, result.arena)
    if not check.ok:
        raise PassFailedException(f"mem-plan: internal error, the {algorithm} plan is invalid: {check.problems[0]}")
    steps = [op_label(op) for op in function.body.block.ops if is_step(op)]
    roles = [alloc.role_name or "activation" for alloc in allocs]
    return MemoryReport(
        function=function.sym_name.data,
        buffers=buffers,
        roles=roles,
        plan=result,
        step_ops=steps,
        trainable_bytes=trainable_sram_bytes(module, function),
    )


@dataclass(frozen=True)
class MemPlanPass(ModulePass):
    name = "mem-plan"

    algorithm: str = "greedy-by-size"
    function: str = "train_step"
    budget: int | None = None
    time_limit: float = 10.0
    report: str = ""
    picture: str = ""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.algorithm not in ALGORITHMS:
            raise PassFailedException(
                f"{self.name}: unknown algorithm {self.algorithm!r} (expected one of {', '.join(ALGORITHMS)})"
            )
        function = find_function(op, self.function, self.name)
        allocs, _ = collect_buffers(function)
        if not allocs:
            raise PassFailedException(f"{self.name}: @{self.function} has no mem.alloc (run convert-qtrain-to-mem first)")
        memory = build_report(op, function, self.algorithm, self.time_limit)
        if self.report:
            text = render_table(memory)
            if self.report == "-":
                print(text, file=sys.stderr)
            else:
                Path(self.report).write_text(text + "\n")
        if self.picture.endswith(".png"):
            render_png(memory, self.picture)
        elif self.picture:
            Path(self.picture).write_text(render_svg(memory))
        if self.budget is not None and memory.total_sram > self.budget:
            raise PassFailedException(f"{self.name}: {memory.over_budget_message(self.budget)}")

        alignment = max(b.alignment for b in memory.buffers)
        size = max(memory.plan.arena, alignment)
        existing = next((o for o in op.ops if isinstance(o, mem.ArenaOp) and o.sym_name.data == ARENA_NAME), None)
        if existing is None:
            Rewriter.insert_op(mem.ArenaOp(ARENA_NAME, size, alignment), InsertPoint.before(function))
        else:  # functions planned one after the other share the arena: they never run at once
            grown = mem.ArenaOp(
                ARENA_NAME, max(size, existing.size_bytes), max(alignment, existing.alignment_bytes)
            )
            Rewriter.replace_op(existing, grown)
        for alloc, offset in zip(allocs, memory.plan.offsets):
            view = mem.ViewOp(ARENA_NAME, offset, alloc.buffer_type, alloc.lifetime_steps, alloc.role_name)
            Rewriter.replace_op(alloc, view)
