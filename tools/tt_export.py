"""`tt-export`: trained parameters back into the pretrained-model format and a PyTorch state dict.

    tt-export mcunet-5fps params.npz -o trained.pkl [--torch trained.pt] [--module train.mlir]
              [--classes fashion-mnist|digits|NAME,NAME,...] [--logit-range R] [--mlir trained.mlir]

BASE is the model that was trained (a shared model name or a pretrained-format .pkl). PARAMS are
the trained parameters keyed by their `qtrain.param` names: an .npz (`tt-run --save-params`) or a
parameter file read back from the device (`tt_params_out.bin` of `train_on_board`). `--module`
(the trained module) is needed for an int8 head (its scales); it also supplies any parameter
missing from PARAMS. `--mlir` re-imports the written file through torch-mlir (exact, with the
fp32 head) and writes the IR. See `frontends/export.py` for the format.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tiny_training.tools.common import ToolError, parse_module_file, run_tool, version_text


def load_params(path: str) -> dict[str, np.ndarray]:
    file = Path(path)
    try:
        head = file.read_bytes()[:4]
    except OSError as error:
        raise ToolError(f"cannot read {path}: {error.strerror}") from None
    if head[:2] == b"PK":  # .npz
        try:
            with np.load(file, allow_pickle=False) as archive:
                return {name: archive[name] for name in archive.files}
        except (OSError, ValueError) as error:
            raise ToolError(f"cannot read parameters {path}: {error}") from None
    from tiny_training.backends.cortex_m.harness import PARAMS_MAGIC, read_params

    if head != PARAMS_MAGIC:
        raise ToolError(f"{path}: neither an .npz nor a parameter file (tt_params_*.bin)")
    return read_params(file)


def class_names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    from tiny_training.frontends.datasets import DIGITS_CLASSES, FASHION_MNIST_CLASSES

    known = {"fashion-mnist": FASHION_MNIST_CLASSES, "digits": DIGITS_CLASSES, "opencv-digits": DIGITS_CLASSES}
    return list(known[text]) if text in known else [name.strip() for name in text.split(",")]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tt-export",
        description="Write trained parameters into the pretrained-model file format (and a PyTorch state dict).",
    )
    parser.add_argument("base", help="the model that was trained: shared model name or pretrained-format .pkl")
    parser.add_argument("params", help="trained parameters: .npz keyed by qtrain.param name, or tt_params_*.bin")
    parser.add_argument("-o", "--output", required=True, help="the trained model file to write (.pkl)")
    parser.add_argument("--torch", help="also write the PyTorch mirror's state dict here (.pt)")
    parser.add_argument("--module", help="the trained module (.mlir): scales of an int8 head, missing parameters")
    parser.add_argument("--classes", help="class names: fashion-mnist, digits, or NAME,NAME,...")
    parser.add_argument("--logit-range", type=float, help="fp32 head: logit range of the int8 classifier approximation")
    parser.add_argument("--mlir", help="re-import the written file (exact) and write its qtrain IR here")
    parser.add_argument("--resolution", type=int, default=128, help="input resolution for --mlir (default 128)")
    parser.add_argument("--version", action="version", version=version_text("tt-export"))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    def body() -> None:
        from tiny_training.frontends.export import export_pretrained_format, export_state_dict, import_trained
        from tiny_training.frontends.mcu_pickle import ModelFileError

        if not args.output.endswith(".pkl"):
            raise ToolError(f"{args.output}: the output must be a .pkl (the pretrained-model format)")
        params = load_params(args.params)
        module = parse_module_file(args.module) if args.module else None
        try:
            summary = export_pretrained_format(
                args.output,
                args.base,
                params,
                module=module,
                class_names=class_names(args.classes),
                logit_range=args.logit_range,
            )
            print(f"tt-export: {args.output}: {summary.describe()}")
            if args.torch:
                export_state_dict(args.torch, args.output)
                print(f"tt-export: {args.torch}: PyTorch state dict")
            if args.mlir:
                from xdsl.printer import Printer

                imported = import_trained(args.output, resolution=args.resolution)
                with open(args.mlir, "w") as stream:
                    Printer(stream).print_op(imported)
                    stream.write("\n")
                print(f"tt-export: {args.mlir}: re-imported qtrain IR")
        except ModelFileError as error:
            raise ToolError(str(error)) from None

    run_tool("tt-export", body)


if __name__ == "__main__":
    main()
