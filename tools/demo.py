"""`make demo`: runs the furthest stage of the pipeline that works today.

Now: import the pretrained int8 MCUNet-5fps through torch-mlir, build its sparse-update
training program with QAS (`qtrain-training{scheme=mcunet-5fps-99kb}`) and train it on
Fashion-MNIST images on the reference interpreter (the semantics the C backend will
match bit-exactly), with accuracy before and after on held-out images. Memory planning
and the Cortex-M7 build under QEMU join as their issues land.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from xdsl.context import Context

from tiny_training.dialects import qtrain
from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.datasets import FASHION_MNIST_CLASSES, DatasetMissing, load_fashion_mnist, to_model_input
from tiny_training.frontends.mcu_pickle import ModelFileError
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.passes.report import training_report
from tiny_training.paths import SharedDirMissing

MODEL = "mcunet-5fps"
SCHEME = "mcunet-5fps-99kb"
TRAIN_IMAGES = 200
TEST_IMAGES = 100
RESOLUTION = 128


def accuracy(interpreter: ReferenceInterpreter, images, labels) -> float:
    correct = 0
    for image, label in zip(images, labels, strict=True):
        (logits,) = interpreter.call("main", image)
        correct += int(np.argmax(logits) == label)
    return correct / len(labels)


def progress(step: int, total: int, loss: float) -> None:
    """A progress bar on a terminal; a line every 50 steps in a log."""
    filled = int(30 * step / total)
    bar = f"  training [{'#' * filled}{'.' * (30 - filled)}] {step}/{total} loss {loss:.3f}"
    if sys.stdout.isatty():
        print("\r" + bar, end="" if step < total else "\n", flush=True)
    elif step % 50 == 0 or step == total:
        print(bar, flush=True)


def main() -> None:
    try:
        started = time.perf_counter()
        module = import_pretrained(MODEL)
        import_seconds = time.perf_counter() - started
        train_images, train_labels = load_fashion_mnist("train")
        test_images, test_labels = load_fashion_mnist("test")
    except (SharedDirMissing, ModelFileError, DatasetMissing) as error:
        raise SystemExit(f"demo: {error}") from None

    print("tiny-training demo: stage reached = import through torch-mlir, training graph (sparse update + QAS),")
    print("training on the reference interpreter (memory planning and the Cortex-M7 build come in later issues)")
    started = time.perf_counter()
    QtrainTrainingPass(scheme=SCHEME, qas=True, classes=len(FASHION_MNIST_CLASSES), seed=0).apply(Context(), module)
    build_seconds = time.perf_counter() - started
    print(f"  {MODEL}: imported in {import_seconds:.1f} s, training program built in {build_seconds:.1f} s")
    print("\n".join("  " + line for line in training_report(module, scheme=SCHEME).splitlines()[-1:]))

    rng = np.random.default_rng(0)
    train_index = rng.choice(len(train_labels), TRAIN_IMAGES, replace=False)
    test_index = rng.choice(len(test_labels), TEST_IMAGES, replace=False)
    train = [(to_model_input(train_images[i], RESOLUTION), int(train_labels[i])) for i in train_index]
    test_x = [to_model_input(test_images[i], RESOLUTION) for i in test_index]
    test_y = [int(test_labels[i]) for i in test_index]

    interpreter = ReferenceInterpreter(module)
    before = accuracy(interpreter, test_x, test_y)
    print(f"  Fashion-MNIST, {TEST_IMAGES} held-out images: accuracy before training {before:.0%}")
    losses = []
    started = time.perf_counter()
    for step, (image, label) in enumerate(train, start=1):
        (loss,) = interpreter.call("train_step", image, np.array([label], dtype=np.int32))
        losses.append(float(loss))
        progress(step, len(train), float(np.mean(losses[-20:])))
    train_seconds = time.perf_counter() - started
    after = accuracy(interpreter, test_x, test_y)
    saturated = sum(interpreter.qtrain.saturations.values())
    changed = sum(
        int(np.count_nonzero(interpreter.params[op.sym_name.data] != op.to_numpy()))
        for op in module.ops
        if isinstance(op, qtrain.ParamOp) and op.sym_name.data in interpreter.params and op.trainable is not None
    )
    print(f"  {len(train)} steps (batch 1) in {train_seconds:.0f} s; mean loss first 20 {np.mean(losses[:20]):.3f}, "
          f"last 20 {np.mean(losses[-20:]):.3f}")  # fmt: skip
    print(f"  accuracy after training {after:.0%} (before {before:.0%}); {changed:,} parameter values changed, "
          f"{saturated} saturated")  # fmt: skip
    print("not yet: memory planning, C code, Cortex-M7 under QEMU (later issues)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
