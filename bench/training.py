"""Training-graph benchmark: for each shared model and its sparse-update presets, the
trainable state, the size of the pruned training graph, the time to build it, and one
training step on the reference interpreter. "live peak" is the largest number of bytes
of activations, gradients and masks alive at one step in the pass order (no operator
reordering or in-place reuse yet: the lower bound the memory planner starts from);
"reordered" is the same after `qtrain-reorder-updates`; "+trainable" adds to it the
trainable parameters kept in SRAM (only the trained channels, as the generated C stores
them). `bench/memory.py` has the planned arenas.

    .venv/bin/python bench/training.py

Times are wall-clock on this machine (2 cores), one run each.
"""

from __future__ import annotations

import time

import numpy as np
from xdsl.context import Context

from tiny_training.dialects import qtrain
from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_reorder_updates import QtrainReorderUpdatesPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.liveness import analyze
from tiny_training.reports.training_report import BACKWARD_OPS
from tiny_training.analysis.schemes import PRESETS
from tiny_training.analysis.symbols import find_function
from tiny_training.paths import shared_dir


def main() -> None:
    image = load_image(shared_dir() / "data" / "photos" / "butterfly.jpg")
    header = (
        f"{'model':<16}{'scheme':<22}{'trained tensors':>16}{'trainable bytes':>16}{'saved slices':>13}"
        f"{'bwd ops':>8}{'live peak B':>12}{'reordered B':>12}{'+trainable B':>13}{'build s':>8}{'step s':>7}"
    )
    print(header)
    print("-" * len(header))
    for model in SHARED_MODELS:
        base = import_pretrained(model)
        for scheme in [name for name in PRESETS if name.startswith(model)] + ["full"]:
            module = base.clone()
            started = time.perf_counter()
            QtrainTrainingPass(scheme=scheme, qas=True, classes=10).apply(Context(), module)
            build_seconds = time.perf_counter() - started
            train = find_function(module, "train_step", "bench")
            ops = list(train.body.block.ops)
            updates = [o for o in ops if isinstance(o, qtrain.SgdUpdateOp)]
            params = {p.sym_name.data: p for p in module.ops if isinstance(p, qtrain.ParamOp)}
            trainable = sum(
                int(np.prod(u.grad.type.get_shape())) * params[u.param.string_value()].to_numpy().dtype.itemsize
                for u in updates
            )
            interpreter = ReferenceInterpreter(module)
            started = time.perf_counter()
            interpreter.call("train_step", image, np.array([1], dtype=np.int32))
            step_seconds = time.perf_counter() - started
            live = analyze(module, train)
            QtrainReorderUpdatesPass().apply(Context(), module)
            reordered = analyze(module, find_function(module, "train_step", "bench"))
            print(
                f"{model:<16}{scheme:<22}{len(updates):>16}{trainable:>16,}"
                f"{sum(isinstance(o, qtrain.SliceChannelsOp) for o in ops):>13}"
                f"{sum(isinstance(o, BACKWARD_OPS) for o in ops):>8}{live.peak_bytes:>12,}{reordered.peak_bytes:>12,}"
                f"{reordered.peak_bytes + trainable:>13,}{build_seconds:>8.2f}{step_seconds:>7.2f}"
            )


if __name__ == "__main__":
    main()
