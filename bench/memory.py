"""Memory benchmark: the training step's SRAM for the three shared models and their
sparse-update presets, against the published figures (FACTS.md section 6).

For each model and scheme (QAS on, 10 classes):
  plain     lower bound of the lowered program in the pass order (no reordering)
  reorder   lower bound after `qtrain-reorder-updates`
  fused     lower bound after also `qtrain-fuse-updates` and `qtrain-fuse-conv-dw`
            (the whole `qtrain-memory` pipeline); the planners run on this one:
  size / conflicts / optimal   arena of greedy-by-size, greedy-by-conflicts and
            CP-SAT (time limit --time-limit s; "*" = proved optimal), ratio = optimal
            arena / lower bound
  trainable SRAM for the trained parameters (only the trained channels)
  total     optimal arena + trainable: the SRAM of the training state (stack and
            the runtime's few static bytes are measured by the backend benchmark)
  published the published peak memory of sparse update + reordering for that model
            (the scheme is not given for these; the 49kb MCUNet scheme's generated arena,
            trainable weights included, is 189,800 B)

    .venv/bin/python bench/memory.py [--time-limit 20] [--models mcunet-5fps ...] [--int8-head]

With --int8-head the new classifier is int8 (per-channel weights, int32 bias) like the
rest of the network, instead of fp32: its trainable weights take a quarter of the SRAM.
"""

from __future__ import annotations

import argparse
import time

from xdsl.context import Context

from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.analysis.schedule import trainable_sram_bytes
from tiny_training.passes.convert_qtrain_to_mem import assign_buffers
from tiny_training.analysis.planning import Buffer, greedy, lower_bound, optimal
from tiny_training.passes.qtrain_fuse_conv_dw import QtrainFuseConvDwPass
from tiny_training.passes.qtrain_fuse_updates import QtrainFuseUpdatesPass
from tiny_training.passes.qtrain_reorder_updates import QtrainReorderUpdatesPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.schemes import PRESETS
from tiny_training.analysis.symbols import find_function

PUBLISHED = {"mcunet-5fps": 173 * 1024, "mbv2-w0.35": 141 * 1024, "proxyless-w0.3": 135 * 1024}
PUBLISHED_ARENA = {"mcunet-5fps-49kb": 189_800}
ALIGNMENT = 4


def buffers_of(module) -> list[Buffer]:
    assignment = assign_buffers(find_function(module, "train_step", "bench"))
    return [Buffer(f"%{i}", b.size, ALIGNMENT, b.first, b.last) for i, b in enumerate(assignment.buffers)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS))
    parser.add_argument("--int8-head", action="store_true", help="train an int8 head instead of an fp32 one")
    args = parser.parse_args()
    header = (
        f"{'model':<15}{'scheme':<22}{'plain':>9}{'reorder':>9}{'fused':>9}{'size':>9}{'conflicts':>10}"
        f"{'optimal':>10}{'ratio':>7}{'trainable':>10}{'total':>9}{'published':>10}{'plan s':>7}"
    )
    print(header)
    print("-" * len(header))
    for model in args.models:
        base = import_pretrained(model)
        for scheme in [name for name in PRESETS if name.startswith(model)]:
            module = base.clone()
            QtrainTrainingPass(scheme=scheme, qas=True, classes=10, int8_head=args.int8_head).apply(Context(), module)
            plain, _ = lower_bound(buffers_of(module))
            QtrainReorderUpdatesPass().apply(Context(), module)
            reordered, _ = lower_bound(buffers_of(module))
            QtrainFuseUpdatesPass().apply(Context(), module)
            QtrainFuseConvDwPass().apply(Context(), module)
            buffers = buffers_of(module)
            bound, _ = lower_bound(buffers)
            by_size = greedy(buffers, "greedy-by-size")
            by_conflicts = greedy(buffers, "greedy-by-conflicts")
            started = time.perf_counter()
            best = optimal(buffers, args.time_limit)
            seconds = time.perf_counter() - started
            trainable = trainable_sram_bytes(module, find_function(module, "train_step", "bench"))
            total = best.arena + trainable
            published = PUBLISHED_ARENA.get(scheme, PUBLISHED[model])
            mark = "*" if best.optimal else " "
            print(
                f"{model:<15}{scheme.removeprefix(model + '-'):<22}{plain:>9,}{reordered:>9,}{bound:>9,}"
                f"{by_size.arena:>9,}{by_conflicts.arena:>10,}{best.arena:>9,}{mark}{best.arena / bound:>7.3f}"
                f"{trainable:>10,}{total:>9,}{published:>10,}{seconds:>7.1f}"
            )


if __name__ == "__main__":
    main()
