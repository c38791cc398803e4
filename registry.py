"""The curated registry of tiny-training dialects, passes and targets.

`tt-opt` and the `xdsl.universe` entry point both read this, so the two tools
always agree on what exists. Entries are imported lazily, on first use.
"""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from xdsl.ir import Dialect
from xdsl.passes import ModulePass

DIALECTS = {
    "qtrain": ("dialects.qtrain", "QTrain"),
    "mem": ("dialects.mem", "Mem"),
    "torch": ("dialects.torch", "Torch"),
}

PASSES = {
    "convert-torch-to-qtrain": ("passes.convert_torch_to_qtrain", "ConvertTorchToQtrainPass"),
    "qtrain-new-head": ("passes.qtrain_new_head", "QtrainNewHeadPass"),
    "qtrain-append-loss": ("passes.qtrain_append_loss", "QtrainAppendLossPass"),
    "qtrain-autodiff": ("passes.qtrain_autodiff", "QtrainAutodiffPass"),
    "qtrain-sparse-update": ("passes.qtrain_sparse_update", "QtrainSparseUpdatePass"),
    "qtrain-qas": ("passes.qtrain_qas", "QtrainQasPass"),
    "qtrain-sgd": ("passes.qtrain_sgd", "QtrainSgdPass"),
    "qtrain-training": ("passes.qtrain_training", "QtrainTrainingPass"),
    "qtrain-reorder-updates": ("passes.qtrain_reorder_updates", "QtrainReorderUpdatesPass"),
    "qtrain-fuse-updates": ("passes.qtrain_fuse_updates", "QtrainFuseUpdatesPass"),
    "qtrain-fuse-conv-dw": ("passes.qtrain_fuse_conv_dw", "QtrainFuseConvDwPass"),
    "convert-qtrain-to-mem": ("passes.convert_qtrain_to_mem", "ConvertQtrainToMemPass"),
    "mem-plan": ("passes.mem_plan", "MemPlanPass"),
    "mem-place-params": ("passes.mem_place_params", "MemPlaceParamsPass"),
    "mem-check-overlaps": ("passes.mem_check_overlaps", "MemCheckOverlapsPass"),
    "qtrain-memory": ("passes.qtrain_memory", "QtrainMemoryPass"),
}

# Upstream dialects that tiny-training IR uses alongside its own.
UPSTREAM_DIALECTS = ("builtin", "func", "arith", "tensor")


def _lazy(module: str, attribute: str) -> Callable[[], Any]:
    def load() -> Any:
        return getattr(import_module(f"tiny_training.{module}"), attribute)

    return load


def get_dialects() -> dict[str, Callable[[], Dialect]]:
    return {name: _lazy(*where) for name, where in DIALECTS.items()}


def get_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    return {name: _lazy(*where) for name, where in PASSES.items()}


def get_targets() -> dict[str, Callable[[], type]]:
    """Output targets of `tt-opt -t NAME` beyond `mlir`."""
    return {"c": _lazy("backends.c.model_printer", "CTarget")}


def load_all_dialects(ctx) -> None:
    """Loads our dialects and the upstream ones our IR uses into an xDSL Context."""
    from xdsl.dialects import get_all_dialects

    upstream = get_all_dialects()
    for name in UPSTREAM_DIALECTS:
        ctx.register_dialect(name, upstream[name])
    for name, factory in get_dialects().items():
        ctx.register_dialect(name, factory)
