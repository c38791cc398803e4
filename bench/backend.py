"""Backend benchmark: the generated C for a Cortex-M target, measured under QEMU.

For each model and scheme (QAS on, 10 classes, the optimal arena plan): the project is
generated with a real photo as its sample and built with arm-none-eabi-gcc -O2 for
--target (default cortex-m7) and its board (--board; default the target's: stm32f746 on
mps2-an500, stm32f412 on mps2-an386, nrf5340 on mps2-an505, corstone-300 on mps3-an547);
three programs run under the board's QEMU machine with the project's instruction-counting
TCG plugin:
start-up only, + one inference, + one inference and one training step. Columns:

  arena      the planned arena (bytes)
  static     .data + .bss of the ELF: arena, trainable parameters (only the trained
             channels of partially trained weights), runtime state
  stack      stack high-water mark of the training program (stack painting)
  SRAM       static + stack
  flash      .text + .rodata + .data of the ELF
  infer      instructions of one inference (tt_infer)
  step       instructions of one training step (tt_train_step)
  published  the published latency of a sparse training step on STM32F746 (Cortex-M7)
             at 216 MHz (FACTS.md section 6) as cycles: milliseconds x 216,000, beside
             every target (the only published figure). Instructions are not cycles (a
             Cortex-M7 is dual-issue, loads can stall): a like-for-like comparison needs
             the board.

  naive      with --naive: the same project built with -DTT_NAIVE_KERNELS (the runtime's
             plain reference loops, no fast paths), for contrast

On a core with Helium (cortex-m55) every scheme gets two rows: "helium", the runtime as
tt-compile builds it (the MVE kernels), and "scalar", the same project built with
TT_NO_MVE (build_project(helium=False): the portable kernels alone, same core and flags).

    .venv/bin/python bench/backend.py [--target cortex-m4] [--board stm32f412] [--models mcunet-5fps ...]
                                      [--schemes 49kb 99kb] [--naive]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from xdsl.context import Context

from tiny_training.backends.cortex_m import qemu
from tiny_training.backends.targets import BOARDS, CROSS_TARGETS, Board, TargetError, resolve
from tiny_training.backends.cortex_m.project import build_project, write_project
from tiny_training.frontends.api import SHARED_MODELS, import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.schemes import PRESETS
from tiny_training.dialects import mem
from tiny_training.paths import shared_dir

PUBLISHED_MS = {"mbv2-w0.35": 373, "proxyless-w0.3": 443, "mcunet-5fps": 546}


def naive_instructions(directory: Path, board: Board) -> tuple[int, int]:
    """(inference, training step) instructions of the same project built with the
    runtime's naive kernels (-DTT_NAIVE_KERNELS: the plain reference loops)."""
    saved = os.environ.get("CFLAGS")
    os.environ["CFLAGS"] = (saved + " " if saved else "") + "-DTT_NAIVE_KERNELS"
    try:
        build = build_project(directory, board.target, board=board, build_dir=directory / "build-naive")
    finally:
        if saved is None:
            del os.environ["CFLAGS"]
        else:
            os.environ["CFLAGS"] = saved
    elf = build.artifacts["executable"]
    runs = {name: qemu.run_elf(elf.with_name(f"model_board_{name}.elf"), timeout=1800) for name in ("base", "infer", "step")}
    return (
        runs["infer"].instructions - runs["base"].instructions,
        runs["step"].instructions - runs["infer"].instructions,
    )


def measure(module, directory: Path, image, naive: bool, board: Board, helium: bool = True) -> dict[str, int]:
    write_project(module, directory, sample_image=image, sample_label=3)
    build = build_project(directory, board.target, board=board, helium=helium)
    elf = build.artifacts["executable"]
    runs = {name: qemu.run_elf(elf.with_name(f"model_board_{name}.elf"), timeout=600) for name in ("base", "infer", "step")}
    usage = qemu.memory_usage(elf.with_name("model_board_step.elf"))
    arena = next(op for op in module.ops if isinstance(op, mem.ArenaOp)).size_bytes
    stack = runs["step"].stack_bytes or 0
    naive_infer, naive_step = naive_instructions(directory, board) if naive else (0, 0)
    return {
        "naive infer": naive_infer,
        "naive step": naive_step,
        "arena": arena,
        "static": usage.sram_static_bytes,
        "stack": stack,
        "flash": usage.flash_bytes,
        "infer": runs["infer"].instructions - runs["base"].instructions,
        "step": runs["step"].instructions - runs["infer"].instructions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS))
    parser.add_argument("--schemes", nargs="*", default=["49kb", "99kb", "98kb"])
    parser.add_argument("--naive", action="store_true", help="also measure a build with the naive kernels")
    parser.add_argument("--target", default="cortex-m7", help=f"{', '.join(t.name for t in CROSS_TARGETS)} (default cortex-m7)")
    parser.add_argument("--board", help=f"{', '.join(BOARDS)} (default: the target's)")
    args = parser.parse_args()
    try:
        target, board = resolve(args.target, args.board)
        if board is None:
            raise TargetError("the benchmark measures a Cortex-M target, not the host")
    except TargetError as error:
        parser.exit(1, f"backend.py: error: --target/--board: {error}\n")
    print(f"{target.name} on {board.name} ({board.description}), QEMU {board.qemu_machine}")
    image = load_image(shared_dir() / "data" / "photos" / "butterfly.jpg")
    # A core with Helium: the scalar build beside it (the same project, TT_NO_MVE).
    variants = [("helium", True), ("scalar", False)] if "mve" in target.features else [("", True)]
    header = (
        f"{'model':<15}{'scheme':<8}{'build':<8}{'arena':>9}{'static':>9}{'stack':>7}{'SRAM':>9}{'flash':>10}"
        f"{'infer insns':>13}{'step insns':>13}{'published cycles':>18}"
        + (f"{'naive infer':>14}{'naive step':>15}" if args.naive else "")
    )
    print(header)
    print("-" * len(header))
    for model in args.models:
        base = import_pretrained(model)
        for suffix in args.schemes:
            scheme = f"{model}-{suffix}"
            if scheme not in PRESETS:
                continue
            module = base.clone()
            QtrainTrainingPass(scheme=scheme, qas=True, classes=10).apply(Context(), module)
            QtrainMemoryPass(algorithm="optimal").apply(Context(), module)
            for variant, helium in variants:
                with tempfile.TemporaryDirectory(prefix="tt-bench-") as directory:
                    m = measure(module, Path(directory), image, args.naive, board, helium)
                print(
                    f"{model:<15}{suffix:<8}{variant:<8}{m['arena']:>9,}{m['static']:>9,}{m['stack']:>7,}"
                    f"{m['static'] + m['stack']:>9,}{m['flash']:>10,}{m['infer']:>13,}{m['step']:>13,}"
                    f"{PUBLISHED_MS[model] * 216_000:>18,}"
                    + (f"{m['naive infer']:>14,}{m['naive step']:>15,}" if args.naive else "")
                )


if __name__ == "__main__":
    main()
