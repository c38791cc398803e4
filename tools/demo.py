"""`make demo`: on-device transfer learning of MCUNet-5fps on a Cortex-M7 under QEMU.

1. Import the pretrained int8 MCUNet-5fps (../shared/models/mcu) through torch-mlir.
2. Build its sparse-update training program with QAS and a new 10-class head
   (`qtrain-training{scheme=mcunet-5fps-49kb}`), then reorder, fuse, lower to buffers
   and plan the arena (`qtrain-memory{algorithm=optimal}`).
3. Generate C, build it for Cortex-M7 (arm-none-eabi-gcc, STM32F746 linker budgets).
4. Under QEMU (mps2-an500): accuracy on held-out Fashion-MNIST images, training on a
   stream of training images (batch 1, one step each, the parameters carried from one
   QEMU run to the next), accuracy again with the trained parameters.
5. Print the SRAM / flash / instructions table; write the memory plan picture, the
   memory report, the loss curve and the trained parameters into `demo-out/`.

Sizes: DEMO_TRAIN / DEMO_TEST environment variables (default 300 / 50 images).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from xdsl.context import Context

from tiny_training.backends.cortex_m import qemu
from tiny_training.backends.cortex_m.harness import train_on_board, write_params
from tiny_training.backends.cortex_m.project import BuildError, build_project, write_project
from tiny_training.dialects import mem
from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.datasets import FASHION_MNIST_CLASSES, DatasetMissing, load_fashion_mnist, to_model_input
from tiny_training.frontends.mcu_pickle import ModelFileError
from tiny_training.analysis.schedule import trainable_sram_bytes
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.symbols import find_function
from tiny_training.paths import SharedDirMissing

MODEL = "mcunet-5fps"
SCHEME = "mcunet-5fps-49kb"
RESOLUTION = 128
CHUNK = 10  # training images per QEMU run (the progress bar moves per run)
OUT = Path("demo-out")


def progress(done: int, total: int, loss: float) -> None:
    """A progress bar on a terminal; a line per update in a log."""
    filled = int(30 * done / total)
    bar = f"  training on the Cortex-M7 [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} loss {loss:.3f}"
    if sys.stdout.isatty():
        print("\r" + bar, end="" if done < total else "\n", flush=True)
    else:
        print(bar, flush=True)


def loss_plot(losses: list[float], path: Path) -> None:
    """Per-step loss and its running mean (window 10) as a PNG."""
    from PIL import Image, ImageDraw

    width, height, margin = 800, 400, 50
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    top = max(max(losses), 1e-6)
    count = max(len(losses) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        return margin + (width - 2 * margin) * index / count, height - margin - (height - 2 * margin) * value / top

    draw.rectangle([margin, margin, width - margin, height - margin], outline="black")
    draw.line([point(i, v) for i, v in enumerate(losses)], fill="#9ecae1", width=1)
    smooth = [float(np.mean(losses[max(0, i - 9) : i + 1])) for i in range(len(losses))]
    draw.line([point(i, v) for i, v in enumerate(smooth)], fill="#08519c", width=2)
    draw.text((margin, 15), f"{MODEL} {SCHEME}: loss per training step on the Cortex-M7 (QEMU)", fill="black")
    draw.text((margin - 40, margin - 5), f"{top:.2f}", fill="black")
    draw.text((margin - 15, height - margin - 5), "0", fill="black")
    draw.text((width // 2 - 20, height - 30), f"step (0..{len(losses)})", fill="black")
    image.save(path)


def main() -> None:
    train_count = int(os.environ.get("DEMO_TRAIN", "300"))
    test_count = int(os.environ.get("DEMO_TEST", "50"))
    missing = qemu.missing_programs("gcc")
    if missing:
        raise SystemExit(f"demo: missing {', '.join(missing)} (run tools/setup.sh)")
    OUT.mkdir(exist_ok=True)
    started_all = time.perf_counter()
    try:
        started = time.perf_counter()
        module = import_pretrained(MODEL)
        import_seconds = time.perf_counter() - started
        train_images, train_labels = load_fashion_mnist("train")
        test_images, test_labels = load_fashion_mnist("test")
    except (SharedDirMissing, ModelFileError, DatasetMissing) as error:
        raise SystemExit(f"demo: {error}") from None

    print(f"tiny-training demo: {MODEL}, sparse update {SCHEME} with QAS, trained on a Cortex-M7 under QEMU")
    started = time.perf_counter()
    QtrainTrainingPass(scheme=SCHEME, qas=True, classes=len(FASHION_MNIST_CLASSES), seed=0).apply(Context(), module)
    QtrainMemoryPass(
        algorithm="optimal", report=str(OUT / "memory_report.txt"), picture=str(OUT / "memory_plan.png")
    ).apply(Context(), module)
    compile_seconds = time.perf_counter() - started
    arena = next(op for op in module.ops if isinstance(op, mem.ArenaOp)).size_bytes
    trainable = trainable_sram_bytes(module, find_function(module, "train_step", "demo"))
    print(f"  imported in {import_seconds:.1f} s; training program built and planned in {compile_seconds:.1f} s: "
          f"arena {arena:,} B + trainable {trainable:,} B")  # fmt: skip

    rng = np.random.default_rng(0)
    train_index = rng.choice(len(train_labels), train_count, replace=False)
    test_index = rng.choice(len(test_labels), test_count, replace=False)
    train_x = np.stack([to_model_input(train_images[i], RESOLUTION) for i in train_index])
    train_y = train_labels[train_index].astype(np.int32)
    test_x = np.stack([to_model_input(test_images[i], RESOLUTION) for i in test_index])
    test_y = test_labels[test_index].astype(np.int32)

    project = OUT / "project"
    started = time.perf_counter()
    try:
        write_project(module, project, sample_image=train_x[0], sample_label=int(train_y[0]))
        build = build_project(project, "cortex-m7")
    except BuildError as error:
        raise SystemExit(f"demo: the Cortex-M7 build failed:\n{error}") from None
    build_seconds = time.perf_counter() - started
    print(f"  C generated and built for Cortex-M7 in {build_seconds:.1f} s")

    started = time.perf_counter()
    before = train_on_board(project, test_x, test_y, train=False, timeout=1800)
    accuracy_before = float(np.mean(np.array(before.predictions) == test_y))
    print(f"  accuracy on {test_count} held-out images before training: {accuracy_before:.0%} "
          f"(new random head; {time.perf_counter() - started:.0f} s in QEMU)")  # fmt: skip

    params = None
    losses: list[float] = []
    instructions = 0
    stack = 0
    started = time.perf_counter()
    for start in range(0, train_count, CHUNK):
        run = train_on_board(
            project, train_x[start : start + CHUNK], train_y[start : start + CHUNK], initial_params=params, timeout=1800
        )
        params = run.params
        losses += [float(loss) for loss in run.losses]
        instructions += run.instructions or 0
        stack = max(stack, run.stack_bytes or 0)
        progress(min(start + CHUNK, train_count), train_count, float(np.mean(losses[-CHUNK:])))
    train_seconds = time.perf_counter() - started

    after = train_on_board(project, test_x, test_y, train=False, initial_params=params, timeout=1800)
    accuracy_after = float(np.mean(np.array(after.predictions) == test_y))
    print(f"  {train_count} training steps (batch 1) in {train_seconds:.0f} s of QEMU; mean loss of the first "
          f"{CHUNK} {np.mean(losses[:CHUNK]):.3f}, of the last {CHUNK} {np.mean(losses[-CHUNK:]):.3f}")  # fmt: skip
    print(f"  accuracy on the held-out images: before {accuracy_before:.0%}, after {accuracy_after:.0%}")

    usage = qemu.memory_usage(build.artifacts["dataset program"])
    step_elf = build.build_dir / "model_board_step.elf"
    usage_step = qemu.memory_usage(step_elf) if step_elf.exists() else usage
    per_inference = (after.instructions or 0) / max(test_count, 1)
    per_sample = instructions / max(train_count, 1)
    rows = [
        ("arena (planned)", f"{arena:,} B"),
        ("trainable parameters in SRAM", f"{trainable:,} B"),
        ("static SRAM of the training program", f"{usage_step.sram_static_bytes:,} B"),
        ("stack high-water mark", f"{stack:,} B"),
        ("flash", f"{usage_step.flash_bytes:,} B"),
        ("instructions per inference", f"{per_inference / 1e6:,.1f} M"),
        ("instructions per inference + training step", f"{per_sample / 1e6:,.1f} M"),
    ]
    print("  Cortex-M7 (QEMU mps2-an500, arm-none-eabi-gcc -O2):")
    for label, value in rows:
        print(f"    {label:<44}{value:>14}")
    write_params(OUT / "trained_params.bin", params or {})
    loss_plot(losses, OUT / "loss.png")
    print(f"  wrote {OUT}/memory_report.txt, memory_plan.png, loss.png, trained_params.bin "
          f"(demo took {time.perf_counter() - started_all:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
