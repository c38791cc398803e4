"""`make demo`: runs the furthest stage of the pipeline that works today.

Now: import the pretrained int8 MCUNet-5fps (restricted unpickler, fake-quant
PyTorch module, torch.export, torch-mlir, `convert-torch-to-qtrain`), verify the
`qtrain` IR, and classify the shared photos on the reference interpreter (the
semantics the C backend will match bit-exactly). Training, memory planning and the
Cortex-M7 build join as their issues land.
"""

from __future__ import annotations

import time

import numpy as np

from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.frontends.mcu_pickle import ModelFileError, load_mcu_model
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.paths import SharedDirMissing, shared_dir

MODEL = "mcunet-5fps"
PHOTOS = ("orange", "butterfly", "apple", "baboon", "squirrel_cls")


def main() -> None:
    try:
        shared = shared_dir()
        started = time.perf_counter()
        model = load_mcu_model(shared / "models" / "mcu" / f"{MODEL}.pkl")
        module = import_pretrained(MODEL)
        build_seconds = time.perf_counter() - started
    except (SharedDirMissing, ModelFileError) as error:
        raise SystemExit(f"demo: {error}") from None

    convs = model.convs
    print("tiny-training demo: stage reached = import through torch-mlir + reference interpreter (int8 inference)")
    print(
        f"  {MODEL}: {len(convs)} int8 convs, {sum(c.weight.size for c in convs):,} int8 weights, "
        f"imported to verified qtrain IR in {build_seconds:.1f} s"
    )
    classes = (shared / "data" / "photos" / "imagenet_classes.txt").read_text().splitlines()
    interpreter = ReferenceInterpreter(module)
    print(f"  {'photo':<14} {'top-1 (int8 logits, reference interpreter)':<48} time")
    for photo in PHOTOS:
        image = load_image(shared / "data" / "photos" / f"{photo}.jpg")
        started = time.perf_counter()
        (logits,) = interpreter.call("main", image)
        label = classes[int(np.argmax(logits.reshape(-1)))].split(",")[0]
        print(f"  {photo:<14} {label:<48} {time.perf_counter() - started:.2f} s")
    print("not yet: training graph, memory planning, Cortex-M7 build under QEMU (later issues)")


if __name__ == "__main__":
    main()
