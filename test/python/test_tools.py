"""The console scripts exist, answer --help, and report bad input without a traceback;
the dialects reach plain xdsl-opt through the xdsl.universe entry point."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BIN = Path(sys.executable).parent

CONV_MODULE = """
qtrain.param @w = dense<[[[[2]]]]> : tensor<1x1x1x1xi8>
qtrain.param @b = dense<[1]> : tensor<1xi32>
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>> {
  %w = qtrain.get_param @w : tensor<1x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<1xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
  func.return %y : tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
}
"""


def run(tool: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], input=stdin, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("tool", ["tt-opt", "tt-run", "tt-import", "tt-compile"])
def test_help(tool):
    result = run(tool, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout


def test_xdsl_opt_sees_qtrain_through_universe():
    result = run("xdsl-opt", stdin=CONV_MODULE)
    assert result.returncode == 0, result.stderr
    assert "qtrain.conv2d %x, %w, %b" in result.stdout
    assert "!qtrain.qi8<0.25, -3>" in result.stdout


def test_tt_opt_reports_invalid_ir_without_traceback():
    bad = CONV_MODULE.replace("w_scales = array<f32: 0.125>", "w_scales = array<f32: 0.125, 0.5>")
    result = run("tt-opt", stdin=bad)
    assert result.returncode == 1
    assert "w_scales has 2 elements, expected one per output channel (1)" in result.stderr
    assert "Traceback" not in result.stderr


def test_tt_opt_reports_parse_error_without_traceback():
    result = run("tt-opt", stdin="func.func @f( {")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Expected argument or type" in result.stderr


def test_tt_run_computes_and_writes_npz(tmp_path):
    module = tmp_path / "conv.mlir"
    module.write_text(CONV_MODULE)
    # x = [[0, 1], [3, -5]]: acc = 2*x + 1 = [1, 3, 7, -9]; eff = 0.5 * 0.125 / 0.25 = 0.25;
    # rint(acc * 0.25) = rint([0.25, 0.75, 1.75, -2.25]) = [0, 1, 2, -2]; + (-3) = [-3, -2, -1, -5]
    np.savez(tmp_path / "in.npz", arg0=np.array([[[[0, 1], [3, -5]]]], dtype=np.int8))
    result = run("tt-run", str(module), "--inputs", str(tmp_path / "in.npz"), "--output", str(tmp_path / "out.npz"))
    assert result.returncode == 0, result.stderr
    assert "result0: int8 1x1x2x2 = [-3, -2, -1, -5]" in result.stdout
    with np.load(tmp_path / "out.npz") as out:
        np.testing.assert_array_equal(out["result0"], [[[[-3, -2], [-1, -5]]]])


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"arg0": np.zeros((1, 1, 3, 3), np.int8)}, "shape (1, 1, 3, 3) does not match"),
        ({"arg0": np.full((1, 1, 2, 2), 300)}, "values do not fit the element type"),
        ({"a": np.zeros((1, 1, 2, 2)), "b": np.zeros(1)}, "holds 2 arrays (a, b), the function takes 1"),
    ],
)
def test_tt_run_rejects_bad_inputs(tmp_path, inputs, message):
    module = tmp_path / "conv.mlir"
    module.write_text(CONV_MODULE)
    np.savez(tmp_path / "in.npz", **inputs)
    result = run("tt-run", str(module), "--inputs", str(tmp_path / "in.npz"))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_tt_run_unknown_function(tmp_path):
    module = tmp_path / "conv.mlir"
    module.write_text(CONV_MODULE)
    np.savez(tmp_path / "in.npz", arg0=np.zeros((1, 1, 2, 2), np.int8))
    result = run("tt-run", str(module), "--inputs", str(tmp_path / "in.npz"), "--function", "train")
    assert result.returncode == 1
    assert "no function @train in the module (functions: main)" in result.stderr


def test_tt_import_pretrained_then_run(tmp_path):
    from tiny_training.paths import SharedDirMissing, shared_dir

    try:
        shared = shared_dir()
    except SharedDirMissing:
        pytest.skip("the shared models are absent: ../shared not found")
    out = tmp_path / "mbv2.mlir"
    result = run("tt-import", "mbv2-w0.35", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = out.read_text()
    assert "qtrain.param @first_conv.weight = dense<" in text
    assert text.count("qtrain.conv2d") == 52

    from tiny_training.frontends.images import load_image

    np.savez(tmp_path / "in.npz", arg0=load_image(shared / "data" / "photos" / "orange.jpg"))
    result = run("tt-run", str(out), "--inputs", str(tmp_path / "in.npz"), "--output", str(tmp_path / "out.npz"))
    assert result.returncode == 0, result.stderr
    classes = (shared / "data" / "photos" / "imagenet_classes.txt").read_text().splitlines()
    with np.load(tmp_path / "out.npz") as out_npz:
        assert classes[int(np.argmax(out_npz["result0"].reshape(-1)))] == "orange"


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("nonexistent", "expected a shared model name"),
        ("missing.pkl", "missing.pkl: no such file"),
    ],
)
def test_tt_import_bad_model(model, message, tmp_path):
    out = tmp_path / "never.mlir"
    result = run("tt-import", model, "-o", str(out))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_tt_import_hostile_file(tmp_path):
    import pickle
    import zipfile

    class Exploit:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pkl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"first_conv": Exploit()}))
    result = run("tt-import", str(path))
    assert result.returncode == 1
    assert "refusing to load global 'builtins.print'" in result.stderr
    assert "pwned" not in result.stdout


def test_tt_import_float_model_file(tmp_path):
    from tiny_training.paths import SharedDirMissing, shared_dir

    try:
        photos = shared_dir() / "data" / "photos"
    except SharedDirMissing:
        pytest.skip("the shared photos are absent: ../shared not found")
    model = Path(__file__).parent / "models" / "tiny_mbv2.py"
    out = tmp_path / "tiny.mlir"
    result = run(
        "tt-import", f"{model}:TinyMobileNetV2", "--calibration", str(photos), "--input-shape", "1,3,64,64",
        "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "func.func @main(%0: tensor<1x3x64x64x!qtrain.qi8<" in text
    assert "qtrain.param @features.0.0.weight" in text
    assert "qtrain.linear" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{model}:TinyMobileNetV2"], "a float model needs --calibration"),
        (["{model}:NoSuchClass", "--calibration", "x.npz"], "no nn.Module class named NoSuchClass"),
        (["missing.py:Net", "--calibration", "x.npz"], "missing.py: no such file"),
    ],
)
def test_tt_import_float_model_errors(arguments, message):
    model = Path(__file__).parent / "models" / "tiny_mbv2.py"
    result = run("tt-import", *[a.format(model=model) for a in arguments])
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_tt_run_a_training_step_and_save_parameters(tmp_path):
    from tiny_training.passes.qtrain_training import QtrainTrainingPass  # noqa: F401 (registered in tt-opt)

    source = tmp_path / "small.mlir"
    source.write_text(TRAINABLE)
    train = tmp_path / "train.mlir"
    result = run("tt-opt", str(source), "-p", "qtrain-training{scheme=full classes=3 qas=false lr=0.5 lr-bias=0.5}",
                 "-o", str(train))  # fmt: skip
    assert result.returncode == 0, result.stderr
    np.savez(tmp_path / "step.npz", arg0=np.full((1, 1, 2, 2), 4, np.int8), arg1=np.array([1], np.int32))
    result = run("tt-run", str(train), "--function", "train_step", "--inputs", str(tmp_path / "step.npz"),
                 "--save-params", str(tmp_path / "params.npz"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("result0: float32")
    with np.load(tmp_path / "params.npz") as params:
        assert sorted(params.files) == ["c.b", "c.w", "head.bias", "head.weight"]
        # the head bias moved against its gradient softmax - onehot: label 1 goes up
        original = run("tt-opt", str(train)).stdout
        assert "head.bias trainable" in original
        assert params["head.bias"].dtype == np.float32


TRAINABLE = """
qtrain.param @c.w = dense<[[[[3]]], [[[-2]]]]> : tensor<2x1x1x1xi8>
qtrain.param @c.b = dense<[1, 2]> : tensor<2xi32>
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @c.w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x2x2x2x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.125, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
"""


def test_pass_reference_is_up_to_date():
    """docs/passes.md is generated from the pass docstrings; it must match them."""
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "tiny_training.tools.gen_pass_docs", "--check"], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
