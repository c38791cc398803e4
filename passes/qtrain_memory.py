"""`qtrain-memory{algorithm=optimal budget=... report="" picture="" time-limit=10}`: the memory
pipeline in one pass.

Input invariant: `@train_step` on tensors (after `qtrain-training`) and, optionally,
the inference function `@main`.

Output: both functions on buffers of one shared, planned `mem.arena @arena`.
Runs, in order: `qtrain-reorder-updates`, `qtrain-fuse-updates`,
`qtrain-fuse-conv-dw`, `convert-qtrain-to-mem` and `mem-plan` for `@train_step` (with the budget, report and picture), then the same lowering
and planning for `@main` when it exists (same arena: inference and training never
run at once); then `mem-place-params` (where each parameter lives, recorded on its
`qtrain.param`) and `mem-check-overlaps` (every kernel may write where the plan put
its results).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tiny_training.passes.convert_qtrain_to_mem import ConvertQtrainToMemPass
from tiny_training.passes.mem_check_overlaps import MemCheckOverlapsPass
from tiny_training.passes.mem_place_params import MemPlaceParamsPass
from tiny_training.passes.mem_plan import MemPlanPass
from tiny_training.passes.qtrain_fuse_conv_dw import QtrainFuseConvDwPass
from tiny_training.passes.qtrain_fuse_updates import QtrainFuseUpdatesPass
from tiny_training.passes.qtrain_reorder_updates import QtrainReorderUpdatesPass


@dataclass(frozen=True)
class QtrainMemoryPass(ModulePass):
    name = "qtrain-memory"

    algorithm: str = "optimal"
    budget: int | None = None
    time_limit: float = 10.0
    report: str = ""
    picture: str = ""
    alignment: int = 4

    def passes(self, module: ModuleOp) -> list[ModulePass]:
        pipeline: list[ModulePass] = [
            QtrainReorderUpdatesPass(),
            QtrainFuseUpdatesPass(),
            QtrainFuseConvDwPass(),
            ConvertQtrainToMemPass(function="train_step", alignment=self.alignment),
            MemPlanPass(
                algorithm=self.algorithm, function="train_step", budget=self.budget,
                time_limit=self.time_limit, report=self.report, picture=self.picture,
            ),
        ]  # fmt: skip
        if any(isinstance(op, func.FuncOp) and op.sym_name.data == "main" for op in module.ops):
            pipeline += [
                ConvertQtrainToMemPass(function="main", alignment=self.alignment),
                MemPlanPass(algorithm=self.algorithm, function="main", time_limit=self.time_limit),
            ]
        return [*pipeline, MemPlaceParamsPass(), MemCheckOverlapsPass()]

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for memory_pass in self.passes(op):
            memory_pass.apply(ctx, op)
            op.verify()
