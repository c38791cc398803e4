"""Export of trained parameters: back into the pretrained-model file format and as a PyTorch state dict.

The trained parameters are a dict `qtrain.param` name -> array: `train_on_board(...).params`
(read back from the device), `ReferenceInterpreter(...).params`, or `tt-run --save-params`'s
.npz. Names are those of the imported model (`first_conv.weight`, `blocks.3.depthwise.bias`,
... the file's paths) plus the new head of `qtrain-new-head` (`head.weight`, `head.bias`).
Parameters not in the dict keep the base model's values (a device run returns only the
trainable ones).

1. Pretrained-model format (`export_pretrained_format`): the base file's own structure (the
   dict `load_mcu_model` reads, from `archive/data.pkl` of a zip, pickle protocol 2, only
   builtins and numpy arrays), with the trained int8 weights and int32 biases in place; every
   scale and zero point is unchanged (training changes integers only). The new head:

   * fp32 head (the default, `qtrain-new-head`): the file format's classifier is an int8 1x1
     conv, so the file gets both
     - `classifier`: the head quantized (weights per output channel symmetric,
       `s_w = max|W_k| / 127`; bias `rint(b / (s_x s_w))`; logits scale `logit_range / 127`,
       zero point 0, where `logit_range` defaults to the largest |logit| any int8 feature can
       produce, so nothing saturates). Readers that know only the base format
       (`load_mcu_model`, `tt-import FILE.pkl`) see this approximation: int8 logits whose
       argmax can differ from the fp32 head's where two logits are within a logit step;
     - `fp32_head`: `{"weight": f32 K x C, "bias": f32 K}`, the trained head itself, which
       `load_trained_model` / `import_trained` / `torch_mirror` use: their re-import is exact
       (int8 backbone bit for bit, the same fp32 head).
   * int8 head (`qtrain-training{int8-head=true}`): it *is* an int8 1x1 conv; it is stored as
     the classifier with its scales (taken from the trained module, `module=`), exactly.

   Optional `class_names` (a list of strings) is stored too. Saturating int8 SGD can drive a
   weight to -128, which the symmetric format (weights in [-127, 127], `QConv2d`) cannot hold:
   the base fields store -127 (readable by every reader) and `saturated_weights` (conv path ->
   int64 flat indices) records where the exact value is -128; `load_trained_model` and the
   mirror below restore it (`ExportSummary.saturated` counts them).

2. PyTorch state dict (`export_state_dict`): `torch.save` of `torch_mirror(trained).state_dict()`,
   keyed like the fake-quant mirror (`frontends/mcu_torch.py`): per conv `PATH.weight` (f32,
   `W_q * s_w` exactly), `PATH.w_scales`, `PATH.w_zero_points`, `PATH.bias_q` (int32),
   `PATH.bias_scale`; the fp32 head as `head.weight`, `head.bias` (the qtrain names; an int8
   head is `classifier.*`). Load it with `torch.load(path, weights_only=True)` into
   `torch_mirror(base_model, classes=K)` (or the exported file's mirror). The mirror's convs
   are `FullRangeQConv2d`: `QConv2d` with the weight fake-quantize range `[-128, 127]`, so that
   -128 weights survive (in the float simulation and through `convert-torch-to-qtrain`).

Re-import: `import_trained(file)` builds the mirror (`McuTransferNet` for an fp32 head) and
imports it through torch.export and torch-mlir like `import_pretrained`; its `qtrain.param`
names are those of the trained module.
"""

from __future__ import annotations

import copy
import io
import pickle
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tiny_training.frontends.fakequant import WEIGHT_QMIN, QConv2d, fake_quant
from tiny_training.frontends.mcu_pickle import McuModel, ModelFileError, QConv, parse_model, read_pickle_payload
from tiny_training.frontends.mcu_torch import McuFakeQuantNet

HEAD_KEY = "fp32_head"
CLASS_NAMES_KEY = "class_names"
SATURATED_KEY = "saturated_weights"
HEAD_WEIGHT, HEAD_BIAS = "head.weight", "head.bias"
PICKLE_PROTOCOL = 2  # as the shared files
ARCHIVE_VERSION = b"3\n"


@dataclass
class ExportSummary:
    path: Path | None = None
    replaced: list[str] = field(default_factory=list)  # parameters written from the trained values
    head: str = "none"  # "fp32", "int8" or "none" (the base classifier, possibly trained)
    classes: int = 0
    logit_range: float | None = None  # fp32 head: the int8 classifier's logit range
    saturated: int = 0  # int8 weights at -128 (-127 in the base fields, exact in `saturated_weights`)

    def describe(self) -> str:
        text = f"{len(self.replaced)} trained parameters written, head: {self.head}"
        if self.head != "none":
            text += f" ({self.classes} classes)"
        if self.logit_range is not None:
            text += f", int8 classifier approximation with logit range {self.logit_range:.3g}"
        if self.saturated:
            text += f"; {self.saturated} int8 weights at -128 (kept exactly in '{SATURATED_KEY}')"
        return text


@dataclass(frozen=True)
class TrainedModel:
    """A model file in the pretrained format, with the optional exact fp32 head."""

    model: McuModel
    head_weight: np.ndarray | None = None  # f32 K x C
    head_bias: np.ndarray | None = None  # f32 K
    class_names: tuple[str, ...] | None = None
    saturated: dict[str, np.ndarray] = field(default_factory=dict)  # conv path -> flat indices of -128 weights

    def weight(self, conv: QConv) -> np.ndarray:
        """The exact int8 weights of a conv (with the -128 values the base fields store as -127)."""
        weight = conv.weight
        if conv.path in self.saturated:
            weight = weight.copy()
            weight.reshape(-1)[self.saturated[conv.path]] = -128
        return weight


# --- reading ----------------------------------------------------------------------------------------


def _base_payload(base: str | Path | dict) -> dict:
    if isinstance(base, dict):
        return copy.deepcopy(base)
    from tiny_training.frontends.api import resolve_pretrained

    return read_pickle_payload(resolve_pretrained(str(base)))


def parse_trained(payload: Any, name: str) -> TrainedModel:
    """Validates a payload of the pretrained format plus the optional `fp32_head`, `class_names`."""
    model = parse_model(payload, name)
    head = payload.get(HEAD_KEY)
    weight = bias = None
    if head is not None:
        if not isinstance(head, dict) or set(head) != {"weight", "bias"}:
            raise ModelFileError(f"{name}: '{HEAD_KEY}' must be a dict with exactly 'weight' and 'bias'")
        classes, channels = model.classifier.out_channels, model.classifier.in_channels
        weight, bias = head["weight"], head["bias"]
        for key, value, shape in (("weight", weight, (classes, channels)), ("bias", bias, (classes,))):
            if not isinstance(value, np.ndarray) or value.dtype != np.float32 or value.shape != shape:
                found = f"{value.dtype} {value.shape}" if isinstance(value, np.ndarray) else type(value).__name__
                raise ModelFileError(f"{name}: {HEAD_KEY}.{key} must be float32 {shape} (the classifier's), got {found}")
            if not np.all(np.isfinite(value)):
                raise ModelFileError(f"{name}: {HEAD_KEY}.{key} has non-finite values")
    names = payload.get(CLASS_NAMES_KEY)
    if names is not None:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ModelFileError(f"{name}: '{CLASS_NAMES_KEY}' must be a list of strings")
        if len(names) != model.classifier.out_channels:
            raise ModelFileError(f"{name}: {len(names)} class names for {model.classifier.out_channels} classes")
        names = tuple(names)
    saturated = payload.get(SATURATED_KEY) or {}
    if not isinstance(saturated, dict):
        raise ModelFileError(f"{name}: '{SATURATED_KEY}' must be a dict conv path -> indices")
    convs = {conv.path: conv for conv in model.convs}
    for path, indices in saturated.items():
        where = f"{name}: {SATURATED_KEY}[{path!r}]"
        if path not in convs:
            raise ModelFileError(f"{where}: no such conv")
        if not isinstance(indices, np.ndarray) or indices.dtype != np.int64 or indices.ndim != 1:
            raise ModelFileError(f"{where}: expected a 1-D int64 array of weight indices")
        flat = convs[path].weight.reshape(-1)
        if indices.size and (indices.min() < 0 or indices.max() >= flat.size or np.any(flat[indices] != -127)):
            raise ModelFileError(f"{where}: indices must point at weights stored as -127")
    return TrainedModel(model, weight, bias, names, dict(saturated))


def load_trained_model(path: str | Path) -> TrainedModel:
    """Reads a (trained or pretrained) model file with the restricted unpickler and validates it."""
    path = Path(path)
    return parse_trained(read_pickle_payload(path), path.stem)


# --- the PyTorch mirror -----------------------------------------------------------------------------


class FullRangeQConv2d(QConv2d):
    """`QConv2d` whose int8 weights may be -128: saturating int8 SGD (interpreter, C runtime) reaches
    -128, which the symmetric `[-127, 127]` weight quantizer of the pretrained models cannot hold.
    Same buffers (state-dict keys) and export; the weight fake-quantize range is `[-128, 127]`,
    which `convert-torch-to-qtrain` accepts."""

    def __init__(self, conv: QConv, weight_q: np.ndarray):
        super().__init__(
            np.maximum(weight_q, WEIGHT_QMIN),
            conv.bias,
            conv.w_scales,
            x_scale=conv.x_scale,
            y_scale=conv.y_scale,
            y_zero=conv.y_zero,
            stride=conv.stride,
            padding=conv.kernel_size // 2,
            groups=conv.groups,
        )
        with torch.no_grad():
            self.weight.copy_(torch.from_numpy(weight_q.astype(np.float32)) * self.w_scales.view(-1, 1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = torch.fake_quantize_per_channel_affine(self.weight, self.w_scales, self.w_zero_points, 0, -128, 127)
        y = F.conv2d(x, weight, None, self.stride, self.padding, 1, self.groups)
        bias = self.bias_q.to(torch.float32) * self.bias_scale
        return fake_quant(y + bias.view(1, -1, 1, 1), self.y_scale, self.y_zero)


class McuTransferNet(McuFakeQuantNet):
    """The fake-quant mirror of a pretrained model with an fp32 head instead of its int8 classifier:
    `head(flatten(pool(features)))`, parameters `head.weight` (K x C), `head.bias`."""

    def __init__(self, model: McuModel, head_weight: np.ndarray, head_bias: np.ndarray):
        super().__init__(model)
        del self.classifier
        classes, channels = head_weight.shape
        self.head = nn.Linear(channels, classes)
        with torch.no_grad():
            self.head.weight.copy_(torch.from_numpy(np.asarray(head_weight, dtype=np.float32)))
            self.head.bias.copy_(torch.from_numpy(np.asarray(head_bias, dtype=np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.first_conv(self.quantize_input(x))
        for block in self.blocks:
            x = block(x)
        if self.feature_mix is not None:
            x = self.feature_mix(x)
        return self.head(torch.flatten(self.pool(x), 1))


def torch_mirror(model: TrainedModel | McuModel | str | Path, *, classes: int | None = None) -> nn.Module:
    """The fake-quant PyTorch module of a model file (or name): `McuTransferNet` when it has an fp32
    head, or when `classes` asks for one (zero-initialised, to `load_state_dict` into), else
    `McuFakeQuantNet`; every conv a `FullRangeQConv2d` holding the exact int8 weights."""
    if isinstance(model, (str, Path)):
        from tiny_training.frontends.api import resolve_pretrained

        model = load_trained_model(resolve_pretrained(str(model)))
    trained = model if isinstance(model, TrainedModel) else TrainedModel(model)
    if classes is not None:
        channels = trained.model.classifier.in_channels
        weight, bias = np.zeros((classes, channels), np.float32), np.zeros(classes, np.float32)
        net: nn.Module = McuTransferNet(trained.model, weight, bias)
    elif trained.head_weight is not None and trained.head_bias is not None:
        net = McuTransferNet(trained.model, trained.head_weight, trained.head_bias)
    else:
        net = McuFakeQuantNet(trained.model)
    for conv in trained.model.convs:
        if isinstance(net, McuTransferNet) and conv.path == "classifier":
            continue
        net.set_submodule(conv.path, FullRangeQConv2d(conv, trained.weight(conv)))
    return net.eval()


def import_trained(path: str | Path, *, resolution: int = 128):
    """A trained model file as qtrain IR (through torch-mlir), exact with its fp32 head: `@main`
    returns the fp32 logits `1 x K` of `head.weight`/`head.bias`, like the trained module."""
    from tiny_training.frontends.api import import_fake_quant_module

    trained = load_trained_model(path)
    example = torch.zeros(1, trained.model.first_conv.in_channels, resolution, resolution)
    return import_fake_quant_module(torch_mirror(trained), example)


# --- writing ----------------------------------------------------------------------------------------


def _conv_entries(payload: dict, model: McuModel) -> dict[str, tuple[QConv, dict]]:
    """conv path -> (parsed conv, its dict in the payload)."""
    entries: dict[str, tuple[QConv, dict]] = {}
    for conv in model.convs:
        parts = conv.path.split(".")
        entry: Any = payload
        for part in parts:
            entry = entry[int(part)] if isinstance(entry, list) else entry[part]
        entries[conv.path] = (conv, entry)
    return entries


def _int8_head_conv(module: Any) -> tuple[np.ndarray, float, int, float, int]:
    """(w_scales, x_scale, x_zero, logits scale, logits zero point) of the int8 head in a trained module."""
    from tiny_training.dialects import qtrain

    for op in module.walk():
        if isinstance(op, qtrain.Conv2dOp):
            owner = op.weight.owner
            if isinstance(owner, qtrain.GetParamOp) and owner.param.string_value() == HEAD_WEIGHT:
                x, y = qtrain.quant_params(op.input.type), qtrain.quant_params(op.output.type)
                w_scales = np.array(op.w_scales_values, np.float32)
                return w_scales, float(x.scale_value), int(x.zero_point_value), float(y.scale_value), int(y.zero_point_value)
    raise ModelFileError("int8 head: the trained module has no qtrain.conv2d reading @head.weight")


def _quantized_classifier(
    weight: np.ndarray, bias: np.ndarray, x_scale: float, x_zero: int, logit_range: float | None
) -> tuple[dict, float]:
    """The int8 1x1 conv approximating an fp32 head on int8 features `(x_scale, x_zero)`."""
    w64, b64 = weight.astype(np.float64), bias.astype(np.float64)
    w_scales = (np.abs(w64).max(axis=1) / 127.0).astype(np.float32)
    w_scales = np.where(w_scales > 0, w_scales, np.float32(1.0)).astype(np.float32)
    weight_q = np.clip(np.rint(w64 / w_scales[:, None]), -127, 127).astype(np.int8)
    bias_q = np.clip(np.rint(b64 / (x_scale * w_scales.astype(np.float64))), -(2**31), 2**31 - 1).astype(np.int32)
    if logit_range is None:
        low, high = x_scale * (-128 - x_zero), x_scale * (127 - x_zero)
        bound = np.maximum(np.abs(w64 * low), np.abs(w64 * high)).sum(axis=1) + np.abs(b64)
        logit_range = float(max(bound.max(), 1e-6))
    params = {
        "weight": weight_q.reshape(*weight_q.shape, 1, 1),
        "bias": bias_q,
        "w_scales": w_scales,
        "x_scale": float(x_scale),
        "x_zero": int(x_zero),
        "y_scale": float(logit_range) / 127.0,
        "y_zero": 0,
    }
    return params, float(logit_range)


def _checked(name: str, value: np.ndarray, like: np.ndarray) -> np.ndarray:
    value = np.asarray(value)
    if value.shape != like.shape:
        raise ModelFileError(f"trained parameter {name}: shape {value.shape}, the base model has {like.shape}")
    if value.dtype != like.dtype:
        raise ModelFileError(f"trained parameter {name}: dtype {value.dtype}, the base model has {like.dtype}")
    return np.ascontiguousarray(value).copy()


def _store_weight(payload: dict, summary: ExportSummary, path: str, weight: np.ndarray) -> np.ndarray:
    """The int8 weights for the base fields (-128 as -127), with the -128 positions recorded."""
    saturated = np.flatnonzero(weight.reshape(-1) == -128).astype(np.int64)
    table = payload.setdefault(SATURATED_KEY, {})
    table.pop(path, None)
    if saturated.size:
        table[path] = saturated
        summary.saturated += int(saturated.size)
    return np.maximum(weight, WEIGHT_QMIN).astype(np.int8)


def trained_payload(
    base: str | Path | dict,
    params: Mapping[str, np.ndarray],
    *,
    module: Any = None,
    class_names: Sequence[str] | None = None,
    logit_range: float | None = None,
) -> tuple[dict, ExportSummary]:
    """The base model's payload with the trained parameters in place (see the module documentation)."""
    payload = _base_payload(base)
    model = parse_model(payload, "base")
    values: dict[str, np.ndarray] = {}
    if module is not None:
        from tiny_training.dialects import qtrain

        values.update({op.sym_name.data: op.to_numpy() for op in module.ops if isinstance(op, qtrain.ParamOp)})
    values.update({name: np.asarray(value) for name, value in params.items()})
    summary = ExportSummary()
    entries = _conv_entries(payload, model)
    known = {f"{path}.{kind}" for path in entries for kind in ("weight", "bias")} | {HEAD_WEIGHT, HEAD_BIAS}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ModelFileError(f"trained parameters not in the base model: {', '.join(unknown[:5])}")

    has_head = HEAD_WEIGHT in values or HEAD_BIAS in values
    for path, (conv, entry) in entries.items():
        if has_head and path == "classifier":
            continue  # replaced by the new head below
        stored = entry["params"]
        for kind in ("weight", "bias"):
            name = f"{path}.{kind}"
            if name in values:
                value = _checked(name, values[name], stored[kind])
                if kind == "weight":
                    value = _store_weight(payload, summary, path, value)
                stored[kind] = value
                summary.replaced.append(name)

    if has_head:
        if HEAD_WEIGHT not in values or HEAD_BIAS not in values:
            raise ModelFileError(f"trained parameters: {HEAD_WEIGHT} and {HEAD_BIAS} come together")
        weight, bias = np.asarray(values[HEAD_WEIGHT]), np.asarray(values[HEAD_BIAS])
        old = model.classifier
        channels = old.in_channels
        classes = weight.shape[0]
        summary.classes = classes
        summary.replaced += [HEAD_WEIGHT, HEAD_BIAS]
        classifier = payload["classifier"]
        if weight.dtype == np.float32:
            if weight.shape != (classes, channels) or bias.shape != (classes,) or bias.dtype != np.float32:
                raise ModelFileError(
                    f"fp32 head: expected {HEAD_WEIGHT} f32 K x {channels} and {HEAD_BIAS} f32 K, got "
                    f"{weight.dtype} {weight.shape} and {bias.dtype} {bias.shape}"
                )
            params_q, summary.logit_range = _quantized_classifier(weight, bias, old.x_scale, old.x_zero, logit_range)
            payload[HEAD_KEY] = {"weight": weight.astype(np.float32).copy(), "bias": bias.astype(np.float32).copy()}
            payload.get(SATURATED_KEY, {}).pop("classifier", None)
            summary.head = "fp32"
        elif weight.dtype == np.int8:
            if weight.shape != (classes, channels, 1, 1) or bias.shape != (classes,) or bias.dtype != np.int32:
                raise ModelFileError(
                    f"int8 head: expected {HEAD_WEIGHT} int8 K x {channels} x 1 x 1 and {HEAD_BIAS} int32 K, got "
                    f"{weight.dtype} {weight.shape} and {bias.dtype} {bias.shape}"
                )
            if module is None:
                raise ModelFileError("an int8 head's scales are in the trained module: pass module= (--module)")
            w_scales, x_scale, x_zero, y_scale, y_zero = _int8_head_conv(module)
            params_q = {
                "weight": _store_weight(payload, summary, "classifier", weight),
                "bias": bias.astype(np.int32).copy(),
                "w_scales": w_scales,
                "x_scale": x_scale,
                "x_zero": x_zero,
                "y_scale": y_scale,
                "y_zero": y_zero,
            }
            payload.pop(HEAD_KEY, None)
            summary.head = "int8"
        else:
            raise ModelFileError(f"{HEAD_WEIGHT}: unexpected dtype {weight.dtype} (f32 or int8 heads)")
        classifier["out_channel"] = int(classes)
        classifier["params"] = params_q
    elif payload.get(HEAD_KEY) is not None:
        summary.head = "fp32"  # a trained file exported again: its head is unchanged
        summary.classes = model.classifier.out_channels

    if class_names is not None:
        names = [str(n) for n in class_names]
        payload[CLASS_NAMES_KEY] = names
    elif has_head:
        payload.pop(CLASS_NAMES_KEY, None)  # the base's names no longer describe the classes
    if not payload.get(SATURATED_KEY):
        payload.pop(SATURATED_KEY, None)
    parse_trained(payload, "exported")  # what the reader will see
    return payload, summary


def write_model_file(path: str | Path, payload: dict) -> Path:
    """A payload as a PyTorch-format zip (`archive/data.pkl`, `archive/version`), like the shared files."""
    path = Path(path)
    buffer = io.BytesIO()
    pickle.Pickler(buffer, protocol=PICKLE_PROTOCOL).dump(payload)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/version", ARCHIVE_VERSION)
    return path


def export_pretrained_format(
    path: str | Path,
    base: str | Path | dict,
    params: Mapping[str, np.ndarray],
    *,
    module: Any = None,
    class_names: Sequence[str] | None = None,
    logit_range: float | None = None,
) -> ExportSummary:
    """Writes the trained model file; checks that it reads back through the restricted loader."""
    payload, summary = trained_payload(base, params, module=module, class_names=class_names, logit_range=logit_range)
    summary.path = write_model_file(path, payload)
    load_trained_model(summary.path)  # round trip through the restricted unpickler
    return summary


def export_state_dict(path: str | Path, trained: TrainedModel | str | Path) -> Path:
    """`torch.save` of the mirror's state dict of a trained model (a file or `TrainedModel`)."""
    if not isinstance(trained, TrainedModel):
        trained = load_trained_model(trained)
    path = Path(path)
    torch.save(torch_mirror(trained).state_dict(), path)
    return path
