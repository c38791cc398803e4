"""`tt-import`: a model into `qtrain` IR.

    tt-import mcunet-5fps -o mcunet.mlir
    tt-import path/to/model.pkl
    tt-import path/to/file.py:ClassName --calibration images/ --input-shape 1,3,128,128

MODEL is a shared pretrained model name (mcunet-5fps, mbv2-w0.35, proxyless-w0.3),
a pretrained-format .pkl file, or a float PyTorch model class `file.py:ClassName`
(constructed without arguments, post-training quantized with --calibration).
Nothing is written when the import fails.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from xdsl.printer import Printer

from tiny_training.frontends.mcu_pickle import ModelFileError, load_mcu_model
from tiny_training.tools.common import ToolError, run_tool, version_text

SHARED_MODELS = ("mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3")  # frontends/api.py (imported lazily: torch)


def parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad shape '{text}' (expected e.g. 1,3,128,128)") from None
    if len(shape) != 4 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"bad shape '{text}' (expected N,C,H,W with positive sizes)")
    return shape


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tt-import",
        description="Import a model into tiny-training's qtrain IR (through torch.export and torch-mlir).",
        epilog=f"Shared models: {', '.join(SHARED_MODELS)}.",
    )
    parser.add_argument("model", help="shared model name, .pkl file, or path/to/file.py:ClassName")
    parser.add_argument("-o", "--output", help="write the IR here (default: stdout)")
    parser.add_argument("--calibration", help="calibration images: a folder of images or an .npz (float models)")
    parser.add_argument("--input-shape", type=parse_shape, help="N,C,H,W of the model input (default 1,3,128,128)")
    parser.add_argument("--version", action="version", version=version_text("tt-import"))
    return parser


def import_any(args: argparse.Namespace):
    if ".py:" in args.model:
        from tiny_training.frontends.ptq import import_float_model_file

        return import_float_model_file(args.model, calibration=args.calibration, input_shape=args.input_shape)
    resolution = 128 if args.input_shape is None else args.input_shape[2]
    if args.input_shape is not None and args.input_shape[2] != args.input_shape[3]:
        raise ToolError("pretrained models take square inputs")
    path = Path(args.model)
    if path.suffix == ".pkl" and path.is_file():
        load_mcu_model(path)  # a malformed or hostile file is refused before torch is even loaded
    from tiny_training.frontends.api import import_pretrained

    return import_pretrained(args.model, resolution=resolution)


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    def body() -> None:
        try:
            module = import_any(args)
        except ModelFileError as error:  # UnsupportedTorchOp, a ValueError, is reported by run_tool
            raise ToolError(str(error)) from None
        if args.output:
            with open(Path(args.output), "w") as stream:
                Printer(stream).print_op(module)
                stream.write("\n")
        else:
            Printer().print_op(module)
            print()

    run_tool("tt-import", body)


if __name__ == "__main__":
    main()
