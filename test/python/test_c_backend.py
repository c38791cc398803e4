"""The C target (`tt-opt -t c`, backends/c/) and `tt-compile`: the
generated program, built on the host as a shared library and called through ctypes,
trains like the reference interpreter running the same planned module.

Each step starts C and interpreter from the same parameters (after the comparison the
interpreter's values are copied into the C program with `tt_set_param`), so the
comparison measures one step's differences and they cannot accumulate.

Tolerances (u = 2**-24, the f32 unit roundoff)
------------------------------------------------
* int8 forward path, masks, requantization: bit-exact in C (tested kernel by kernel in
  test_kernels_forward.py), so the features entering the fp32 head are identical.
* Logits: `qtrain.linear` is an f32 sum of K products plus the bias. C sums in
  increasing k, the interpreter's numpy matmul in an unspecified order (BLAS, maybe
  FMA); each is within gamma_{K+1} * M of the exact value, M = |x| @ |W|^T + |b|
  (computed from the head's actual inputs, captured with an interpreter listener), so
  |C - interpreter| <= 2 (K + 2) u M per logit.
* Loss: the logits differ by at most d (above); log-sum-exp moves by at most 2 d; the
  f32 evaluation in C (expf, logf, the shifted sum) against the interpreter's f64 adds
  rho + 7 u (log C + S), rho = (2 S + C + 8) u, S = the logit spread (as
  test_kernels_forward.py derives for the kernel).
* int8 weights and int32 biases after a step: the gradients are f32 sums in C and f64
  sums rounded once in the interpreter (tt_kernels.h), so `rint(f32(g * lr))` can land
  on the other side of a .5 boundary: an updated value may differ by exactly 1. We
  require every difference to be at most 1 and at most 1% of the updated elements to
  differ (measured: none differ in these tests; see MAX_OFF_BY_ONE_FRACTION).
* fp32 head after a step: W - f32(g * lr) with g = (softmax - onehot) x (batch 1); the
  softmax gradient differs by rho relative (above), so
  |C - interpreter| <= 2 u |W| + lr |g| (rho + 4 u) with lr |g| = the interpreter's own step
  |W_before - W_after| (+ one ulp of slack for that subtraction).
"""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter
from xdsl.parser import Parser

from tiny_training.backends.c import CodegenError, generate_c
from tiny_training.backends.cortex_m.project import (
    BuildError,
    build_project,
    pseudo_random_image,
    write_project,
)
from tiny_training.dialects import qtrain
from tiny_training.frontends.images import load_image
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.analysis.schedule import trainable_sram_bytes
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.paths import SharedDirMissing, shared_dir
from tiny_training.tools.common import make_context

from test_mem_lowering import TINY

U = 2.0**-24
MAX_OFF_BY_ONE_FRACTION = 0.01
BIN = Path(sys.executable).parent

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None

needs_cmake = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed (make test installs it)")


# --------------------------------------------------------------------------- ctypes


class ParamInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("data", ctypes.c_void_p),
        ("bytes", ctypes.c_int32),
        ("dtype", ctypes.c_int32),
        ("trainable", ctypes.c_int32),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.c_int32 * 4),
    ]


DTYPES = {0: np.int8, 1: np.int32, 2: np.float32}


class CProgram:
    """The generated model loaded with ctypes."""

    def __init__(self, library: Path, module: ModuleOp):
        self.library = library
        self.lib = ctypes.CDLL(str(library))
        V, I = ctypes.c_void_p, ctypes.c_int32
        signatures = {
            "tt_init": (None, []),
            "tt_infer": (None, [V, V]),
            "tt_train_step": (None, [V, I, V]),
            "tt_param_count": (I, []),
            "tt_param": (ctypes.POINTER(ParamInfo), [I]),
            "tt_get_param": (I, [I, V, I]),
            "tt_set_param": (I, [I, V, I]),
            "tt_saturation_count": (I, []),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(self.lib, name)
            function.restype, function.argtypes = restype, argtypes
        main = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == "main")
        self.classes = main.function_type.outputs.data[0].get_shape()[-1]  # pyright: ignore[reportAttributeAccessIssue]
        self.index = {self.info(i).name.decode(): i for i in range(self.lib.tt_param_count())}

    def info(self, index: int) -> ParamInfo:
        pointer = self.lib.tt_param(index)
        assert pointer
        return pointer.contents

    def infer(self, image: np.ndarray) -> np.ndarray:
        image = np.ascontiguousarray(image, dtype=np.int8)
        logits = np.zeros((1, self.classes), dtype=np.float32)
        self.lib.tt_infer(image.ctypes.data, logits.ctypes.data)
        return logits

    def train_step(self, image: np.ndarray, label: int) -> np.float32:
        image = np.ascontiguousarray(image, dtype=np.int8)
        loss = np.zeros((), dtype=np.float32)
        self.lib.tt_train_step(image.ctypes.data, int(label), loss.ctypes.data)
        return loss[()]

    def get(self, name: str) -> np.ndarray:
        info = self.info(self.index[name])
        value = np.empty(tuple(info.shape[: info.rank]), dtype=DTYPES[info.dtype])
        assert self.lib.tt_get_param(self.index[name], value.ctypes.data, value.nbytes) == value.nbytes
        return value

    def set(self, name: str, value: np.ndarray) -> int:
        info = self.info(self.index[name])
        value = np.ascontiguousarray(value, dtype=DTYPES[info.dtype])
        return self.lib.tt_set_param(self.index[name], value.ctypes.data, value.nbytes)


class HeadInputs(Interpreter.Listener):
    """Captures the operands of every `qtrain.linear` the interpreter runs."""

    def __init__(self) -> None:
        self.last: tuple[np.ndarray, ...] | None = None

    def will_interpret_op(self, op, args) -> None:
        if isinstance(op, qtrain.LinearOp):
            self.last = tuple(np.asarray(a) for a in args)


def reference(module: ModuleOp) -> tuple[ReferenceInterpreter, HeadInputs]:
    interpreter = ReferenceInterpreter(module)
    listener = HeadInputs()
    interpreter.interpreter.listeners = (listener,)
    return interpreter, listener


def logit_bound(head: tuple[np.ndarray, ...]) -> np.ndarray:
    x, w, b = (a.astype(np.float64) for a in head)
    k = x.shape[1]
    return 2 * (k + 2) * U * (np.abs(x) @ np.abs(w).T + np.abs(b))


def loss_bound(logits: np.ndarray, logit_error: float) -> float:
    classes = logits.shape[1]
    spread = float(logits.max() - logits.min())
    rho = (2 * spread + classes + 8) * U
    return 2 * logit_error + rho + 7 * U * (math.log(classes) + spread)


# --------------------------------------------------------------------------- modules and builds


def planned(module: ModuleOp) -> ModuleOp:
    QtrainMemoryPass(algorithm="optimal", time_limit=5).apply(Context(), module)
    module.verify()
    return module


def tiny_module() -> ModuleOp:
    module = Parser(make_context(), TINY).parse_module()
    # Learning rates far above the defaults, so that the int8/int32 parameters of this
    # small module change in every step (at 8e-4 their steps all round to 0).
    QtrainTrainingPass(scheme="full", qas=True, classes=4, seed=3, lr=0.5, lr_bias=0.05).apply(Context(), module)
    return planned(module)


def build_host(module: ModuleOp, directory: Path, **kwargs) -> tuple[CProgram, Path]:
    write_project(module, directory, **kwargs)
    result = build_project(directory, "host")
    return CProgram(result.artifacts["shared library"], module), result.artifacts["executable"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (make test installs it)")
    module = tiny_module()
    program, executable = build_host(module, tmp_path_factory.mktemp("tiny-c"), sample_label=2)
    return module, program, executable


# (model, scheme, training steps): the sparse-update presets at 49 KB of FACTS.md section 5.
REAL_MODELS = [
    ("mcunet-5fps", "mcunet-5fps-49kb", 5),
    ("mbv2-w0.35", "mbv2-w0.35-49kb", 3),
    ("proxyless-w0.3", "proxyless-w0.3-49kb", 3),
]


@pytest.fixture(scope="module", params=REAL_MODELS, ids=[m[1] for m in REAL_MODELS])
def real_model(request, tmp_path_factory):
    if SHARED is None:
        pytest.skip("the shared models are absent: ../shared not found")
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (make test installs it)")
    from tiny_training.frontends.api import import_pretrained

    name, scheme, steps = request.param
    module = import_pretrained(name)
    QtrainTrainingPass(scheme=scheme, qas=True, classes=10, seed=1).apply(Context(), module)
    planned(module)
    program, _ = build_host(module, tmp_path_factory.mktemp(name))
    return scheme, steps, module, program


def photos() -> list[np.ndarray]:
    assert SHARED is not None
    return [load_image(path) for path in sorted((SHARED / "data" / "photos").glob("*.jpg"))]


# --------------------------------------------------------------------------- comparison


def learning_rates(module: ModuleOp) -> dict[str, float]:
    """The lr of each parameter's update (plain or fused)."""
    rates = {}
    for op in module.walk():
        if isinstance(op, (qtrain.SgdUpdateOp, qtrain.Conv2dWeightUpdateOp)):
            rates[op.param.string_value()] = float(np.float32(op.lr.value.data))
    return rates


def trained_elements(module: ModuleOp) -> int:
    """int8/int32 parameter elements that a training step updates (trained slices only)."""
    params = {op.sym_name.data: op for op in module.ops if isinstance(op, qtrain.ParamOp)}
    total = 0
    for op in module.walk():
        if isinstance(op, qtrain.SgdUpdateOp):
            param = params[op.param.string_value()]
            if param.to_numpy().dtype != np.float32:
                total += math.prod(op.grad.type.get_shape())  # pyright: ignore[reportAttributeAccessIssue]
        elif isinstance(op, qtrain.Conv2dWeightUpdateOp):
            total += math.prod(op.grad_weight_shape(params[op.param.string_value()].value_type.get_shape()))
    return total


def head_tolerance(ref, lr, probabilities, label, x, rho):
    """Bound on |C - interpreter| for an fp32 head parameter after one step (batch 1):
    the softmax gradient dy_o = p_o - [o == label] is off by <= rho p_o + 3 u |dy_o|, the
    weight gradient is dy_o x_k (bias: dy_o), the step one f32 product and subtraction."""
    dy = probabilities[0].copy()
    dy[label] -= 1.0
    dy_error = rho * probabilities[0] + 3 * U * np.abs(dy)
    grad_error = np.outer(dy_error, np.abs(x[0])) if ref.ndim == 2 else dy_error
    return lr * grad_error * (1 + 4 * U) + 2 * U * np.abs(ref) + np.spacing(np.abs(ref).astype(np.float32))


def compare_training(module, program, samples, report):
    """Runs `samples` (image, label) through both, step by step; returns the interpreter
    and the counts of updated int8/int32 elements and of those that differ by one."""
    interpreter, head = reference(module)
    trainable = [op for op in module.ops if isinstance(op, qtrain.ParamOp) and op.trainable is not None]
    rates = learning_rates(module)
    updated, off_by_one = 0, 0
    for step, (image, label) in enumerate(samples):
        expected = interpreter.call("train_step", image, np.array([label], dtype=np.int32))[0]
        loss = program.train_step(image, label)
        assert head.last is not None
        x = head.last[0].astype(np.float64)
        logits = x @ head.last[1].astype(np.float64).T + head.last[2]
        bound = loss_bound(logits, float(logit_bound(head.last).max()))
        assert abs(float(loss) - float(expected)) <= bound, f"step {step}: loss {loss} vs {expected} (bound {bound})"
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        rho = (2 * float(logits.max() - logits.min()) + logits.shape[1] + 8) * U
        for param in trainable:
            name = param.sym_name.data
            ref, got = interpreter.params[name], program.get(name)
            if ref.dtype == np.float32:
                tolerance = head_tolerance(ref, rates[name], probabilities, label, x, rho)
                excess = np.abs(got.astype(np.float64) - ref) - tolerance
                assert excess.max() <= 0, f"step {step}: {name} differs by more than the f32 bound"
            else:
                difference = got.astype(np.int64) - ref.astype(np.int64)
                assert np.abs(difference).max() <= 1, f"step {step}: {name} differs by more than 1"
                off_by_one += int((difference != 0).sum())
            assert program.set(name, ref) == ref.nbytes  # the next step starts from the same values
        updated += trained_elements(module)
        report.append(f"step {step}: loss C {float(loss):.7f} interpreter {float(expected):.7f}")
    assert off_by_one <= MAX_OFF_BY_ONE_FRACTION * updated, f"{off_by_one} of {updated} updated values differ"
    return interpreter, updated, off_by_one


def compare_inference(interpreter, head, program, image):
    expected = interpreter.call("main", image)[0]
    logits = program.infer(image)
    assert head.last is not None
    np.testing.assert_array_less(np.abs(logits.astype(np.float64) - expected), logit_bound(head.last) + 1e-30)
    return logits, expected


# --------------------------------------------------------------------------- tests: the tiny module


def tiny_samples(count: int, seed: int = 11):
    rng = np.random.default_rng(seed)
    return [(rng.integers(-128, 128, size=(1, 2, 4, 4), dtype=np.int8), int(rng.integers(0, 4))) for _ in range(count)]


def test_tiny_module_trains_like_the_interpreter(tiny):
    module, program, _ = tiny
    program.lib.tt_init()
    report: list[str] = []
    interpreter, updated, off_by_one = compare_training(module, program, tiny_samples(6), report)
    assert updated > 0
    # Inference reads the trained parameters (SRAM arrays shared with the training step).
    interpreter.interpreter.listeners = (head := HeadInputs(),)
    for image, _ in tiny_samples(3, seed=5):
        compare_inference(interpreter, head, program, image)


def test_parameter_table(tiny):
    module, program, _ = tiny
    params = [op for op in module.ops if isinstance(op, qtrain.ParamOp)]
    assert program.lib.tt_param_count() == len(params)
    for index, param in enumerate(params):
        info = program.info(index)
        assert info.name.decode() == param.sym_name.data
        assert tuple(info.shape[: info.rank]) == tuple(param.value_type.get_shape())
        assert bool(info.trainable) == (param.trainable is not None)
        assert info.bytes == param.to_numpy().nbytes
    assert not program.lib.tt_param(len(params))
    weight = program.get("c1.w")
    assert program.set("c1.w", np.zeros(weight.size + 1, np.int8)) == -1  # wrong size
    assert program.set("c1.w", weight + 1) == weight.nbytes
    np.testing.assert_array_equal(program.get("c1.w"), weight + 1)
    program.lib.tt_init()  # back to the compiled values
    np.testing.assert_array_equal(program.get("c1.w"), params[0].to_numpy())


def test_host_driver_runs_the_sample(tiny):
    module, _, executable = tiny
    lines = subprocess.run([str(executable), "2"], capture_output=True, text=True, check=True, timeout=60).stdout
    values = {}
    for line in lines.splitlines():
        kind, index, _, bits = line.split()
        values[(kind, int(index))] = np.array([int(bits, 16)], dtype=np.uint32).view(np.float32)[0]
    image = pseudo_random_image((1, 2, 4, 4))
    interpreter, head = reference(module)
    expected_logits = interpreter.call("main", image)[0]
    bound = logit_bound(head.last)
    for c in range(4):
        assert abs(float(values[("logit", c)]) - float(expected_logits[0, c])) <= bound[0, c]
    expected_loss = interpreter.call("train_step", image, np.array([2], dtype=np.int32))[0]
    logits = head.last[0] @ head.last[1].T + head.last[2]
    assert abs(float(values[("loss", 0)]) - float(expected_loss)) <= loss_bound(logits, float(bound.max()))
    assert ("loss", 1) in values


# --------------------------------------------------------------------------- tests: a real model


def test_real_model_trains_like_the_interpreter(real_model, capsys):
    """A pretrained model with its 49 KB sparse-update scheme (biases of the last layers,
    partial weights, the fp32 head) on real photos: inference before and after training,
    and synchronised training steps."""
    scheme, steps, module, program = real_model
    program.lib.tt_init()
    images = photos()
    interpreter, head = reference(module)
    for image in images[:2]:
        compare_inference(interpreter, head, program, image)
    report: list[str] = []
    samples = [(image, label) for label, image in enumerate(images[:steps])]
    interpreter, updated, off_by_one = compare_training(module, program, samples, report)
    assert updated > 0
    interpreter.interpreter.listeners = (head := HeadInputs(),)
    compare_inference(interpreter, head, program, images[-1])
    with capsys.disabled():
        print(f"\n{scheme}: {updated} trained int8/int32 values over {steps} steps, {off_by_one} off by one; "
              + "; ".join(report))  # fmt: skip


def writable_symbol_bytes(library: Path, prefix: str) -> int:
    """Bytes of the writable (.bss/.data) symbols named `prefix...` in a built library."""
    listing = subprocess.run(["nm", "-S", "--defined-only", str(library)], capture_output=True, text=True, check=True)
    total = 0
    for row in listing.stdout.splitlines():
        fields = row.split()
        if len(fields) == 4 and fields[2] in "bBdD" and fields[3].startswith(prefix):
            total += int(fields[1], 16)
    return total


def test_real_model_parameter_sram_is_the_plan(real_model):
    """Split storage: a partially trained conv weight keeps only its trained channels in
    SRAM, so the program's writable parameter arrays are exactly the bytes the memory
    plan counts (`trainable_sram_bytes`); the parameter table still shows the whole
    tensors (tt_get_param gathers the parts, tt_set_param refuses to change frozen ones)."""
    _, _, module, program = real_model
    train_step = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == "train_step")
    planned_bytes = trainable_sram_bytes(module, train_step)
    model = generate_c(module)
    split = [p for p in model.params if p.is_split]
    assert split and not model.whole_partial
    assert model.trainable_bytes == planned_bytes
    if shutil.which("nm") is not None:
        assert writable_symbol_bytes(program.library, "tt_p_") == planned_bytes

    program.lib.tt_init()
    for param in split:
        info = program.info(program.index[param.name])
        assert info.data is None and info.bytes == param.nbytes and info.trainable
        value = program.get(param.name)
        np.testing.assert_array_equal(value, param.values)
        first_frozen = [0, 0, 0, 0]
        first_frozen[param.split_axis] = param.split
        trained_change, frozen_change = value.copy(), value.copy()
        trained_change.flat[0] ^= 1  # element [0, 0, 0, 0] always trains
        frozen_change[tuple(first_frozen)] ^= 1
        assert program.set(param.name, frozen_change) == -1
        np.testing.assert_array_equal(program.get(param.name), value)  # nothing written
        assert program.set(param.name, trained_change) == value.nbytes
        np.testing.assert_array_equal(program.get(param.name), trained_change)
    program.lib.tt_init()
    for param in split:
        np.testing.assert_array_equal(program.get(param.name), param.values)


# --------------------------------------------------------------------------- tests: errors and tools


def test_unsupported_op_is_a_clear_error():
    module = Parser(make_context(), TINY).parse_module()
    for training_pass in QtrainTrainingPass(classes=4).passes()[:3]:  # new head, loss, autodiff: param_grad sinks
        training_pass.apply(Context(), module)
    from tiny_training.passes.convert_qtrain_to_mem import ConvertQtrainToMemPass
    from tiny_training.passes.mem_plan import MemPlanPass

    for function in ("train_step", "main"):
        ConvertQtrainToMemPass(function=function).apply(Context(), module)
        MemPlanPass(function=function).apply(Context(), module)
    with pytest.raises(CodegenError, match=r"qtrain\.param_grad @.* is not supported"):
        generate_c(module)


def test_unplanned_module_is_a_clear_error(tmp_path):
    module = Parser(make_context(), TINY).parse_module()
    with pytest.raises(CodegenError, match="no mem.arena"):
        generate_c(module)
    path = tmp_path / "tiny.mlir"
    path.write_text(TINY)
    result = subprocess.run([str(BIN / "tt-opt"), str(path), "-t", "c"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "tt-opt: error: c target: the module has no mem.arena" in result.stderr
    assert "Traceback" not in result.stderr


@needs_cmake
def test_build_failure_shows_the_compiler_message(tmp_path):
    write_project(tiny_module(), tmp_path)
    model = tmp_path / "model.c"
    model.write_text(model.read_text().replace("void tt_init(void)\n{", "void tt_init(void)\n{\n    undeclared_thing();"))
    with pytest.raises(BuildError, match="undeclared_thing"):
        build_project(tmp_path, "host")


@needs_cmake
def test_tt_compile_builds_and_reports(tmp_path):
    source = tmp_path / "tiny.mlir"
    source.write_text(TINY)
    out = tmp_path / "out"
    args = [str(source), "--scheme", "full", "--classes", "4", "--algorithm", "greedy-by-size", "-o", str(out)]
    result = subprocess.run([str(BIN / "tt-compile"), *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "memory plan for @train_step" in result.stdout
    assert "arena (SRAM)" in result.stdout and "libmodel.so" in result.stdout
    assert (out / "build" / "libmodel.so").exists() and (out / "model.mlir").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheme", "nope"], "unknown scheme 'nope'"),
        ([], "give --scheme"),
        (["--scheme", "full", "--budget", "64"], "over the budget of 64 B"),
    ],
)
def test_tt_compile_errors_are_one_line_messages(tmp_path, args, message):
    source = tmp_path / "tiny.mlir"
    source.write_text(TINY)
    command = [str(BIN / "tt-compile"), str(source), "--classes", "4", "--no-build", "-o", str(tmp_path / "o"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_tt_compile_rejects_an_unknown_model(tmp_path):
    result = subprocess.run(
        [str(BIN / "tt-compile"), "no-such-model", "--scheme", "full", "-o", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no-such-model: expected a shared model" in result.stderr


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed")
def test_cortex_m7_build_runs_like_the_host(tiny, tmp_path):
    """The same project cross-compiled for the Cortex-M7 and run under QEMU prints the
    same bits as the host build of the driver."""
    module, _, executable = tiny
    write_project(module, tmp_path, sample_label=2)
    result = build_project(tmp_path, "cortex-m7")
    if "executable" not in result.artifacts:
        pytest.skip("; ".join(result.notes))
    from tiny_training.backends.cortex_m import qemu

    if qemu.missing_programs():
        pytest.skip("QEMU is not installed")
    run = qemu.run_elf(result.artifacts["executable"])
    assert run.exit_code == 0, run.stdout
    host = subprocess.run([str(executable)], capture_output=True, text=True, check=True, timeout=60).stdout

    def bits(text: str) -> list[str]:
        return [line.split()[-1] for line in text.splitlines() if line.startswith(("logit", "loss"))]

    assert bits(run.stdout) == bits(host) and len(bits(host)) == 4 + 3
