"""`tt-compile`: a model into a built C training program.

    tt-compile mcunet-5fps --scheme mcunet-5fps-49kb --target host -o out/
    tt-compile train.mlir --target cortex-m7 -o out-m7/ --budget 262144
    tt-compile mcunet-5fps --scheme mcunet-5fps-49kb --target cortex-m4 --board stm32f412 -o out-m4/

MODEL is a shared pretrained model (`mcunet-5fps`, `mbv2-w0.35`, `proxyless-w0.3`), a
pretrained model file (`.pkl`), or a `.mlir` module (imported, trained or already
planned). The steps, each skipped when the module already has its result:

1. `qtrain-training{scheme=... classes=... qas=...}` when there is no `@train_step`
   (needs `--scheme`);
2. `qtrain-memory{algorithm=... budget=...}` when there is no `mem.arena`: operator
   reordering, fused updates, the static arena plan (its memory report is printed and
   written to DIR/memory_report.txt);
3. the C project in DIR (backends/cortex_m/project.py): model.c/.h, a sample input,
   a driver and a CMakeLists.txt, plus the planned module as DIR/model.mlir;
4. the build with CMake: `host` gives DIR/build/libmodel.so and DIR/build/model_host;
   a Cortex-M target (`cortex-m4`, `cortex-m7`, `cortex-m33`, `cortex-m55`; arm-none-eabi-gcc)
   gives DIR/build-<target>/model_board.elf and model_board_train.elf, linked with the
   budgets of `--board` (default: the target's board; backends/targets.py), or only the
   model's object file when the board support has no `tt_add_board_executable`.

Then it prints the sizes. Every user error (bad arguments, an unknown scheme, a plan
over budget, a failed build with the compiler's message) is one clear message on
stderr with exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import PassFailedException

from tiny_training.backends.targets import BOARDS, TARGETS, TargetError, resolve, target_named
from tiny_training.dialects import mem
from tiny_training.tools.common import ToolError, parse_module_file, run_tool, version_text

ALGORITHMS = ("greedy-by-size", "greedy-by-conflicts", "optimal")
SHARED_MODELS = ("mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3")  # frontends/api.py
# What a build needs on PATH, checked before anything is written.
HOST_BUILD_PROGRAMS = ("cmake",)
BOARD_BUILD_PROGRAMS = ("cmake", "arm-none-eabi-gcc")
INSTALL_HINTS = {
    "cmake": "run tools/setup.sh, or apt-get install cmake build-essential",
    "arm-none-eabi-gcc": "run tools/setup.sh, or apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tt-compile",
        description="Compile a model or qtrain IR into a C training program (host library or Cortex-M ELF).",
    )
    parser.add_argument("model", help=f"a shared model ({', '.join(SHARED_MODELS)}), a .pkl model file or a .mlir module")
    parser.add_argument("--scheme", help="sparse-update scheme, e.g. mcunet-5fps-49kb, full, bias-only (when training is built)")
    parser.add_argument("--classes", type=int, default=10, help="classes of the new head (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the new head's initial weights (default 0)")
    parser.add_argument("--no-qas", action="store_true", help="train without Quantization-Aware Scaling")
    parser.add_argument("--algorithm", default="optimal", choices=ALGORITHMS, help="arena planner (default optimal)")
    parser.add_argument("--budget", type=int, help="SRAM budget in bytes (arena + trained parameters)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds for the optimal planner (default 10)")
    parser.add_argument("--target", default="host", help=f"{' | '.join(TARGETS)} (default host: shared library + executable)")
    parser.add_argument("--board", help=f"the board whose flash/SRAM budgets the link enforces ({', '.join(BOARDS)}; default: the target's)")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="directory of the generated project")
    parser.add_argument("--sample", help="an image file for the driver's sample input (default: pseudo-random)")
    parser.add_argument("--label", type=int, default=0, help="the sample's label (default 0)")
    parser.add_argument("--no-build", action="store_true", help="write the project without building it")
    parser.add_argument("--version", action="version", version=version_text("tt-compile"))
    return parser


def load_model(name: str) -> ModuleOp:
    if name.endswith(".mlir") or name == "-":
        return parse_module_file(name)
    if name in SHARED_MODELS or name.endswith(".pkl"):
        from tiny_training.frontends.api import import_pretrained
        from tiny_training.paths import SharedDirMissing

        try:
            return import_pretrained(name)
        except SharedDirMissing as error:
            raise ToolError(str(error)) from None
    raise ToolError(
        f"{name}: expected a shared model ({', '.join(SHARED_MODELS)}), a .pkl model file or a .mlir module "
        "(import other models with tt-import first)"
    )


def has_function(module: ModuleOp, name: str) -> bool:
    return any(isinstance(op, func.FuncOp) and op.sym_name.data == name for op in module.ops)


def run_pass(module: ModuleOp, pipeline_pass) -> None:
    try:
        pipeline_pass.apply(Context(), module)
        module.verify()
    except PassFailedException as error:
        raise ToolError(str(error)) from None


def kib(value: int) -> str:
    return f"{value:,} B ({value / 1024:.1f} KiB)"


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    def body() -> None:
        from tiny_training.backends.cortex_m.project import BuildError

        try:
            target = target_named(args.target)
        except TargetError as error:
            raise ToolError(f"--target: {error}") from None
        try:
            target, board = resolve(target, args.board)
        except TargetError as error:
            raise ToolError(f"--board: {error}") from None
        if args.classes < 1:
            raise ToolError(f"--classes must be >= 1, got {args.classes}")
        if args.budget is not None and args.budget <= 0:
            raise ToolError(f"--budget must be a positive number of bytes, got {args.budget}")
        out = Path(args.output)
        if out.exists() and not out.is_dir():
            raise ToolError(f"{out} exists and is not a directory")
        if not args.no_build:
            for program in HOST_BUILD_PROGRAMS if target.is_host else BOARD_BUILD_PROGRAMS:
                if shutil.which(program) is None:
                    raise ToolError(
                        f"{program} is not installed (needed to build for --target {args.target}): "
                        f"{INSTALL_HINTS[program]}; or give --no-build to write the project only"
                    )
        sample = None
        if args.sample:
            from tiny_training.frontends.images import load_image

            try:
                sample = load_image(args.sample)
            except (OSError, ValueError) as error:
                raise ToolError(f"cannot read the sample image {args.sample}: {error}") from None

        created = not out.exists()
        try:
            compile_into(out, sample, target, board)
        except BuildError:
            raise  # the project stays for the compiler messages that point into it
        except BaseException:
            if created:  # nothing is left behind by a failed compile
                shutil.rmtree(out, ignore_errors=True)
            raise

    def compile_into(out: Path, sample, target, board) -> None:
        from tiny_training.backends.cortex_m.project import BuildError, build_project, section_sizes, write_project

        module = load_model(args.model)
        if not has_function(module, "train_step"):
            if not args.scheme:
                raise ToolError("the module has no @train_step: give --scheme to build the training program")
            from tiny_training.passes.qtrain_training import QtrainTrainingPass

            run_pass(
                module,
                QtrainTrainingPass(scheme=args.scheme, qas=not args.no_qas, classes=args.classes, seed=args.seed),
            )
        elif args.scheme:
            print(f"tt-compile: note: {args.model} already has @train_step; --scheme is not used", file=sys.stderr)

        out.mkdir(parents=True, exist_ok=True)
        report_path = out / "memory_report.txt"
        if not any(isinstance(op, mem.ArenaOp) for op in module.ops):
            from tiny_training.passes.qtrain_memory import QtrainMemoryPass

            report_path.unlink(missing_ok=True)
            run_pass(
                module,
                QtrainMemoryPass(
                    algorithm=args.algorithm, budget=args.budget, time_limit=args.time_limit, report=str(report_path)
                ),
            )
            print(report_path.read_text().rstrip())
            print()
        else:
            print(f"{args.model} is already planned (it has a mem.arena): no new memory report")

        classes = _classes(module)
        if classes is not None and not 0 <= args.label < classes:
            raise ToolError(f"--label must be in [0, {classes}), got {args.label}")
        (out / "model.mlir").write_text(str(module) + "\n")
        project = write_project(module, out, sample_image=sample, sample_label=args.label)
        model = project.model
        print(f"C project in {out}/ (model.c, model.h, sample.c, driver.c, CMakeLists.txt, model.mlir)")
        print(f"  arena (SRAM)                  {kib(model.arena_bytes)}")
        print(f"  trainable parameters (SRAM)   {kib(model.trainable_bytes)}  (trained channels)")
        print(f"  SRAM, model total             {kib(model.sram_bytes)}")
        print(f"  frozen parameters (flash)     {kib(model.frozen_bytes)}")
        print(f"  initial values (flash)        {kib(model.trainable_bytes)}")
        whole = [p.name for p in model.whole_partial]
        if whole:
            print(
                f"  note: {len(whole)} partially trained parameters cannot be split and are kept whole in SRAM "
                f"({', '.join(whole)}); the plan above counts only their trained slices"
            )
        if args.no_build:
            return
        result = build_project(out, target, board=board)
        print(f"built for {target.name}{'' if board is None else f' (board {board.name})'} in {result.build_dir}/:")
        for what, path in result.artifacts.items():
            print(f"  {what:<15} {path}  {path.stat().st_size:,} B")
        for what, path in result.artifacts.items():
            if what in ("executable", "model object", "shared library"):
                sizes = section_sizes(path, target)
                if sizes:
                    print(sizes)
                    break
        usage = linker_usage(result.log, "model_board.elf")
        if usage and board is not None:
            print(f"linker memory use ({board.name}, {target.name}):")
            print("\n".join(f"  {line.strip()}" for line in usage))
        for note in result.notes:
            print(f"note: {note}")

    def guarded() -> None:
        from tiny_training.backends.cortex_m.project import BuildError

        try:
            body()
        except BuildError as error:
            raise ToolError(str(error)) from None

    run_tool("tt-compile", guarded)


def linker_usage(log: str, program: str) -> list[str]:
    """The `--print-memory-usage` lines GNU ld printed while linking `program`."""
    lines, inside = [], False
    for line in log.splitlines():
        if "Linking" in line or "Built target" in line:
            inside = "Linking" in line and program in line
        elif inside and line.strip().startswith(("FLASH:", "RAM:", "STACK:")):
            lines.append(line)
    return lines


def _classes(module: ModuleOp) -> int | None:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main" and op.function_type.outputs.data:
            shape = op.function_type.outputs.data[0].get_shape()  # pyright: ignore[reportAttributeAccessIssue]
            return shape[-1] if shape else None
    return None


if __name__ == "__main__":
    main()
