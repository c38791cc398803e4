"""`qtrain-training{scheme=NAME qas=true classes=10 seed=0 int8-head=false lr=8e-4 lr-bias=4e-4}`: the
training-graph pipeline in one pass.

Input invariant: an imported model, `@main` returning its logits.

Output: `@main` (inference with the new head) and `@train_step(image, label) -> loss`
that updates the scheme's parameters in place. Runs, in order: `qtrain-new-head`
(when `classes` > 0), `qtrain-append-loss`, `qtrain-autodiff`,
`qtrain-sparse-update`, `qtrain-qas` (when `qas`), `qtrain-sgd`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from tiny_training.passes.qtrain_append_loss import QtrainAppendLossPass
from tiny_training.passes.qtrain_autodiff import QtrainAutodiffPass
from tiny_training.passes.qtrain_new_head import QtrainNewHeadPass
from tiny_training.passes.qtrain_qas import QtrainQasPass
from tiny_training.passes.qtrain_sgd import QtrainSgdPass
from tiny_training.passes.qtrain_sparse_update import QtrainSparseUpdatePass


@dataclass(frozen=True)
class QtrainTrainingPass(ModulePass):
    name = "qtrain-training"

    scheme: str = "full"
    k: int = 0
    qas: bool = True
    classes: int = 10
    seed: int = 0
    int8_head: bool = False
    lr: float = 8e-4
    lr_bias: float = 4e-4
    report: bool = False

    def passes(self) -> list[ModulePass]:
        pipeline: list[ModulePass] = []
        if self.classes > 0:
            pipeline.append(QtrainNewHeadPass(classes=self.classes, seed=self.seed, int8=self.int8_head))
        pipeline += [
            QtrainAppendLossPass(),
            QtrainAutodiffPass(),
            QtrainSparseUpdatePass(scheme=self.scheme, k=self.k, report=self.report),
        ]
        if self.qas:
            pipeline.append(QtrainQasPass())
        pipeline.append(QtrainSgdPass(lr=self.lr, lr_bias=self.lr_bias))
        return pipeline

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for training_pass in self.passes():
            training_pass.apply(ctx, op)
            op.verify()
