"""The curated registry of tiny-training dialects, passes and targets.

`tt-opt` and the `xdsl.universe` entry point both read this, so the two tools
always agree on what exists.
"""

from collections.abc import Callable

from xdsl.ir import Dialect
from xdsl.passes import ModulePass


def get_dialects() -> dict[str, Callable[[], Dialect]]:
    def get_qtrain() -> Dialect:
        from tiny_training.dialects.qtrain import QTrain

        return QTrain

    def get_mem() -> Dialect:
        from tiny_training.dialects.mem import Mem

        return Mem

    def get_torch() -> Dialect:
        from tiny_training.dialects.torch import Torch

        return Torch

    return {"qtrain": get_qtrain, "mem": get_mem, "torch": get_torch}


def get_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    def get_convert_torch_to_qtrain() -> type[ModulePass]:
        from tiny_training.passes.convert_torch_to_qtrain import ConvertTorchToQtrainPass

        return ConvertTorchToQtrainPass

    def get_new_head() -> type[ModulePass]:
        from tiny_training.passes.qtrain_new_head import QtrainNewHeadPass

        return QtrainNewHeadPass

    def get_append_loss() -> type[ModulePass]:
        from tiny_training.passes.qtrain_append_loss import QtrainAppendLossPass

        return QtrainAppendLossPass

    def get_autodiff() -> type[ModulePass]:
        from tiny_training.passes.qtrain_autodiff import QtrainAutodiffPass

        return QtrainAutodiffPass

    def get_sparse_update() -> type[ModulePass]:
        from tiny_training.passes.qtrain_sparse_update import QtrainSparseUpdatePass

        return QtrainSparseUpdatePass

    def get_qas() -> type[ModulePass]:
        from tiny_training.passes.qtrain_qas import QtrainQasPass

        return QtrainQasPass

    def get_sgd() -> type[ModulePass]:
        from tiny_training.passes.qtrain_sgd import QtrainSgdPass

        return QtrainSgdPass

    def get_training() -> type[ModulePass]:
        from tiny_training.passes.qtrain_training import QtrainTrainingPass

        return QtrainTrainingPass

    def get_reorder_updates() -> type[ModulePass]:
        from tiny_training.passes.qtrain_reorder_updates import QtrainReorderUpdatesPass

        return QtrainReorderUpdatesPass

    return {
        "convert-torch-to-qtrain": get_convert_torch_to_qtrain,
        "qtrain-reorder-updates": get_reorder_updates,
        "qtrain-sparse-update": get_sparse_update,
        "qtrain-qas": get_qas,
        "qtrain-sgd": get_sgd,
        "qtrain-training": get_training,
        "qtrain-new-head": get_new_head,
        "qtrain-append-loss": get_append_loss,
        "qtrain-autodiff": get_autodiff,
    }


def get_targets() -> dict[str, Callable[[], type]]:
    """Output targets of `tt-opt -t NAME` beyond `mlir` (the C target joins here)."""
    return {}


def load_all_dialects(ctx) -> None:
    """Loads our dialects and the upstream ones our IR uses into an xDSL Context."""
    from xdsl.dialects import get_all_dialects

    upstream = get_all_dialects()
    for name in UPSTREAM_DIALECTS:
        ctx.register_dialect(name, upstream[name])
    for name, factory in get_dialects().items():
        ctx.register_dialect(name, factory)


# Upstream dialects that tiny-training IR uses alongside its own.
UPSTREAM_DIALECTS = ("builtin", "func", "arith", "tensor")
