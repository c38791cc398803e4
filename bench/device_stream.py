"""On-device training on a stream of images: a Cortex-M program under QEMU against the
same C built for the host, sample by sample, bit for bit.

For each model (49kb scheme, QAS, 10 classes) the dataset program trains on N Fashion-MNIST
images (batch 1, inference then a training step per image) on the board of --target
(default cortex-m7: stm32f746 on QEMU mps2-an500; --board picks another) and on the host; the table shows whether predictions, loss bits and every trained
parameter agree, the instructions per sample and the wall time.

    .venv/bin/python bench/device_stream.py [--count 50] [--models mcunet-5fps ...] [--target cortex-m55]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from xdsl.context import Context

from tiny_training.backends.cortex_m.harness import train_on_board
from tiny_training.backends.cortex_m.project import build_project, write_project
from tiny_training.backends.targets import BOARDS, CROSS_TARGETS, TargetError, resolve
from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.frontends.datasets import load_dataset
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS))
    parser.add_argument("--target", default="cortex-m7", help=f"{', '.join(t.name for t in CROSS_TARGETS)} (default cortex-m7)")
    parser.add_argument("--board", help=f"{', '.join(BOARDS)} (default: the target's)")
    args = parser.parse_args()
    try:
        target, board = resolve(args.target, args.board)
        if board is None:
            raise TargetError("the benchmark runs on a Cortex-M target, not the host")
    except TargetError as error:
        parser.exit(1, f"device_stream.py: error: --target/--board: {error}\n")
    print(f"{target.name} on {board.name}, QEMU {board.qemu_machine}")
    data = load_dataset("fashion-mnist", "train", count=args.count, seed=3)
    header = f"{'model':<15}{'samples':>8}{'predictions':>13}{'losses':>8}{'params':>8}{'M insns/sample':>16}{'QEMU s':>8}"
    print(header)
    print("-" * len(header))
    for model in args.models:
        module = import_pretrained(model)
        QtrainTrainingPass(scheme=f"{model}-49kb", qas=True, classes=10).apply(Context(), module)
        QtrainMemoryPass(algorithm="optimal").apply(Context(), module)
        with tempfile.TemporaryDirectory(prefix="tt-stream-") as directory:
            project = Path(directory)
            write_project(module, project, sample_image=data.inputs[0], sample_label=int(data.labels[0]))
            build_project(project, "host")
            build_project(project, target, board=board)
            host = train_on_board(project, data.inputs, data.labels, target="host")
            started = time.perf_counter()
            run = train_on_board(project, data.inputs, data.labels, target=target, board=board, timeout=3600)
            seconds = time.perf_counter() - started
        same_predictions = np.array_equal(host.predictions, run.predictions)
        same_losses = np.array_equal(np.asarray(host.losses).view(np.uint32), np.asarray(run.losses).view(np.uint32))
        same_params = host.params.keys() == run.params.keys() and all(
            np.array_equal(host.params[name], run.params[name]) for name in host.params
        )
        print(
            f"{model:<15}{args.count:>8}{'same' if same_predictions else 'DIFFER':>13}"
            f"{'same' if same_losses else 'DIFFER':>8}{'same' if same_params else 'DIFFER':>8}"
            f"{(run.instructions or 0) / args.count / 1e6:>16.1f}{seconds:>8.0f}"
        )


if __name__ == "__main__":
    main()
