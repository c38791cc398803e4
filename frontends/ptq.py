"""Post-training quantization of a float PyTorch CNN into the fake-quant modules.

Steps, on a `torch.fx` trace of the float model:

1. **BatchNorm folding**: `conv -> bn` becomes one conv with
   `W' = W * gamma / sqrt(var + eps)` and `b' = (b - mean) * gamma / sqrt(var + eps) + beta`.
2. **Activation folding**: a ReLU or ReLU6 (module or function, or
   `hardtanh(0, 6)`) right after a conv or an add is folded into that op's output
   range: its observer sees the activation's output, so the range starts at 0 and
   the int8 zero point is -128 (the clamp at -128 *is* the ReLU).
3. **Calibration** with a min/max observer: the running minimum and maximum of
   every quantization point over all calibration batches, widened to include 0.
   Activations are asymmetric per-tensor int8: `s = (max - min) / 255`,
   `z = clamp(round(-128 - min / s), -128, 127)`.
4. **Quantization**: weights symmetric per output channel
   (`s_w[c] = max|W_c| / 127`, `W_q = round(W / s_w)`), widened to `|b_c| / (s_x 2^30)`
   where the bias would not fit int32 otherwise; biases `b_q = round(b / (s_w * s_x))`
   (saturated to int32, which the widening makes unreachable), and the graph rebuilt with
   `QuantizeInput`, `QConv2d`, `QAdd`, `QGlobalAvgPool` at the float model's
   module paths; flatten and the fp32 linear head stay float.

Anything else is an error naming the node and its module path.
"""

from __future__ import annotations

import copy
import importlib.util
import math
import operator
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import fx, nn

from tiny_training.frontends.fakequant import QAdd, QConv2d, QGlobalAvgPool, QuantizeInput
from tiny_training.frontends.torch_import import UnsupportedTorchOp

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# The smallest scale used for an all-zero weight channel or a constant activation.
MIN_SCALE = 1e-8


@dataclass(frozen=True)
class QParams:
    scale: float
    zero_point: int


def activation_qparams(low: float, high: float) -> QParams:
    """Asymmetric int8 parameters for the observed range [low, high] (widened to include 0)."""
    low, high = min(low, 0.0), max(high, 0.0)
    scale = max((high - low) / 255.0, MIN_SCALE)
    zero_point = int(np.clip(np.rint(-128 - low / scale), -128, 127))
    return QParams(scale, zero_point)


def quantize_weight(weight: np.ndarray, floor: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-output-channel int8: `(W_q, s_w)` with `s_w[c] = max|W_c| / 127`, or
    `floor[c]` where that is larger (bias_scale_floor)."""
    flat = np.abs(weight.reshape(weight.shape[0], -1)).max(axis=1)
    scales = np.maximum(flat / 127.0, MIN_SCALE)
    if floor is not None:
        scales = np.maximum(scales, floor)
    scales = scales.astype(np.float32)
    quantized = np.clip(np.rint(weight / scales.reshape(-1, 1, 1, 1).astype(np.float64)), -127, 127)
    return quantized.astype(np.int8), scales


def bias_scale_floor(bias: np.ndarray, x_scale: float) -> np.ndarray:
    """The smallest weight scales at which `b / (s_w * s_x)` fits int32 with half its range
    to spare (room for training steps): `|b| / (s_x * 2^30)`. Without it a channel with
    tiny (or all-zero) weights and a real bias would saturate its int32 bias silently and
    compute something else than the float model."""
    return np.abs(bias.astype(np.float64)) / (x_scale * 2.0**30)


def quantize_bias(bias: np.ndarray, w_scales: np.ndarray, x_scale: float) -> np.ndarray:
    scaled = np.rint(bias.astype(np.float64) / (w_scales.astype(np.float64) * x_scale))
    return np.clip(scaled, INT32_MIN, INT32_MAX).astype(np.int32)


# --------------------------------------------------------------------------- graph queries


def _module_path(node: fx.Node) -> str:
    return str(node.target) if node.op == "call_module" else node.name


def _is_relu(node: fx.Node, modules: dict[str, nn.Module]) -> bool:
    if node.op == "call_module":
        module = modules[str(node.target)]
        if isinstance(module, (nn.ReLU, nn.ReLU6)):
            return True
        return isinstance(module, nn.Hardtanh) and (module.min_val, module.max_val) == (0.0, 6.0)
    if node.op == "call_function":
        if node.target in (F.relu, torch.relu, F.relu6):
            return True
        if node.target is F.hardtanh:
            args = list(node.args[1:]) + [node.kwargs.get("min_val"), node.kwargs.get("max_val")]
            return [a for a in args if a is not None][:2] == [0.0, 6.0]
    if node.op == "call_method" and node.target == "relu":
        return True
    return False


def _is_conv(node: fx.Node, modules: dict[str, nn.Module]) -> bool:
    return node.op == "call_module" and isinstance(modules[str(node.target)], nn.Conv2d)


def _is_add(node: fx.Node) -> bool:
    return (node.op == "call_function" and node.target in (operator.add, torch.add)) or (
        node.op == "call_method" and node.target == "add"
    )


def _is_identity(node: fx.Node, modules: dict[str, nn.Module]) -> bool:
    return node.op == "call_module" and isinstance(modules[str(node.target)], (nn.Dropout, nn.Identity))


def _pool_keepdim(node: fx.Node, modules: dict[str, nn.Module]) -> bool | None:
    """For a global average pool node, whether it keeps H and W as 1x1; None if it is not one."""
    if node.op == "call_module" and isinstance(modules[str(node.target)], nn.AdaptiveAvgPool2d):
        size = modules[str(node.target)].output_size
        return True if size in (1, (1, 1)) else None
    if node.op == "call_function" and node.target is F.adaptive_avg_pool2d:
        return True if node.args[1] in (1, (1, 1)) else None
    if (node.op == "call_method" and node.target == "mean") or (
        node.op == "call_function" and node.target is torch.mean
    ):
        dims = node.args[1] if len(node.args) > 1 else node.kwargs.get("dim")
        if dims is None or sorted(d % 4 for d in (dims if isinstance(dims, Sequence) else [dims])) != [2, 3]:
            return None
        keepdim = node.args[2] if len(node.args) > 2 else node.kwargs.get("keepdim", False)
        return bool(keepdim)
    return None


def _is_float_passthrough(node: fx.Node, modules: dict[str, nn.Module]) -> bool:
    """Ops of the float head that stay as they are."""
    if node.op == "call_module":
        return isinstance(modules[str(node.target)], (nn.Linear, nn.Flatten))
    if node.op == "call_function":
        return node.target in (torch.flatten, F.linear)
    return node.op == "call_method" and node.target in ("flatten", "view", "reshape")


# --------------------------------------------------------------------------- folding


def fold_batchnorm(traced: fx.GraphModule) -> None:
    """Folds every `conv -> BatchNorm2d` pair in place."""
    modules = dict(traced.named_modules())
    for node in list(traced.graph.nodes):
        if node.op != "call_module" or not isinstance(modules[str(node.target)], nn.BatchNorm2d):
            continue
        producer = node.args[0]
        if not (isinstance(producer, fx.Node) and _is_conv(producer, modules) and len(producer.users) == 1):
            raise UnsupportedTorchOp(f"{node.target}: BatchNorm2d must directly follow a Conv2d to be folded")
        conv: nn.Conv2d = modules[str(producer.target)]
        bn: nn.BatchNorm2d = modules[str(node.target)]
        factor = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
        folded = nn.Conv2d(
            conv.in_channels,
            conv.out_channels,
            conv.kernel_size,
            conv.stride,
            conv.padding,
            conv.dilation,
            conv.groups,
            bias=True,
            padding_mode=conv.padding_mode,
        )
        with torch.no_grad():
            folded.weight.copy_(conv.weight * factor.view(-1, 1, 1, 1))
            bias = conv.bias.detach() if conv.bias is not None else torch.zeros(conv.out_channels)
            folded.bias.copy_((bias - bn.running_mean) * factor + bn.bias.detach())
        _set_submodule(traced, str(producer.target), folded)
        modules[str(producer.target)] = folded
        node.replace_all_uses_with(producer)
        traced.graph.erase_node(node)
    traced.recompile()
    traced.delete_all_unused_submodules()


def _set_submodule(root: nn.Module, path: str, module: nn.Module) -> None:
    parent_path, _, name = path.rpartition(".")
    parent = root.get_submodule(parent_path) if parent_path else root
    setattr(parent, name, module)


# --------------------------------------------------------------------------- calibration


class _RangeObserver(fx.Interpreter):
    def __init__(self, module: fx.GraphModule, nodes: Iterable[fx.Node]):
        super().__init__(module)
        self.watched = {node.name for node in nodes}
        self.ranges: dict[str, tuple[float, float]] = {}

    def run_node(self, node: fx.Node):
        result = super().run_node(node)
        if node.name in self.watched and isinstance(result, torch.Tensor):
            low, high = float(result.min()), float(result.max())
            old = self.ranges.get(node.name, (math.inf, -math.inf))
            self.ranges[node.name] = (min(old[0], low), max(old[1], high))
        return result


# --------------------------------------------------------------------------- the quantizer


def quantize_model(model: nn.Module, calibration: Iterable[torch.Tensor]) -> fx.GraphModule:
    """A float CNN as a fake-quant module (see the module docstring)."""
    traced = fx.symbolic_trace(copy.deepcopy(model).eval())
    fold_batchnorm(traced)
    graph = traced.graph
    modules = dict(traced.named_modules())

    # The node whose output carries each op's quantization (its folded activation, if any).
    quant_point: dict[fx.Node, fx.Node] = {}
    folded_activation: dict[fx.Node, fx.Node] = {}
    for node in graph.nodes:
        if node.op == "placeholder" or _is_conv(node, modules) or _is_add(node):
            quant_point[node] = node
            users = list(node.users)
            if node.op != "placeholder" and len(users) == 1 and _is_relu(users[0], modules):
                quant_point[node] = users[0]
                folded_activation[users[0]] = node

    observer = _RangeObserver(traced, quant_point.values())
    batches = 0
    with torch.no_grad():
        for batch in calibration:
            try:
                observer.run(batch)
            except Exception as error:  # e.g. the input shape does not fit the model
                raise ValueError(
                    f"the float model {type(model).__name__} failed on a calibration batch of shape "
                    f"{tuple(batch.shape)}: {type(error).__name__}: {str(error).strip()}"
                ) from None
            batches += 1
    if batches == 0:
        raise ValueError("post-training quantization needs at least one calibration batch")
    qparams = {node: activation_qparams(*observer.ranges[point.name]) for node, point in quant_point.items()}

    new_graph = fx.Graph()
    new_modules: dict[str, nn.Module] = {}
    env: dict[fx.Node, fx.Node] = {}
    quantized: dict[fx.Node, QParams] = {}  # new-graph node -> quantization of its output

    def quantized_input(node: fx.Node, user: fx.Node) -> tuple[fx.Node, QParams]:
        new_node = env[node]
        if new_node not in quantized:
            raise UnsupportedTorchOp(f"{_module_path(user)}: its input {node.name} is not an int8 activation")
        return new_node, quantized[new_node]

    for node in graph.nodes:
        if node in folded_activation:
            env[node] = env[folded_activation[node]]
            continue
        if node.op == "placeholder":
            placeholder = new_graph.placeholder(node.name)
            params = qparams[node]
            new_modules["quantize_input"] = QuantizeInput(params.scale, params.zero_point)
            env[node] = new_graph.call_module("quantize_input", (placeholder,))
            quantized[env[node]] = params
        elif _is_conv(node, modules):
            x, x_params = quantized_input(node.args[0], node)
            conv: nn.Conv2d = modules[str(node.target)]
            if conv.dilation != (1, 1) or conv.padding_mode != "zeros" or isinstance(conv.padding, str):
                raise UnsupportedTorchOp(f"{node.target}: only zero-padded, undilated convolutions are supported")
            bias = conv.bias.detach().double().numpy() if conv.bias is not None else np.zeros(conv.out_channels)
            floor = bias_scale_floor(bias, x_params.scale)
            weight_q, w_scales = quantize_weight(conv.weight.detach().double().numpy(), floor)
            out = qparams[node]
            new_modules[str(node.target)] = QConv2d(
                weight_q,
                quantize_bias(bias, w_scales, x_params.scale),
                w_scales,
                x_scale=x_params.scale,
                y_scale=out.scale,
                y_zero=out.zero_point,
                stride=conv.stride,
                padding=conv.padding,
                groups=conv.groups,
            )
            env[node] = new_graph.call_module(str(node.target), (x,))
            quantized[env[node]] = out
        elif _is_add(node):
            (a, _), (b, _) = (quantized_input(arg, node) for arg in node.args[:2])
            out = qparams[node]
            new_modules[node.name] = QAdd(out.scale, out.zero_point)
            env[node] = new_graph.call_module(node.name, (a, b))
            quantized[env[node]] = out
        elif (keepdim := _pool_keepdim(node, modules)) is not None:
            x, x_params = quantized_input(node.args[0], node)
            name = _module_path(node)
            new_modules[name] = QGlobalAvgPool(x_params.scale, x_params.zero_point)
            pooled = new_graph.call_module(name, (x,))
            quantized[pooled] = x_params
            env[node] = pooled if keepdim else new_graph.call_function(torch.flatten, (pooled, 1))
        elif _is_identity(node, modules):
            env[node] = env[node.args[0]]
        elif _is_float_passthrough(node, modules):
            if node.op == "call_module":
                new_modules[str(node.target)] = copy.deepcopy(modules[str(node.target)])
            env[node] = new_graph.node_copy(node, lambda n: env[n])
        elif node.op == "output":
            new_graph.output(fx.node.map_arg(node.args[0], lambda n: env[n]))
        else:
            what = type(modules[str(node.target)]).__name__ if node.op == "call_module" else str(node.target)
            raise UnsupportedTorchOp(f"{_module_path(node)}: {what} is not supported")
    return fx.GraphModule(new_modules, new_graph)


# --------------------------------------------------------------------------- files


def load_model_class(spec: str) -> nn.Module:
    """`path/to/file.py:ClassName` -> an instance built without arguments."""
    path_text, _, class_name = spec.rpartition(":")
    path = Path(path_text)
    if not path.is_file():
        raise UnsupportedTorchOp(f"{path}: no such file")
    module_spec = importlib.util.spec_from_file_location(f"tt_user_model_{path.stem}", path)
    assert module_spec is not None and module_spec.loader is not None
    user_module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = user_module
    try:
        module_spec.loader.exec_module(user_module)
    except Exception as error:  # the user's file: a syntax error, a failing import...
        raise ValueError(f"{path}: cannot load the model file ({type(error).__name__}: {error})") from None
    model_class = getattr(user_module, class_name, None)
    if model_class is None or not (isinstance(model_class, type) and issubclass(model_class, nn.Module)):
        raise UnsupportedTorchOp(f"{path}: no nn.Module class named {class_name}")
    try:
        return model_class()
    except Exception as error:
        raise ValueError(
            f"{path}: cannot construct {class_name}() without arguments ({type(error).__name__}: {error})"
        ) from None


def calibration_batches(source: str, input_shape: tuple[int, int, int, int]) -> list[torch.Tensor]:
    """Calibration inputs from an .npz (every array, NCHW float) or a folder of images."""
    from tiny_training.frontends.images import load_image

    path = Path(source)
    if path.suffix == ".npz":
        if not path.is_file():
            raise ValueError(f"{path}: no such file (calibration data)")
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = [archive[name].astype(np.float32) for name in archive.files]
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: cannot read the calibration data: {error}") from None
        for name, array in zip(archive.files, arrays):
            if array.ndim not in (3, 4):
                raise ValueError(f"{path}: calibration array {name} has shape {array.shape}, expected CHW or NCHW")
        return [torch.from_numpy(a if a.ndim == 4 else a[None]) for a in arrays]
    if path.is_dir():
        images = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".bmp"))
        if not images:
            raise ValueError(f"{path}: no images (.jpg, .png, .bmp) for calibration")
        size = input_shape[2]
        return [
            torch.from_numpy(load_image(image, size=size, resize=round(size * 1.15)).astype(np.float32) / 127.5)
            for image in images
        ]
    raise ValueError(f"{source}: calibration data must be a folder of images or an .npz")


def import_float_model_file(spec: str, *, calibration: str | None, input_shape: tuple[int, ...] | None):
    from tiny_training.frontends.api import import_fake_quant_module

    if calibration is None:
        raise ValueError("a float model needs --calibration (a folder of images or an .npz)")
    shape = tuple(input_shape or (1, 3, 128, 128))
    model = load_model_class(spec)
    quantized = quantize_model(model, calibration_batches(calibration, shape))  # pyright: ignore
    return import_fake_quant_module(quantized, torch.zeros(shape))
