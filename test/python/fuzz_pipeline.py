"""Differential fuzzing of the whole pipeline (used by test_fuzz_pipeline.py).

A hypothesis strategy draws a small random float CNN (`ModelSpec`): odd and non-square
resolutions, 1-4 input channels, regular convs of kernel 1/3/5 with stride 1/2 and any
padding, depthwise convs, inverted-residual blocks with and without the residual add,
plain residual convs, BatchNorm with random statistics, ReLU / ReLU6 / none, random
weight magnitudes per layer (so the quantization scales vary over decades), a random
calibration distribution, and a random training setup (sparse-update scheme incl. JSON
schemes with partial channel ratios, QAS on or off, fp32 or int8 head, learning rates,
arena planner). `check_model` pushes it through everything a user runs:

    float nn.Module -> PTQ (frontends/ptq.py) -> torch.export + torch-mlir -> qtrain IR
      -> qtrain-training -> qtrain-memory -> C (debug arena + UBSan build, host) -> ctypes

and compares, over a few training steps on random int8 samples:

1. the planned program on the reference interpreter (running through the arena's
   bytes) against the tensor program before planning: losses and every parameter
   bit for bit (same numpy operations, so no tolerance);
2. the C program against the planned interpreter, step by step from the same
   parameters: the int8 forward path is bit-exact, which for an int8 head means the
   logits are equal bit for bit; an fp32 head's logits and the loss within the f32
   bounds derived in test_c_backend.py; updated int8/int32 values equal or off by one
   at a rounding tie (f32 gradient sums in C, f64 in the interpreter; at most one
   element per step or 1% of the updated ones), int32 steps beyond 2^10 within
   1 + 2^-12 |step| (LARGE_STEP); fp32 head values within their bound;
3. the debug build's arena checker (tt_debug_arena.h) finds nothing: no op changed a
   byte outside its outputs, no guard canary moved, and dead bytes are poisoned, so a
   read of a dead buffer would have broken 2; and UndefinedBehaviorSanitizer reported
   nothing (no signed overflow, misaligned access or bad shift in any kernel).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from hypothesis import strategies as st
from torch import nn
from xdsl.context import Context
from xdsl.interpreter import Interpreter

from test_c_backend import (
    MAX_OFF_BY_ONE_FRACTION,
    U,
    CProgram,
    head_tolerance,
    learning_rates,
    logit_bound,
    loss_bound,
    trained_elements,
)
from test_debug_arena import arena_report, describe
from tiny_training.dialects import qtrain
from tiny_training.frontends.api import import_fake_quant_module
from tiny_training.frontends.ptq import quantize_model
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass

ROOT = Path(__file__).resolve().parents[2]
# torch.export logs every traced graph at DEBUG; a failing example's report should not drown in it.
logging.getLogger("torch").setLevel(logging.WARNING)
# The generated project's flags (backends/cortex_m/project.py CMAKE_TEMPLATE, Release), plus
# UndefinedBehaviorSanitizer (recovering: each finding is a line on stderr, captured and
# checked after the run; signed overflow in a kernel for some random shape would show here).
C_FLAGS = [
    "-std=c99", "-O3", "-DNDEBUG", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-fno-fast-math", "-fPIC",
    "-fsanitize=undefined",
    # gcc 12 at -O3 with -fsanitize=undefined warns "writing 1 byte into a region of size 0"
    # on the split-weight gather of tt_get_param (a false positive of the instrumented code;
    # the same file compiles cleanly with the project's own flags, test_fuzz_regressions.py).
    "-Wno-stringop-overflow",
]  # fmt: skip


# --------------------------------------------------------------------------- the spec

# The generator's ranges; larger ones (e.g. TT_FUZZ_MAX_CHANNELS=48 TT_FUZZ_MAX_SIZE=40) reach
# more of the kernels' fast-path edge cases at the cost of time per model.
MAX_CHANNELS = int(os.environ.get("TT_FUZZ_MAX_CHANNELS", "12"))
MAX_SIZE = int(os.environ.get("TT_FUZZ_MAX_SIZE", "15"))
MAX_LAYERS = int(os.environ.get("TT_FUZZ_MAX_LAYERS", "4"))


@dataclass(frozen=True)
class Layer:
    kind: str  # "conv", "dw", "block" (inverted residual), "res" (conv + residual add)
    kernel: int = 3
    stride: int = 1
    pad: int = 1
    out: int = 0  # output channels ("conv", "block")
    act: str = "relu"  # "relu", "relu6", "none"
    bn: bool = False
    expand: int = 1  # "block": hidden = expand * in
    weight_gain: float = 1.0


@dataclass(frozen=True)
class ModelSpec:
    channels: int
    height: int
    width: int
    layers: tuple[Layer, ...]
    classes: int
    seed: int
    input_mean: float
    input_std: float
    calibration_batches: int
    scheme: str  # "full", "bias-only", "last-<k>", or "json"
    scheme_json: dict = field(default_factory=dict, hash=False, compare=False)
    qas: bool = True
    int8_head: bool = False
    lr: float = 0.1
    lr_bias: float = 0.01
    algorithm: str = "optimal"
    steps: int = 3

    def describe(self) -> str:
        layers = ", ".join(
            f"{l.kind}(k{l.kernel} s{l.stride} p{l.pad}{f' o{l.out}' if l.out else ''}"
            f"{f' e{l.expand}' if l.kind == 'block' else ''} {l.act}{' bn' if l.bn else ''} g{l.weight_gain:g})"
            for l in self.layers
        )
        scheme = json.dumps(self.scheme_json) if self.scheme == "json" else self.scheme
        return (
            f"{self.channels}x{self.height}x{self.width} [{layers}] classes {self.classes} scheme {scheme} "
            f"qas {self.qas} int8-head {self.int8_head} lr {self.lr:g}/{self.lr_bias:g} {self.algorithm} "
            f"seed {self.seed}"
        )


def out_size(size: int, kernel: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def conv_count(layers) -> int:
    """Convs in forward order as the sparse-update schemes count them."""
    return sum({"conv": 1, "dw": 1, "res": 1, "block": 3}[l.kind] - (l.kind == "block" and l.expand == 1) for l in layers)


@st.composite
def layers_strategy(draw, channels: int, height: int, width: int):
    layers = []
    count = draw(st.integers(1, MAX_LAYERS))
    for _ in range(count):
        kind = draw(st.sampled_from(["conv", "conv", "dw", "block", "res"]))
        kernel = draw(st.sampled_from([1, 3, 3, 5] if kind in ("conv", "res") else [3, 5]))
        stride = 1 if kind == "res" else draw(st.sampled_from([1, 2]))
        pad = kernel // 2 if kind == "res" else draw(st.integers(0, kernel // 2))
        h, w = out_size(height, kernel, stride, pad), out_size(width, kernel, stride, pad)
        if h < 1 or w < 1:
            continue
        out = channels
        if kind in ("conv", "block"):
            out = draw(st.integers(1, MAX_CHANNELS))
        expand = draw(st.sampled_from([1, 2, 3])) if kind == "block" else 1
        layer = Layer(
            kind, kernel, stride, pad, out if kind in ("conv", "block") else 0,
            act=draw(st.sampled_from(["relu", "relu6", "none"])),
            bn=draw(st.booleans()),
            expand=expand,
            weight_gain=draw(st.sampled_from([0.05, 0.3, 1.0, 4.0])),
        )  # fmt: skip
        layers.append(layer)
        channels, height, width = out, h, w
    return tuple(layers)


@st.composite
def model_specs(draw) -> ModelSpec:
    channels = draw(st.integers(1, 4))
    height, width = draw(st.integers(3, MAX_SIZE)), draw(st.integers(3, MAX_SIZE))
    layers = draw(layers_strategy(channels, height, width))
    if not layers:
        layers = (Layer("conv", 1, 1, 0, out=draw(st.integers(1, 8))),)
    spec = ModelSpec(
        channels=channels, height=height, width=width, layers=layers,
        classes=draw(st.integers(2, 6)),
        seed=draw(st.integers(0, 2**16)),
        input_mean=draw(st.sampled_from([0.0, 0.5, -1.0, 3.0])),
        input_std=draw(st.sampled_from([0.1, 1.0, 5.0])),
        calibration_batches=draw(st.integers(1, 3)),
        scheme="full",
        qas=draw(st.booleans()),
        int8_head=draw(st.booleans()),
        lr=draw(st.sampled_from([0.01, 0.1, 0.5, 2.0])),
        lr_bias=draw(st.sampled_from([0.001, 0.01, 0.1])),
        algorithm=draw(st.sampled_from(["greedy-by-size", "greedy-by-conflicts", "optimal"])),
    )  # fmt: skip
    convs = conv_count(layers)
    mode = draw(st.sampled_from(["full", "bias-only", "last", "json", "json"]))
    if mode == "last":
        return _replace(spec, scheme=f"last-{draw(st.integers(1, convs))}")
    if mode != "json":
        return _replace(spec, scheme=mode)
    idx = sorted(draw(st.sets(st.integers(0, convs - 1), max_size=convs)))
    ratios = [draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for _ in idx]
    scheme = {"n_bias_update": draw(st.integers(0, convs)), "weight_idx": idx, "weight_ratio": ratios}
    return _replace(spec, scheme="json", scheme_json=scheme)


def _replace(spec: ModelSpec, **changes) -> ModelSpec:
    from dataclasses import replace

    return replace(spec, **changes)


# --------------------------------------------------------------------------- the float model


def _act(name: str) -> nn.Module | None:
    return {"relu": nn.ReLU(), "relu6": nn.ReLU6(), "none": None}[name]


class ConvUnit(nn.Module):
    """conv (+ BN) (+ activation)."""

    def __init__(self, cin, cout, kernel, stride, pad, groups, act, bn, gain, generator):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, pad, groups=groups, bias=not bn)
        with torch.no_grad():
            self.conv.weight.mul_(gain)
            if self.conv.bias is not None:
                self.conv.bias.copy_(torch.randn(cout, generator=generator) * 0.3 * gain)
        self.bn = nn.BatchNorm2d(cout) if bn else None
        if self.bn is not None:
            with torch.no_grad():
                self.bn.running_mean.copy_(torch.randn(cout, generator=generator) * 0.2)
                self.bn.running_var.copy_(torch.rand(cout, generator=generator) * 2 + 0.1)
                self.bn.weight.copy_(torch.rand(cout, generator=generator) + 0.5)
                self.bn.bias.copy_(torch.randn(cout, generator=generator) * 0.2)
        self.act = _act(act)

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        if self.act is not None:
            x = self.act(x)
        return x


class Block(nn.Module):
    def __init__(self, layer: Layer, cin: int, generator):
        super().__init__()
        hidden = cin * layer.expand
        parts = []
        if layer.expand != 1:
            parts.append(ConvUnit(cin, hidden, 1, 1, 0, 1, "relu6", layer.bn, layer.weight_gain, generator))
        parts.append(ConvUnit(hidden, hidden, layer.kernel, layer.stride, layer.pad, hidden, layer.act, layer.bn,
                              layer.weight_gain, generator))  # fmt: skip
        parts.append(ConvUnit(hidden, layer.out, 1, 1, 0, 1, "none", layer.bn, layer.weight_gain, generator))
        self.body = nn.Sequential(*parts)
        self.residual = layer.stride == 1 and cin == layer.out and out_size(1, layer.kernel, 1, layer.pad) == 1

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class Residual(nn.Module):
    """x + conv(x) (same shape), with the activation after the add."""

    def __init__(self, layer: Layer, channels: int, generator):
        super().__init__()
        self.conv = ConvUnit(channels, channels, layer.kernel, 1, layer.kernel // 2, 1, "none", layer.bn,
                             layer.weight_gain, generator)  # fmt: skip
        self.act = _act(layer.act)

    def forward(self, x):
        y = x + self.conv(x)
        return self.act(y) if self.act is not None else y


class FuzzNet(nn.Module):
    def __init__(self, spec: ModelSpec):
        super().__init__()
        generator = torch.Generator().manual_seed(spec.seed)
        torch.manual_seed(spec.seed)
        channels = spec.channels
        features = []
        for layer in spec.layers:
            if layer.kind == "conv":
                features.append(ConvUnit(channels, layer.out, layer.kernel, layer.stride, layer.pad, 1, layer.act,
                                         layer.bn, layer.weight_gain, generator))  # fmt: skip
                channels = layer.out
            elif layer.kind == "dw":
                features.append(ConvUnit(channels, channels, layer.kernel, layer.stride, layer.pad, channels,
                                         layer.act, layer.bn, layer.weight_gain, generator))  # fmt: skip
            elif layer.kind == "block":
                features.append(Block(layer, channels, generator))
                channels = layer.out
            else:
                features.append(Residual(layer, channels, generator))
        self.features = nn.Sequential(*features)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, spec.classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


# --------------------------------------------------------------------------- the pipeline


def quantize_spec(spec: ModelSpec):
    """The float model post-training quantized on its calibration draw, and its qtrain IR."""
    model = FuzzNet(spec).eval()
    generator = torch.Generator().manual_seed(spec.seed + 1)
    shape = (1, spec.channels, spec.height, spec.width)
    calibration = [torch.randn(shape, generator=generator) * spec.input_std + spec.input_mean
                   for _ in range(spec.calibration_batches)]  # fmt: skip
    quantized = quantize_model(model, calibration)
    return quantized, import_fake_quant_module(quantized, torch.zeros(shape))


def build_module(spec: ModelSpec, work: Path):
    """The float model through PTQ, torch-mlir, qtrain-training: the tensor program."""
    _, module = quantize_spec(spec)
    scheme = spec.scheme
    if scheme == "json":
        path = work / "scheme.json"
        path.write_text(json.dumps(spec.scheme_json))
        scheme = str(path)
    QtrainTrainingPass(
        scheme=scheme, qas=spec.qas, classes=spec.classes, seed=spec.seed, int8_head=spec.int8_head,
        lr=spec.lr, lr_bias=spec.lr_bias,
    ).apply(Context(), module)  # fmt: skip
    module.verify()
    return module


def plan(module, spec: ModelSpec):
    planned = module.clone()
    QtrainMemoryPass(algorithm=spec.algorithm, time_limit=2).apply(Context(), planned)
    planned.verify()
    return planned


def runtime_archive(directory: Path) -> Path:
    """The runtime compiled once (like the project's tt_runtime, plus -fPIC)."""
    archive = directory / "libtt_runtime.a"
    if archive.exists():
        return archive
    compiler = os.environ.get("CC", "cc")
    objects = []
    for source in sorted((ROOT / "runtime" / "src").rglob("*.c")):
        obj = directory / (source.stem + ".o")
        subprocess.run([compiler, *C_FLAGS, "-I", str(ROOT / "runtime" / "include"), "-c", str(source), "-o", str(obj)],
                       check=True, capture_output=True)  # fmt: skip
        objects.append(str(obj))
    subprocess.run(["ar", "rcs", str(archive), *objects], check=True, capture_output=True)
    return archive


def build_library(planned, work: Path, archive: Path) -> Path:
    """model.c of the planned module as a debug-arena shared library."""
    from tiny_training.backends.cortex_m.project import write_project

    write_project(planned, work / "project")
    library = work / "libmodel.so"
    command = [
        os.environ.get("CC", "cc"), *C_FLAGS, "-DTT_DEBUG_ARENA=1", "-shared",
        "-I", str(work / "project"), "-I", str(ROOT / "runtime" / "include"),
        str(work / "project" / "model.c"), str(archive), "-lm", "-o", str(library),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise AssertionError(f"the generated C does not compile:\n{completed.stderr[-3000:]}")
    return library


def have_compiler() -> bool:
    return shutil.which(os.environ.get("CC", "cc")) is not None and shutil.which("ar") is not None


def samples(spec: ModelSpec) -> list[tuple[np.ndarray, int]]:
    rng = np.random.default_rng(spec.seed + 2)
    shape = (1, spec.channels, spec.height, spec.width)
    return [(rng.integers(-128, 128, size=shape, dtype=np.int8), int(rng.integers(0, spec.classes)))
            for _ in range(spec.steps)]  # fmt: skip


class StepInputs(Interpreter.Listener):
    """Captures the operands of the loss (the logits) and of the fp32 head, if any."""

    def __init__(self) -> None:
        self.logits: np.ndarray | None = None
        self.head: tuple[np.ndarray, ...] | None = None

    def will_interpret_op(self, op, args) -> None:
        if isinstance(op, qtrain.SoftmaxCrossEntropyOp):
            self.logits = np.asarray(args[0], dtype=np.float64)
        elif isinstance(op, qtrain.LinearOp):
            self.head = tuple(np.asarray(a) for a in args)


# int32 biases can take steps of millions: with a bias scale s_w * s_x of 1e-9, lr * g / s_b
# is huge. There the step's own f32 quantum and the f32 (C) vs f64 (interpreter) gradient,
# whose relative difference grows with the depth of the backward pass (measured: about
# 1e-6), allow more than one unit: |C - interpreter| <= 1 + 2^-12 |step| beyond 2^10.
LARGE_STEP = 2**10
LARGE_STEP_RELATIVE = 2.0**-12


def compare_c_training(planned, program, data, spec: ModelSpec) -> tuple[int, int]:
    """Comparison 2 for training steps; returns (updated int values, off-by-one ones)."""
    interpreter = ReferenceInterpreter(planned)
    listener = StepInputs()
    interpreter.interpreter.listeners = (listener,)
    trainable = [op for op in planned.ops if isinstance(op, qtrain.ParamOp) and op.trainable is not None]
    rates = learning_rates(planned)
    updated = off_by_one = large_off = 0
    for step, (image, label) in enumerate(data):
        listener.head = None
        before = {param.sym_name.data: program.get(param.sym_name.data) for param in trainable}  # = the interpreter's
        expected = interpreter.call("train_step", image, np.array([label], dtype=np.int32))[0]
        loss = program.train_step(image, label)
        assert listener.logits is not None
        logits = listener.logits
        # An int8 head's logits are dequantized int8 values: exact in both.
        logit_error = float(logit_bound(listener.head).max()) if listener.head is not None else 0.0
        bound = loss_bound(logits, logit_error)
        assert abs(float(loss) - float(expected)) <= bound, f"step {step}: loss {loss} vs {expected} (bound {bound})"
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        rho = (2 * float(logits.max() - logits.min()) + logits.shape[1] + 8) * U
        step_off = 0
        for param in trainable:
            name = param.sym_name.data
            ref, got = interpreter.params[name], program.get(name)
            if ref.dtype == np.float32:
                assert listener.head is not None, f"{name}: an f32 parameter without an fp32 head"
                x = listener.head[0].astype(np.float64)
                tolerance = head_tolerance(ref, rates[name], probabilities, label, x, rho)
                excess = np.abs(got.astype(np.float64) - ref) - tolerance
                assert excess.max() <= 0, f"step {step}: {name} differs by more than the f32 bound"
            else:
                difference = np.abs(got.astype(np.int64) - ref.astype(np.int64))
                step_size = np.abs(before[name].astype(np.int64) - ref.astype(np.int64))
                large = step_size > LARGE_STEP
                assert difference[~large].max(initial=0) <= 1, f"step {step}: {name} differs by more than 1"
                bound = 1 + np.ceil(LARGE_STEP_RELATIVE * step_size[large])
                assert np.all(difference[large] <= bound), f"step {step}: {name}: a large step differs too much"
                step_off += int((difference[~large] != 0).sum())
                large_off += int((difference[large] != 0).sum())
            assert program.set(name, ref) == ref.nbytes  # the next step starts from the same values
        step_updated = trained_elements(planned)
        # A tie is rare (the f32 and f64 gradients straddle a .5 step): one per step, or 1%.
        assert step_off <= max(1, MAX_OFF_BY_ONE_FRACTION * step_updated), f"step {step}: {step_off} values differ"
        updated += step_updated
        off_by_one += step_off
    if off_by_one == 0 and large_off == 0:  # same values in, same values out: the same clamps
        expected_saturations = sum(interpreter.saturations.values())
        assert program.lib.tt_saturation_count() == expected_saturations, "saturation counts differ"
    return updated, off_by_one


def compare_c_inference(planned, program, data) -> None:
    """Comparison 2 for inference (after the training steps, same parameters)."""
    interpreter = ReferenceInterpreter(planned)
    for param in planned.ops:
        if isinstance(param, qtrain.ParamOp) and param.trainable is not None:
            interpreter.params[param.sym_name.data] = program.get(param.sym_name.data)
    listener = StepInputs()
    interpreter.interpreter.listeners = (listener,)
    for image, _ in data[:2]:
        listener.head = None
        expected = np.asarray(interpreter.call("main", image)[0])
        logits = program.infer(image)
        if listener.head is None:  # int8 head: bit for bit
            assert logits.tobytes() == expected.astype(np.float32).tobytes(), f"logits {logits} vs {expected}"
        else:
            bound = logit_bound(listener.head) + 1e-30
            np.testing.assert_array_less(np.abs(logits.astype(np.float64) - expected), bound)


@contextlib.contextmanager
def captured_stderr(path: Path):
    """File descriptor 2 (where the C library's UBSan writes) into `path` meanwhile."""
    saved = os.dup(2)
    with open(path, "wb") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield path
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def check_model(spec: ModelSpec, work: Path, archive: Path) -> dict:
    """Runs the three comparisons of the module docstring; returns a few facts for the log."""
    work.mkdir(parents=True, exist_ok=True)
    tensor_program = build_module(spec, work)
    planned = plan(tensor_program, spec)
    data = samples(spec)

    # 1. planned (arena bytes) == tensor program, bit for bit.
    tensor_run, planned_run = ReferenceInterpreter(tensor_program), ReferenceInterpreter(planned)
    for step, (image, label) in enumerate(data):
        expected = tensor_run.call("train_step", image, np.array([label], np.int32))[0]
        got = planned_run.call("train_step", image, np.array([label], np.int32))[0]
        assert np.asarray(got).tobytes() == np.asarray(expected).tobytes(), f"step {step}: planned loss {got} vs {expected}"
        for name, value in tensor_run.params.items():
            np.testing.assert_array_equal(planned_run.params[name], value, err_msg=f"step {step}: {name}")

    # 2. C == planned interpreter (and UBSan silent).
    program = CProgram(build_library(planned, work, archive), planned)
    with captured_stderr(work / "stderr.txt") as stderr:
        program.lib.tt_init()
        updated, off_by_one = compare_c_training(planned, program, data, spec)
        compare_c_inference(planned, program, data)
    findings = [line for line in stderr.read_text().splitlines() if "runtime error" in line]
    assert not findings, "UndefinedBehaviorSanitizer: " + "; ".join(findings[:3])

    # 3. The arena checker found nothing.
    arena = arena_report(program)
    assert arena.findings == 0, describe(arena)
    convs = sum(1 for op in tensor_program.walk() if op.name == "qtrain.conv2d" and op.parent_op().sym_name.data == "main")
    arena_size = next(op.size_bytes for op in planned.ops if op.name == "mem.arena")
    saturated = int(program.lib.tt_saturation_count())
    return {"convs": convs, "updated": updated, "off_by_one": off_by_one, "saturated": saturated, "arena": arena_size}
