"""Frontend benchmark: import time through torch-mlir, IR size, and int8 inference on the
reference interpreter, for the three shared pretrained models.

    .venv/bin/python bench/frontend.py

Prints a table; times are wall-clock on this machine (2 cores), one run each.
"""

from __future__ import annotations

import io
import time

import numpy as np
from xdsl.printer import Printer

from tiny_training.dialects import qtrain
from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.paths import shared_dir

PHOTOS = ("orange", "butterfly", "apple", "baboon", "squirrel_cls")


def main() -> None:
    shared = shared_dir()
    classes = (shared / "data" / "photos" / "imagenet_classes.txt").read_text().splitlines()
    images = [load_image(shared / "data" / "photos" / f"{p}.jpg") for p in PHOTOS]
    header = (
        f"{'model':<16}{'convs':>6}{'int8 weights':>14}{'param bytes':>13}{'import s':>10}"
        f"{'IR MB':>8}{'infer s':>9}  top-1 on the five photos"
    )
    print(header)
    print("-" * len(header))
    for name in SHARED_MODELS:
        started = time.perf_counter()
        module = import_pretrained(name)
        import_seconds = time.perf_counter() - started
        params = [op for op in module.ops if isinstance(op, qtrain.ParamOp)]
        weights = sum(p.to_numpy().size for p in params if p.to_numpy().dtype == np.int8)
        param_bytes = sum(p.to_numpy().nbytes for p in params)
        convs = sum(1 for op in module.walk() if isinstance(op, qtrain.Conv2dOp))
        text = io.StringIO()
        Printer(text).print_op(module)
        interpreter = ReferenceInterpreter(module)
        labels = []
        started = time.perf_counter()
        for image in images:
            (logits,) = interpreter.call("main", image)
            labels.append(classes[int(np.argmax(logits.reshape(-1)))].split(",")[0])
        infer_seconds = (time.perf_counter() - started) / len(images)
        print(
            f"{name:<16}{convs:>6}{weights:>14,}{param_bytes:>13,}{import_seconds:>10.1f}"
            f"{len(text.getvalue()) / 1e6:>8.2f}{infer_seconds:>9.3f}  {', '.join(labels)}"
        )


if __name__ == "__main__":
    main()
