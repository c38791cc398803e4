"""The Python API of the frontend: anything a user can name -> verified `qtrain` IR."""

from __future__ import annotations

from pathlib import Path

import torch
from xdsl.dialects.builtin import ModuleOp

from tiny_training.frontends.mcu_pickle import ModelFileError, load_mcu_model
from tiny_training.frontends.mcu_torch import McuFakeQuantNet
from tiny_training.frontends.torch_import import import_to_torch_dialect
from tiny_training.passes.convert_torch_to_qtrain import ConvertTorchToQtrainPass
from tiny_training.paths import shared_dir

SHARED_MODELS = ("mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3")


def import_fake_quant_module(model: torch.nn.Module, example_input: torch.Tensor) -> ModuleOp:
    """A fake-quant PyTorch module through torch.export and torch-mlir into qtrain IR."""
    imported = import_to_torch_dialect(model, [example_input])
    ConvertTorchToQtrainPass().apply(imported.context, imported.module)
    imported.module.verify()
    return imported.module


def resolve_pretrained(name_or_path: str) -> Path:
    if name_or_path in SHARED_MODELS:
        return shared_dir() / "models" / "mcu" / f"{name_or_path}.pkl"
    path = Path(name_or_path)
    if path.suffix != ".pkl":
        raise ModelFileError(
            f"{name_or_path}: expected a shared model name ({', '.join(SHARED_MODELS)}), a .pkl file "
            "or path/to/file.py:ClassName"
        )
    if path.is_dir():
        raise ModelFileError(f"{name_or_path}: is a directory, not a model file")
    if not path.is_file():
        raise ModelFileError(f"{name_or_path}: no such file")
    return path


def import_pretrained(name_or_path: str, *, resolution: int = 128) -> ModuleOp:
    """A pretrained int8 model (shared name or .pkl) as qtrain IR, via torch-mlir."""
    model = load_mcu_model(resolve_pretrained(name_or_path))
    example = torch.zeros(1, model.first_conv.in_channels, resolution, resolution)
    return import_fake_quant_module(McuFakeQuantNet(model), example)
