"""Every user-facing error of the tt-* command-line tools is one clear message, never a
Python traceback (docs/diagnostics.md lists them with the test id of each).

The table below runs the real console scripts. Each case asserts:

- the exit status: 1 for an error the tool reports, 2 for an argparse usage error
  (a bad option value that argparse rejects before the tool runs);
- the message: substrings naming what is wrong (the op and its module path, the file,
  the key, the layer index and the valid range, the ratio, the budget and the bytes
  needed with the breakdown, the verifier message, the missing program and how to
  install it);
- no "Traceback" on stderr;
- nothing written to the output path (`-o`, `--output`) when the tool fails.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from test_tools import BIN, TRAINABLE

# The small trainable module of the tool tests; BAD_SCALES breaks its conv verifier.
BAD_SCALES = TRAINABLE.replace("array<f32: 0.25, 0.25>", "array<f32: 0.25, 0.25, 0.5>")
VERIFIER_MESSAGE = "w_scales has 3 elements, expected one per output channel (2)"

FLOAT_MODELS = '''
import torch
import torch.nn.functional as F
from torch import nn


class WithMaxPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.pool(self.conv(x)).mean((2, 3)))


class WithSigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(torch.sigmoid(self.conv(x)).mean((2, 3)))


class WithInterpolate(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(F.interpolate(self.conv(x), scale_factor=2.0).mean((2, 3)))


class NeedsArguments(nn.Module):
    def __init__(self, width):
        super().__init__()


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        raise RuntimeError("this model cannot be built")


class NotAModule:
    pass
'''


# ----------------------------------------------------------------------------- files


def zip_pickle(path: Path, payload: bytes, name: str = "archive/data.pkl") -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, payload)


def conv_entry(cin: int, cout: int, kernel: int = 1, *, weight=None) -> dict:
    weight = np.ones((cout, cin, kernel, kernel), np.int8) if weight is None else weight
    return {
        "in_channel": cin, "out_channel": cout, "kernel_size": kernel, "stride": 1, "groups": 1,
        "params": {
            "weight": weight, "bias": np.zeros(cout, np.int32), "w_scales": np.full(cout, 0.01, np.float32),
            "x_scale": 0.02, "x_zero": 0, "y_scale": 0.05, "y_zero": -128,
        },
    }  # fmt: skip


def hostile_pickle(module: str, name: str, argument: str) -> bytes:
    """A protocol-0 pickle calling `module.name(argument)` when loaded by pickle.load."""
    return f"c{module}\n{name}\n(V{argument}\ntR.".encode()


def write_files(tmp: Path) -> None:
    (tmp / "trainable.mlir").write_text(TRAINABLE)
    (tmp / "bad_scales.mlir").write_text(BAD_SCALES)
    (tmp / "garbage.mlir").write_text("func.func @f( {")
    np.savez(tmp / "step.npz", arg0=np.full((1, 1, 2, 2), 4, np.int8))
    (tmp / "notnpz.npz").write_bytes(os.urandom(200))
    (tmp / "image.jpg").write_text("not an image")
    (tmp / "a_file").write_text("")

    schemes = {
        "invalid": "{",
        "list": "[1, 2]",
        "unknown": json.dumps({"weights": [0]}),
        "nonnumber": json.dumps({"weight_idx": ["a"], "weight_ratio": [1]}),
        "notlist": json.dumps({"weight_idx": 0, "weight_ratio": [1]}),
        "fraction": json.dumps({"weight_idx": [0.5], "weight_ratio": [1]}),
        "index": json.dumps({"weight_idx": [5], "weight_ratio": [1]}),
        "negative": json.dumps({"weight_idx": [-1], "weight_ratio": [1]}),
        "nbias": json.dumps({"n_bias_update": 9}),
        "nbias_negative": json.dumps({"n_bias_update": -1}),
        "ratio_big": json.dumps({"weight_idx": [0], "weight_ratio": [1.5]}),
        "ratio_negative": json.dumps({"weight_idx": [0], "weight_ratio": [-0.1]}),
        "lengths": json.dumps({"weight_idx": [0], "weight_ratio": [1, 0.5]}),
        "repeat": json.dumps({"weight_idx": [0, 0], "weight_ratio": [1, 1]}),
    }
    for name, text in schemes.items():
        (tmp / f"{name}.json").write_text(text)

    (tmp / "random.pkl").write_bytes(np.random.default_rng(0).bytes(512))
    (tmp / "empty.pkl").write_bytes(b"")
    (tmp / "dir.pkl").mkdir()
    good = {"first_conv": conv_entry(3, 4, 3), "blocks": [], "classifier": conv_entry(4, 2)}
    zip_pickle(tmp / "good.pkl", pickle.dumps(good))
    (tmp / "truncated.pkl").write_bytes((tmp / "good.pkl").read_bytes()[:300])
    zip_pickle(tmp / "nopickle.pkl", b"hello", name="archive/readme.txt")
    zip_pickle(tmp / "list.pkl", pickle.dumps([1, 2, 3]))
    zip_pickle(tmp / "nokeys.pkl", pickle.dumps({"blocks": []}))
    zip_pickle(tmp / "notpickle.pkl", b"\x80\x05garbage")
    bad_shape = dict(good, first_conv=conv_entry(3, 4, 3, weight=np.ones((4, 3, 1, 1), np.int8)))
    zip_pickle(tmp / "shape.pkl", pickle.dumps(bad_shape))
    bad_dtype = dict(good, first_conv=conv_entry(3, 4, 3, weight=np.ones((4, 3, 3, 3), np.float32)))
    zip_pickle(tmp / "dtype.pkl", pickle.dumps(bad_dtype))
    mismatch = dict(good, classifier=conv_entry(8, 2))  # the classifier takes 8 channels, the conv gives 4
    zip_pickle(tmp / "mismatch.pkl", pickle.dumps(mismatch))
    marker = tmp / "pwned"
    zip_pickle(tmp / "system.pkl", hostile_pickle("os", "system", f"touch {marker}"))
    zip_pickle(tmp / "posix.pkl", hostile_pickle("posix", "system", f"touch {marker}"))
    zip_pickle(tmp / "eval.pkl", hostile_pickle("builtins", "eval", f"open('{marker}', 'w')"))
    zip_pickle(tmp / "popen.pkl", hostile_pickle("subprocess", "Popen", f"touch {marker}"))

    (tmp / "models.py").write_text(FLOAT_MODELS)
    (tmp / "syntax.py").write_text("class Net(:\n")
    np.savez(tmp / "calib.npz", a=np.random.default_rng(0).normal(size=(1, 3, 8, 8)).astype(np.float32))
    np.savez(tmp / "calib_gray.npz", a=np.zeros((1, 1, 8, 8), np.float32))  # 1 channel: the models take 3

    no_tools = tmp / "no-tools"  # a PATH without cmake and the cross compiler
    no_tools.mkdir()
    only_cmake = tmp / "only-cmake"  # cmake, but no arm-none-eabi-gcc
    only_cmake.mkdir()
    if shutil.which("cmake"):
        (only_cmake / "cmake").symlink_to(shutil.which("cmake"))


# ----------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    id: str
    tool: str
    args: tuple[str, ...]  # {tmp} is the test's temporary directory
    messages: tuple[str, ...]
    status: int = 1
    output: str | None = None  # a path under {tmp} that must not exist afterwards
    path: str | None = None  # PATH for the tool (a folder under {tmp})
    needs: tuple[str, ...] = field(default=())  # programs or "shared"


def case(id, tool, args, *messages, status=1, output=None, path=None, needs=()):
    return pytest.param(Case(id, tool, tuple(args), messages, status, output, path, tuple(needs)), id=id)


OPT_TRAIN = 'qtrain-training{scheme="{tmp}/NAME.json" classes=3 qas=false}'


def scheme_case(id, name, *messages):
    """A scheme file, through tt-opt's qtrain-training and through tt-compile --scheme."""
    return [
        case(f"{id}-tt-opt", "tt-opt", ["{tmp}/trainable.mlir", "-p", OPT_TRAIN.replace("NAME", name),
             "-o", "{tmp}/out.mlir"], *messages, output="out.mlir"),  # fmt: skip
        case(f"{id}-tt-compile", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", f"{{tmp}}/{name}.json",
             "--classes", "3", "--no-build", "-o", "{tmp}/out"], *messages, output="out"),  # fmt: skip
    ]


IMPORT_FLOAT = ["--calibration", "{tmp}/calib.npz", "--input-shape", "1,3,8,8", "-o", "{tmp}/out.mlir"]

CASES = [
    # 1. unsupported torch ops in a float model file: the op and its module path
    case("torch-op-maxpool", "tt-import", ["{tmp}/models.py:WithMaxPool", *IMPORT_FLOAT],
         "pool: MaxPool2d is not supported", output="out.mlir"),  # fmt: skip
    case("torch-op-sigmoid", "tt-import", ["{tmp}/models.py:WithSigmoid", *IMPORT_FLOAT],
         "sigmoid: <built-in method sigmoid", "is not supported", output="out.mlir"),  # fmt: skip
    case("torch-op-interpolate", "tt-import", ["{tmp}/models.py:WithInterpolate", *IMPORT_FLOAT],
         "interpolate: <function interpolate", "is not supported", output="out.mlir"),  # fmt: skip
    # ... and the other ways a float model file can be wrong
    case("float-model-syntax-error", "tt-import", ["{tmp}/syntax.py:Net", *IMPORT_FLOAT],
         "syntax.py: cannot load the model file", "SyntaxError", output="out.mlir"),  # fmt: skip
    case("float-model-constructor-fails", "tt-import", ["{tmp}/models.py:Broken", *IMPORT_FLOAT],
         "cannot construct Broken()", "this model cannot be built", output="out.mlir"),  # fmt: skip
    case("float-model-needs-arguments", "tt-import", ["{tmp}/models.py:NeedsArguments", *IMPORT_FLOAT],
         "cannot construct NeedsArguments()", "width", output="out.mlir"),  # fmt: skip
    case("float-model-not-a-module", "tt-import", ["{tmp}/models.py:NotAModule", *IMPORT_FLOAT],
         "no nn.Module class named NotAModule", output="out.mlir"),  # fmt: skip
    case("float-model-wrong-input-shape", "tt-import",
         ["{tmp}/models.py:WithMaxPool", "--calibration", "{tmp}/calib_gray.npz", "--input-shape", "1,1,8,8",
          "-o", "{tmp}/out.mlir"],
         "WithMaxPool failed on a calibration batch of shape (1, 1, 8, 8)", "RuntimeError", output="out.mlir"),  # fmt: skip
    case("float-model-missing-calibration", "tt-import",
         ["{tmp}/models.py:WithMaxPool", "--calibration", "{tmp}/missing.npz", "-o", "{tmp}/out.mlir"],
         "missing.npz: no such file", output="out.mlir"),  # fmt: skip
    case("float-model-bad-calibration", "tt-import",
         ["{tmp}/models.py:WithMaxPool", "--calibration", "{tmp}/notnpz.npz", "-o", "{tmp}/out.mlir"],
         "notnpz.npz", "cannot read the calibration data", output="out.mlir"),  # fmt: skip
    case("import-bad-input-shape", "tt-import", ["{tmp}/models.py:WithMaxPool", "--input-shape", "1,3,x"],
         "bad shape '1,3,x'", status=2),  # fmt: skip
    # 2. malformed and hostile model files (never executed)
    case("model-file-random-bytes", "tt-import", ["{tmp}/random.pkl", "-o", "{tmp}/out.mlir"],
         "random.pkl: not a zip archive", output="out.mlir"),  # fmt: skip
    case("model-file-empty", "tt-import", ["{tmp}/empty.pkl", "-o", "{tmp}/out.mlir"],
         "empty.pkl: not a zip archive", output="out.mlir"),  # fmt: skip
    case("model-file-truncated-zip", "tt-import", ["{tmp}/truncated.pkl", "-o", "{tmp}/out.mlir"],
         "truncated.pkl", output="out.mlir"),  # fmt: skip
    case("model-file-no-pickle", "tt-import", ["{tmp}/nopickle.pkl", "-o", "{tmp}/out.mlir"],
         "nopickle.pkl: expected one data.pkl in the archive, found 0", output="out.mlir"),  # fmt: skip
    case("model-file-not-a-pickle", "tt-import", ["{tmp}/notpickle.pkl", "-o", "{tmp}/out.mlir"],
         "notpickle.pkl: malformed pickle", output="out.mlir"),  # fmt: skip
    case("model-file-list", "tt-import", ["{tmp}/list.pkl", "-o", "{tmp}/out.mlir"],
         "top level must be a dict, got list", output="out.mlir"),  # fmt: skip
    case("model-file-missing-key", "tt-import", ["{tmp}/nokeys.pkl", "-o", "{tmp}/out.mlir"],
         "missing field 'first_conv'", output="out.mlir"),  # fmt: skip
    case("model-file-wrong-shape", "tt-import", ["{tmp}/shape.pkl", "-o", "{tmp}/out.mlir"],
         "first_conv.params.weight: expected shape (4, 3, 3, 3), got (4, 3, 1, 1)", output="out.mlir"),  # fmt: skip
    case("model-file-wrong-dtype", "tt-import", ["{tmp}/dtype.pkl", "-o", "{tmp}/out.mlir"],
         "first_conv.params.weight: expected dtype int8, got float32", output="out.mlir"),  # fmt: skip
    case("model-file-channel-mismatch", "tt-import", ["{tmp}/mismatch.pkl", "-o", "{tmp}/out.mlir"],
         "classifier", "8 input channels", "4", output="out.mlir"),  # fmt: skip
    case("model-file-directory", "tt-import", ["{tmp}/dir.pkl", "-o", "{tmp}/out.mlir"],
         "dir.pkl", "is a directory", output="out.mlir"),  # fmt: skip
    case("model-file-missing", "tt-import", ["{tmp}/missing.pkl", "-o", "{tmp}/out.mlir"],
         "missing.pkl: no such file", output="out.mlir"),  # fmt: skip
    case("model-file-hostile-os-system", "tt-import", ["{tmp}/system.pkl", "-o", "{tmp}/out.mlir"],
         "refusing to load global 'os.system'", output="out.mlir"),  # fmt: skip
    case("model-file-hostile-posix-system", "tt-import", ["{tmp}/posix.pkl", "-o", "{tmp}/out.mlir"],
         "refusing to load global 'posix.system'", output="out.mlir"),  # fmt: skip
    case("model-file-hostile-eval", "tt-import", ["{tmp}/eval.pkl", "-o", "{tmp}/out.mlir"],
         "refusing to load global 'builtins.eval'", output="out.mlir"),  # fmt: skip
    case("model-file-hostile-popen", "tt-import", ["{tmp}/popen.pkl", "-o", "{tmp}/out.mlir"],
         "refusing to load global 'subprocess.Popen'", output="out.mlir"),  # fmt: skip
    case("model-file-hostile-tt-compile", "tt-compile", ["{tmp}/system.pkl", "--scheme", "full", "-o", "{tmp}/out"],
         "refusing to load global 'os.system'", output="out"),  # fmt: skip
    case("model-file-malformed-tt-compile", "tt-compile", ["{tmp}/random.pkl", "--scheme", "full", "-o", "{tmp}/out"],
         "random.pkl: not a zip archive", output="out"),  # fmt: skip
    case("model-file-hostile-tt-export", "tt-export", ["{tmp}/system.pkl", "{tmp}/step.npz", "-o", "{tmp}/out.pkl"],
         "refusing to load global 'os.system'", output="out.pkl"),  # fmt: skip
    # 3. bad scheme files and names
    *scheme_case("scheme-invalid-json", "invalid", "invalid.json: not valid JSON"),
    *scheme_case("scheme-not-an-object", "list", "list.json: expected a JSON object, got list"),
    *scheme_case("scheme-unknown-key", "unknown", "unknown.json: unknown keys ['weights']",
                 "n_bias_update, weight_idx, weight_ratio"),  # fmt: skip
    *scheme_case("scheme-not-numbers", "nonnumber", "nonnumber.json: weight_idx must be a list of integers"),
    *scheme_case("scheme-not-a-list", "notlist", "notlist.json: weight_idx must be a list of integers, got 0"),
    *scheme_case("scheme-fraction-index", "fraction", "fraction.json: weight_idx must be a list of integers, got [0.5]"),
    *scheme_case("scheme-missing-file", "missing", "missing.json: No such file"),
    case("scheme-unknown-name-tt-opt", "tt-opt", ["{tmp}/trainable.mlir", "-p", "qtrain-training{scheme=nope classes=3}",
         "-o", "{tmp}/out.mlir"], "unknown scheme 'nope'", "presets:", output="out.mlir"),  # fmt: skip
    case("scheme-unknown-name-tt-compile", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "nope", "--classes", "3",
         "--no-build", "-o", "{tmp}/out"], "unknown scheme 'nope'", output="out"),  # fmt: skip
    # 4. layer index out of range
    *scheme_case("layer-index-too-large", "index", "weight layer index 5 out of range", "1 convs, valid 0..0"),
    *scheme_case("layer-index-negative", "negative", "weight layer index -1 out of range", "valid 0..0"),
    *scheme_case("layer-index-repeated", "repeat", "weight_idx repeats layer 0"),
    *scheme_case("n-bias-update-too-large", "nbias", "n_bias_update 9 out of range", "valid 0..1"),
    *scheme_case("n-bias-update-negative", "nbias_negative", "n_bias_update -1 out of range"),
    case("last-k-too-large", "tt-opt", ["{tmp}/trainable.mlir", "-p", "qtrain-training{scheme=last-5 classes=3}",
         "-o", "{tmp}/out.mlir"], "scheme last-k: k must be in 1..1, got 5", output="out.mlir"),  # fmt: skip
    case("last-k-zero", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "last-0", "--classes", "3", "--no-build",
         "-o", "{tmp}/out"], "scheme last-k: k must be in 1..1, got 0", output="out"),  # fmt: skip
    # 5. ratio out of range
    *scheme_case("ratio-above-one", "ratio_big", "weight ratio 1.5 of layer 0 outside [0, 1]"),
    *scheme_case("ratio-negative", "ratio_negative", "weight ratio -0.1 of layer 0 outside [0, 1]"),
    *scheme_case("ratio-lengths-differ", "lengths", "weight_idx has 1 entries, weight_ratio 2"),
    # 6. budget too small: the budget, the bytes needed, the breakdown
    case("budget-tt-compile", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "3",
         "--budget", "40", "--no-build", "-o", "{tmp}/out"],
         "over the budget of 40 B", "the plan needs", "arena", "trainable weights", "peak at step", output="out"),  # fmt: skip
    case("budget-tt-opt-qtrain-memory", "tt-opt", ["{tmp}/trainable.mlir", "-p",
         "qtrain-training{scheme=full classes=3 qas=false},qtrain-memory{budget=40}", "-o", "{tmp}/out.mlir"],
         "over the budget of 40 B", "the plan needs", "peak at step", output="out.mlir"),  # fmt: skip
    case("budget-tt-opt-mem-plan", "tt-opt", ["{tmp}/trainable.mlir", "-p",
         "qtrain-training{scheme=full classes=3 qas=false},convert-qtrain-to-mem,mem-plan{budget=40}",
         "-o", "{tmp}/out.mlir"], "mem-plan: the plan needs", "over the budget of 40 B", output="out.mlir"),  # fmt: skip
    case("budget-not-positive", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--budget", "0",
         "-o", "{tmp}/out"], "--budget must be a positive number of bytes, got 0", output="out"),  # fmt: skip
    # 7. IR that fails verification or parsing, and bad inputs to tt-run
    case("verify-tt-opt", "tt-opt", ["{tmp}/bad_scales.mlir", "-o", "{tmp}/out.mlir"], VERIFIER_MESSAGE,
         output="out.mlir"),  # fmt: skip
    case("verify-tt-run", "tt-run", ["{tmp}/bad_scales.mlir", "--inputs", "{tmp}/step.npz", "--output",
         "{tmp}/out.npz"], VERIFIER_MESSAGE, output="out.npz"),  # fmt: skip
    case("verify-tt-compile", "tt-compile", ["{tmp}/bad_scales.mlir", "--scheme", "full", "--no-build",
         "-o", "{tmp}/out"], VERIFIER_MESSAGE, output="out"),  # fmt: skip
    case("verify-tt-export-module", "tt-export", ["{tmp}/good.pkl", "{tmp}/step.npz", "--module",
         "{tmp}/bad_scales.mlir", "-o", "{tmp}/out.pkl"], VERIFIER_MESSAGE, output="out.pkl"),  # fmt: skip
    case("parse-tt-opt", "tt-opt", ["{tmp}/garbage.mlir", "-o", "{tmp}/out.mlir"], "garbage.mlir:1:",
         "Expected argument or type", output="out.mlir"),  # fmt: skip
    case("parse-tt-run", "tt-run", ["{tmp}/garbage.mlir", "--inputs", "{tmp}/step.npz", "--output",
         "{tmp}/out.npz"], "garbage.mlir:1:", "Expected argument or type", output="out.npz"),  # fmt: skip
    case("parse-tt-compile", "tt-compile", ["{tmp}/garbage.mlir", "--scheme", "full", "-o", "{tmp}/out"],
         "garbage.mlir:1:", "Expected argument or type", output="out"),  # fmt: skip
    case("missing-module-tt-opt", "tt-opt", ["{tmp}/missing.mlir"], "missing.mlir"),
    case("missing-module-tt-run", "tt-run", ["{tmp}/missing.mlir", "--inputs", "{tmp}/step.npz"],
         "cannot read {tmp}/missing.mlir: No such file"),  # fmt: skip
    case("missing-module-tt-compile", "tt-compile", ["{tmp}/missing.mlir", "--scheme", "full", "-o", "{tmp}/out"],
         "cannot read {tmp}/missing.mlir: No such file", output="out"),  # fmt: skip
    case("tt-run-missing-inputs", "tt-run", ["{tmp}/trainable.mlir", "--inputs", "{tmp}/missing.npz", "--output",
         "{tmp}/out.npz"], "cannot read inputs {tmp}/missing.npz", output="out.npz"),  # fmt: skip
    case("tt-run-inputs-not-npz", "tt-run", ["{tmp}/trainable.mlir", "--inputs", "{tmp}/notnpz.npz", "--output",
         "{tmp}/out.npz"], "cannot read inputs {tmp}/notnpz.npz", output="out.npz"),  # fmt: skip
    case("tt-opt-unknown-pass", "tt-opt", ["{tmp}/trainable.mlir", "-p", "no-such-pass"], "no-such-pass"),
    # 8. missing toolchain: the program and how to install it; nothing is written
    case("toolchain-host-no-cmake", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "3",
         "-o", "{tmp}/out"], "cmake is not installed", "tools/setup.sh", "apt-get install", output="out",
         path="no-tools"),  # fmt: skip
    case("toolchain-m7-no-cmake", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "3",
         "--target", "cortex-m7", "-o", "{tmp}/out"], "cmake is not installed", "apt-get install", output="out",
         path="no-tools"),  # fmt: skip
    case("toolchain-m7-no-cross-compiler", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "3",
         "--target", "cortex-m7", "-o", "{tmp}/out"], "arm-none-eabi-gcc is not installed",
         "gcc-arm-none-eabi", output="out", path="only-cmake", needs=("cmake",)),  # fmt: skip
    # 9. other bad arguments
    # (--target was an argparse choice, exit status 2; now the target record's one-line error, status 1)
    case("tt-compile-unknown-target", "tt-compile", ["{tmp}/trainable.mlir", "--target", "riscv", "-o", "{tmp}/out"],
         "--target: unknown target 'riscv'", "host, cortex-m4, cortex-m7, cortex-m33, cortex-m55", output="out"),  # fmt: skip
    case("tt-compile-unknown-cortex-target", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--target",
         "cortex-m9", "-o", "{tmp}/out"], "--target: unknown target 'cortex-m9'",
         "host, cortex-m4, cortex-m7, cortex-m33, cortex-m55", output="out"),  # fmt: skip
    case("tt-compile-unknown-board", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--target",
         "cortex-m4", "--board", "stm32f999", "-o", "{tmp}/out"], "--board: unknown board 'stm32f999'",
         "stm32f412, stm32f746, nrf5340, corstone-300", output="out"),  # fmt: skip
    case("tt-compile-board-of-another-target", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full",
         "--target", "cortex-m4", "--board", "stm32f746", "-o", "{tmp}/out"],
         "--board: board 'stm32f746' is a cortex-m7 board, not cortex-m4", "cortex-m4 boards: stm32f412",
         output="out"),  # fmt: skip
    case("tt-compile-host-with-board", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--board",
         "nrf5340", "-o", "{tmp}/out"], "--board: the host target takes no board", output="out"),  # fmt: skip
    case("tt-compile-classes-zero", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "0",
         "-o", "{tmp}/out"], "--classes must be >= 1, got 0", output="out"),  # fmt: skip
    case("tt-compile-bad-sample", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--sample",
         "{tmp}/image.jpg", "-o", "{tmp}/out"], "cannot read the sample image {tmp}/image.jpg", output="out"),  # fmt: skip
    case("tt-compile-missing-sample", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--sample",
         "{tmp}/missing.jpg", "-o", "{tmp}/out"], "cannot read the sample image {tmp}/missing.jpg", output="out"),  # fmt: skip
    case("tt-compile-output-is-a-file", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full",
         "-o", "{tmp}/a_file"], "a_file exists and is not a directory"),  # fmt: skip
    case("tt-compile-label-out-of-range", "tt-compile", ["{tmp}/trainable.mlir", "--scheme", "full", "--classes", "3",
         "--label", "7", "--no-build", "-o", "{tmp}/out"], "--label must be in [0, 3), got 7", output="out"),  # fmt: skip
    case("tt-compile-unknown-model", "tt-compile", ["no-such-model", "--scheme", "full", "-o", "{tmp}/out"],
         "no-such-model: expected a shared model", output="out"),  # fmt: skip
    case("tt-export-output-not-pkl", "tt-export", ["{tmp}/good.pkl", "{tmp}/step.npz", "-o", "{tmp}/out.txt"],
         "out.txt: the output must be a .pkl", output="out.txt"),  # fmt: skip
    case("tt-export-params-missing", "tt-export", ["{tmp}/good.pkl", "{tmp}/missing.npz", "-o", "{tmp}/out.pkl"],
         "cannot read {tmp}/missing.npz", output="out.pkl"),  # fmt: skip
    case("tt-export-params-garbage", "tt-export", ["{tmp}/good.pkl", "{tmp}/notnpz.npz", "-o", "{tmp}/out.pkl"],
         "notnpz.npz: neither an .npz nor a parameter file", output="out.pkl"),  # fmt: skip
    case("tt-export-base-missing", "tt-export", ["{tmp}/missing.pkl", "{tmp}/step.npz", "-o", "{tmp}/out.pkl"],
         "missing.pkl: no such file", output="out.pkl"),  # fmt: skip
    case("tt-export-params-unknown", "tt-export", ["{tmp}/good.pkl", "{tmp}/step.npz", "-o", "{tmp}/out.pkl"],
         "arg0", output="out.pkl"),  # fmt: skip
]


def run_case(case: Case, root: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """Runs one case in its own copy-free folder: the shared inputs are in `root`, the
    outputs go to `root/<case id>/` (so cases can run at the same time)."""
    out = root / case.id
    out.mkdir()
    env = dict(os.environ)
    if case.path is not None:
        env["PATH"] = str(root / case.path)

    def expand(text: str) -> str:
        text = text.replace("{tmp}/out", f"{out}/out")
        return text.replace("{tmp}", str(root))

    args = [expand(a) for a in case.args]
    result = subprocess.run([str(BIN / case.tool), *args], capture_output=True, text=True, timeout=120, env=env)
    return result, out


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path, Path]]:
    """Every case's run, started together (the tools spend most of their time importing)."""
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("diagnostics")
    write_files(root)
    cases = [param.values[0] for param in CASES]
    runnable = [c for c in cases if all(shutil.which(p) for p in c.needs)]
    with ThreadPoolExecutor(max_workers=max(4, 2 * (os.cpu_count() or 1))) as pool:
        futures = {c.id: pool.submit(run_case, c, root) for c in runnable}
    return {name: (*future.result(), root) for name, future in futures.items()}


@pytest.mark.parametrize("case", CASES)
def test_user_error_is_one_clear_message(case: Case, results):
    for program in case.needs:
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed")
    result, out, root = results[case.id]
    assert result.returncode == case.status, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for message in case.messages:
        assert message.replace("{tmp}", str(root)) in result.stderr, result.stderr
    if case.output is not None:
        assert not (out / case.output).exists(), f"{case.output} was written although {case.tool} failed"
    assert not (root / "pwned").exists(), "a hostile model file ran code"
