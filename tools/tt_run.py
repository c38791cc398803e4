"""`tt-run`: run a function of a tiny-training module on the reference interpreter.

    tt-run model.mlir --inputs in.npz [--function main] [--output out.npz] [--save-params p.npz]

Inputs are taken from the .npz in argument order: arrays named `arg0`, `arg1`,
... if present, otherwise the arrays in the order they were stored. Results are
written as `result0`, `result1`, ... and summarised on stdout.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.tools.common import ToolError, parse_module_file, run_tool, version_text


def load_inputs(path: str, count: int) -> list[np.ndarray]:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ToolError(f"cannot read inputs {path}: {error}") from None
    with archive:
        names = list(archive.files)
        positional = [f"arg{i}" for i in range(count)]
        if all(name in names for name in positional):
            return [archive[name] for name in positional]
        if len(names) != count:
            raise ToolError(f"{path} holds {len(names)} arrays ({', '.join(names)}), the function takes {count}")
        return [archive[name] for name in names]


def summarize(name: str, value: np.ndarray) -> str:
    line = f"{name}: {value.dtype} {'x'.join(map(str, value.shape))}"
    if value.size <= 16:
        line += f" = {np.array2string(value.reshape(-1), separator=', ')}"
    return line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tt-run", description="Run a function of a tiny-training module on the reference (numpy) interpreter."
    )
    parser.add_argument("file", help="the module (.mlir); '-' reads stdin")
    parser.add_argument("--inputs", required=True, help=".npz with the function's inputs (arg0, arg1, ... or in order)")
    parser.add_argument("--function", default="main", help="function to run (default: main)")
    parser.add_argument("--output", help="write the results to this .npz (result0, result1, ...)")
    parser.add_argument(
        "--save-params", help="after the run, write every parameter's current value to this .npz (keyed by name)"
    )
    parser.add_argument("--version", action="version", version=version_text("tt-run"))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    def body() -> None:
        module = parse_module_file(args.file)
        interpreter = ReferenceInterpreter(module)
        function = interpreter.function(args.function)
        inputs = load_inputs(args.inputs, len(function.function_type.inputs.data))
        results = interpreter.call(args.function, *inputs)
        named = {f"result{i}": np.asarray(value) for i, value in enumerate(results)}
        for name, value in named.items():
            print(summarize(name, value))
        if any(op.name in ("qtrain.sgd_update", "qtrain.conv2d_weight_update") for op in function.walk()):
            # Updates clamp int8/int32 values at their range: say how often (FACTS: saturations).
            saturated = interpreter.saturations
            detail = ", ".join(f"{name} {count}" for name, count in sorted(saturated.items()) if count)
            print(f"saturated: {sum(saturated.values())}" + (f" ({detail})" if detail else ""))
        if args.output:
            np.savez(args.output, **named)
        if args.save_params:
            values = {op.sym_name.data: op.to_numpy() for op in module.ops if isinstance(op, qtrain.ParamOp)}
            values.update(interpreter.params)
            np.savez(args.save_params, **values)

    run_tool("tt-run", body)


if __name__ == "__main__":
    main()
