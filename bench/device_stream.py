"""On-device training on a stream of images: the Cortex-M7 program under QEMU against the
same C built for the host, sample by sample, bit for bit.

For each model (49kb scheme, QAS, 10 classes) the dataset program trains on N Fashion-MNIST
images (batch 1, inference then a training step per image) on the board (QEMU mps2-an500)
and on the host; the table shows whether predictions, loss bits and every trained
parameter agree, the instructions per sample and the wall time.

    .venv/bin/python bench/device_stream.py [--count 50] [--models mcunet-5fps ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from xdsl.context import Context

from tiny_training.backends.armv7em.harness import train_on_board
from tiny_training.backends.armv7em.project import build_project, write_project
from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.frontends.datasets import load_dataset
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS))
    args = parser.parse_args()
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
            build_project(project, "cortex-m7")
            host = train_on_board(project, data.inputs, data.labels, target="host")
            started = time.perf_counter()
            board = train_on_board(project, data.inputs, data.labels, timeout=3600)
            seconds = time.perf_counter() - started
        same_predictions = np.array_equal(host.predictions, board.predictions)
        same_losses = np.array_equal(np.asarray(host.losses).view(np.uint32), np.asarray(board.losses).view(np.uint32))
        same_params = host.params.keys() == board.params.keys() and all(
            np.array_equal(host.params[name], board.params[name]) for name in host.params
        )
        print(
            f"{model:<15}{args.count:>8}{'same' if same_predictions else 'DIFFER':>13}"
            f"{'same' if same_losses else 'DIFFER':>8}{'same' if same_params else 'DIFFER':>8}"
            f"{(board.instructions or 0) / args.count / 1e6:>16.1f}{seconds:>8.0f}"
        )


if __name__ == "__main__":
    main()
