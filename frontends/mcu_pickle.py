"""Safe loading of the pretrained int8 MCU models (`../shared/models/mcu/*.pkl`).

The files are PyTorch-format zips whose `archive/data.pkl` holds only dicts,
lists, numbers and numpy arrays. They are untrusted input, so they are never
given to `pickle.load` or `torch.load`: a restricted unpickler resolves exactly
the four globals that numpy arrays need and refuses everything else, and the
result is then validated field by field (FACTS.md section 2).
"""

from __future__ import annotations

import io
import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The only globals a numpy-array pickle needs (numpy 1.x and 2.x spellings).
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): np.ndarray.__reduce__(np.zeros(1))[0],
    ("numpy._core.multiarray", "_reconstruct"): np.ndarray.__reduce__(np.zeros(1))[0],
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): __import__("codecs").encode,
}

MAX_PICKLE_BYTES = 64 * 1024 * 1024


class ModelFileError(ValueError):
    """A model file that is malformed, hostile, or not in the expected format."""


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise ModelFileError(
                f"refusing to load global '{module}.{name}': model files may only contain numpy arrays"
            ) from None

    def persistent_load(self, pid: Any) -> Any:
        raise ModelFileError("refusing persistent references (torch tensor storages) in a model file")


def read_pickle_payload(path: Path) -> Any:
    """The object stored in `archive/data.pkl` of a PyTorch-format zip, restricted to numpy types."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
            if len(names) != 1:
                raise ModelFileError(f"{path}: expected one data.pkl in the archive, found {len(names)}")
            info = archive.getinfo(names[0])
            if info.file_size > MAX_PICKLE_BYTES:
                raise ModelFileError(f"{path}: data.pkl is {info.file_size} bytes, more than the {MAX_PICKLE_BYTES} allowed")
            payload = archive.read(names[0])
    except zipfile.BadZipFile:
        raise ModelFileError(f"{path}: not a zip archive (PyTorch save format expected)") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: is a directory, not a model file") from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return _NumpyOnlyUnpickler(io.BytesIO(payload)).load()
    except ModelFileError as error:
        raise ModelFileError(f"{path}: {error}") from None
    except Exception as error:  # any other unpickling failure is a malformed file
        raise ModelFileError(f"{path}: malformed pickle ({type(error).__name__}: {error})") from None


@dataclass(frozen=True)
class QConv:
    """One int8 convolution of a pretrained model, as stored in the file."""

    path: str
    in_channels: int
    out_channels: int
    in_shape: tuple[int, int]
    out_shape: tuple[int, int]
    kernel_size: int
    stride: int
    groups: int
    weight: np.ndarray  # int8 OIHW
    bias: np.ndarray  # int32 [O]
    w_scales: np.ndarray  # float32 [O]
    x_scale: float
    x_zero: int
    y_scale: float
    y_zero: int


@dataclass(frozen=True)
class QResidual:
    """The identity shortcut of a block: the block input added to its output."""

    path: str
    x_scale: float
    x_zero: int
    y_scale: float
    y_zero: int


@dataclass(frozen=True)
class QBlock:
    path: str
    convs: tuple[QConv, ...]
    residual: QResidual | None


@dataclass(frozen=True)
class McuModel:
    name: str
    first_conv: QConv
    blocks: tuple[QBlock, ...]
    feature_mix: QConv | None
    classifier: QConv

    @property
    def convs(self) -> list[QConv]:
        """Every conv in forward order (conv index 0 = first conv, last = classifier)."""
        convs = [self.first_conv]
        for block in self.blocks:
            convs.extend(block.convs)
        if self.feature_mix is not None:
            convs.append(self.feature_mix)
        convs.append(self.classifier)
        return convs


def _field(container: dict, key: str, path: str) -> Any:
    if not isinstance(container, dict):
        raise ModelFileError(f"{path}: expected a dict, got {type(container).__name__}")
    if key not in container:
        raise ModelFileError(f"{path}: missing field '{key}'")
    return container[key]


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) and not (
        isinstance(value, np.ndarray) and value.size == 1 and np.issubdtype(value.dtype, np.integer)
    ):
        raise ModelFileError(f"{path}: expected an integer, got {type(value).__name__}")
    return int(value)


def _float(value: Any, path: str) -> float:
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ModelFileError(f"{path}: expected a number, got {type(value).__name__}")
    result = float(value)
    if not np.isfinite(result) or result <= 0:
        raise ModelFileError(f"{path}: scale must be finite and positive, got {result}")
    return result


def _array(value: Any, dtype: type, shape: tuple[int, ...], path: str) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise ModelFileError(f"{path}: expected a numpy array, got {type(value).__name__}")
    if value.dtype != np.dtype(dtype):
        raise ModelFileError(f"{path}: expected dtype {np.dtype(dtype)}, got {value.dtype}")
    if value.shape != shape:
        raise ModelFileError(f"{path}: expected shape {shape}, got {value.shape}")
    return value


def _zero_point(value: Any, path: str) -> int:
    zero = _int(value, path)
    if not -128 <= zero <= 127:
        raise ModelFileError(f"{path}: zero point {zero} outside [-128, 127]")
    return zero


def _hw(value: Any, path: str) -> tuple[int, int]:
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return (_int(value[0], path), _int(value[1], path))
    raise ModelFileError(f"{path}: expected a size (int or pair), got {value!r}")


def _activation_params(params: Any, path: str) -> dict[str, Any]:
    """The input and output quantization `(x_scale, x_zero, y_scale, y_zero)` of a layer."""
    return {
        "x_scale": _float(_field(params, "x_scale", path), f"{path}.x_scale"),
        "x_zero": _zero_point(_field(params, "x_zero", path), f"{path}.x_zero"),
        "y_scale": _float(_field(params, "y_scale", path), f"{path}.y_scale"),
        "y_zero": _zero_point(_field(params, "y_zero", path), f"{path}.y_zero"),
    }


def _parse_conv(entry: Any, path: str) -> QConv:
    in_channels = _int(_field(entry, "in_channel", path), f"{path}.in_channel")
    out_channels = _int(_field(entry, "out_channel", path), f"{path}.out_channel")
    kernel_h, kernel_w = _hw(_field(entry, "kernel_size", path), f"{path}.kernel_size")
    if kernel_h != kernel_w:
        raise ModelFileError(f"{path}.kernel_size: only square kernels are stored, got {kernel_h}x{kernel_w}")
    kernel_size = kernel_h
    stride = _int(_field(entry, "stride", path), f"{path}.stride")
    groups = _int(_field(entry, "groups", path), f"{path}.groups")
    if min(in_channels, out_channels, kernel_size, stride, groups) < 1:
        raise ModelFileError(f"{path}: channels, kernel size, stride and groups must be positive")
    if in_channels % groups or out_channels % groups:
        raise ModelFileError(f"{path}: groups {groups} must divide {in_channels} and {out_channels} channels")
    params = _field(entry, "params", path)
    weight = _array(
        _field(params, "weight", f"{path}.params"),
        np.int8,
        (out_channels, in_channels // groups, kernel_size, kernel_size),
        f"{path}.params.weight",
    )
    bias = _array(_field(params, "bias", f"{path}.params"), np.int32, (out_channels,), f"{path}.params.bias")
    w_scales = _array(
        _field(params, "w_scales", f"{path}.params"), np.float32, (out_channels,), f"{path}.params.w_scales"
    )
    if not np.all(np.isfinite(w_scales)) or np.any(w_scales <= 0):
        raise ModelFileError(f"{path}.params.w_scales: every scale must be finite and positive")
    return QConv(
        path=path,
        in_channels=in_channels,
        out_channels=out_channels,
        in_shape=_hw(entry.get("in_shape", 1), f"{path}.in_shape"),
        out_shape=_hw(entry.get("out_shape", 1), f"{path}.out_shape"),
        kernel_size=kernel_size,
        stride=stride,
        groups=groups,
        weight=weight,
        bias=bias,
        w_scales=w_scales,
        **_activation_params(params, f"{path}.params"),
    )


def _parse_residual(entry: Any, path: str) -> QResidual:
    params = _field(entry, "params", path)
    return QResidual(
        path=path,
        **_activation_params(params, f"{path}.params"),
    )


def parse_model(payload: Any, name: str) -> McuModel:
    """Validates the unpickled structure and returns it typed."""
    if not isinstance(payload, dict):
        raise ModelFileError(f"{name}: top level must be a dict, got {type(payload).__name__}")
    first_conv = _parse_conv(_field(payload, "first_conv", name), "first_conv")
    raw_blocks = _field(payload, "blocks", name)
    if not isinstance(raw_blocks, list):
        raise ModelFileError(f"{name}: 'blocks' must be a list")
    blocks = []
    for index, raw in enumerate(raw_blocks):
        path = f"blocks.{index}"
        if not isinstance(raw, dict):
            raise ModelFileError(f"{path}: expected a dict, got {type(raw).__name__}")
        if raw.get("se") is not None:
            raise ModelFileError(f"{path}: squeeze-and-excitation blocks are not supported")
        convs = tuple(
            _parse_conv(raw[key], f"{path}.{key}")
            for key in ("pointwise1", "depthwise", "pointwise2")
            if raw.get(key) is not None
        )
        if not convs:
            raise ModelFileError(f"{path}: block has no convolution")
        residual = raw.get("residual")
        blocks.append(QBlock(path, convs, None if residual is None else _parse_residual(residual, f"{path}.residual")))
    feature_mix = payload.get("feature_mix")
    model = McuModel(
        name=name,
        first_conv=first_conv,
        blocks=tuple(blocks),
        feature_mix=None if feature_mix is None else _parse_conv(feature_mix, "feature_mix"),
        classifier=_parse_conv(_field(payload, "classifier", name), "classifier"),
    )
    convs = model.convs
    for before, conv in zip(convs, convs[1:]):
        if conv.in_channels != before.out_channels:
            raise ModelFileError(
                f"{conv.path}: takes {conv.in_channels} input channels, but {before.path} gives {before.out_channels}"
            )
    return model


def load_mcu_model(path: str | Path) -> McuModel:
    """Loads and validates a pretrained int8 model file without executing any code from it."""
    path = Path(path)
    return parse_model(read_pickle_payload(path), path.stem)
