"""Export of trained parameters (frontends/export.py, tt-export): the pretrained-model format, the
PyTorch state dict, and the exact re-import of a model trained on the reference interpreter."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np
import pytest
import torch
from xdsl.context import Context

from tiny_training.dialects import qtrain
from tiny_training.frontends import export
from tiny_training.frontends.mcu_pickle import ModelFileError, load_mcu_model, read_pickle_payload
from tiny_training.paths import SharedDirMissing, shared_dir

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None
needs_shared = pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")

STEPS, CLASSES = 5, 10


def images_and_labels(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Real digits when opencv-doc is installed, else deterministic random images."""
    from tiny_training.frontends.datasets import DatasetMissing, load_dataset

    try:
        data = load_dataset("digits", "train", count=count, seed=seed)
        return data.inputs, data.labels
    except DatasetMissing:
        rng = np.random.default_rng(seed)
        return rng.integers(-127, 128, (count, 1, 3, 128, 128), dtype=np.int8), rng.integers(0, 10, count, np.int32)


def trained_module(imported, int8_head: bool = False):
    """mcunet-5fps, `qtrain-training{scheme=mcunet-5fps-49kb classes=10}`, a few steps on the interpreter."""
    from tiny_training.interpreters import ReferenceInterpreter
    from tiny_training.passes.qtrain_training import QtrainTrainingPass

    module = imported.clone()
    QtrainTrainingPass(scheme="mcunet-5fps-49kb", classes=CLASSES, seed=0, int8_head=int8_head).apply(Context(), module)
    interpreter = ReferenceInterpreter(module)
    images, labels = images_and_labels(STEPS, seed=0)
    for image, label in zip(images, labels, strict=True):
        interpreter.call("train_step", image, np.array([label], dtype=np.int32))
    return module, interpreter


@pytest.fixture(scope="module")
def imported():
    if SHARED is None:
        pytest.skip("the shared models are absent: ../shared not found")
    from tiny_training.frontends.api import import_pretrained

    return import_pretrained("mcunet-5fps")


@pytest.fixture(scope="module")
def trained(imported, tmp_path_factory):
    module, interpreter = trained_module(imported)
    path = tmp_path_factory.mktemp("export") / "trained.pkl"
    summary = export.export_pretrained_format(path, "mcunet-5fps", interpreter.params, class_names=list("0123456789"))
    return module, interpreter, path, summary


def conv_weights(trained_model: export.TrainedModel) -> dict[str, np.ndarray]:
    values = {}
    for conv in trained_model.model.convs:
        values[f"{conv.path}.weight"] = trained_model.weight(conv)
        values[f"{conv.path}.bias"] = conv.bias
    return values


@needs_shared
def test_round_trip_through_the_restricted_loader(trained):
    module, interpreter, path, summary = trained
    assert summary.head == "fp32" and summary.classes == CLASSES
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["archive/data.pkl", "archive/version"]
    base = load_mcu_model(SHARED / "models" / "mcu" / "mcunet-5fps.pkl")
    plain = load_mcu_model(path)  # the base format's reader accepts the trained file
    assert plain.classifier.out_channels == CLASSES and len(plain.convs) == len(base.convs)
    result = export.load_trained_model(path)
    stored = conv_weights(result)
    params = interpreter.params
    changed = 0
    for conv, base_conv in zip(result.model.convs[:-1], base.convs[:-1], strict=True):
        for kind in ("weight", "bias"):
            name = f"{conv.path}.{kind}"
            np.testing.assert_array_equal(stored[name], params[name], err_msg=name)
            changed += int(not np.array_equal(stored[name], getattr(base_conv, kind)))
        # Training changes integers only: every scale and zero point is the base model's.
        np.testing.assert_array_equal(conv.w_scales, base_conv.w_scales)
        assert (conv.x_scale, conv.x_zero, conv.y_scale, conv.y_zero) == (
            base_conv.x_scale, base_conv.x_zero, base_conv.y_scale, base_conv.y_zero,
        )  # fmt: skip
    assert changed > 0  # the sparse update did train some layers
    np.testing.assert_array_equal(result.head_weight, params["head.weight"])
    np.testing.assert_array_equal(result.head_bias, params["head.bias"])
    assert result.class_names == tuple("0123456789")
    # Saturated int8 weights: -127 in the base fields, -128 restored from `saturated_weights`.
    saturated = sum(int((params[f"{c.path}.weight"] == -128).sum()) for c in result.model.convs[:-1])
    assert summary.saturated == saturated
    assert all(int(c.weight.min()) >= -127 for c in plain.convs)
    # Exporting the exported file again with no new parameters changes nothing.
    payload, _ = export.trained_payload(path, {})
    again = export.parse_trained(payload, "again")
    for name, value in conv_weights(again).items():
        np.testing.assert_array_equal(value, stored[name])


@needs_shared
def test_reimport_predicts_like_the_trained_interpreter(trained):
    from tiny_training.interpreters import ReferenceInterpreter

    module, interpreter, path, _ = trained
    reimported = export.import_trained(path)
    names = {op.sym_name.data for op in reimported.ops if isinstance(op, qtrain.ParamOp)}
    assert names == {op.sym_name.data for op in module.ops if isinstance(op, qtrain.ParamOp)}
    for op in reimported.ops:  # the int8 path and the head, bit for bit
        if isinstance(op, qtrain.ParamOp):
            np.testing.assert_array_equal(op.to_numpy(), interpreter.params[op.sym_name.data], err_msg=op.sym_name.data)
    again = ReferenceInterpreter(reimported)
    images, _ = images_and_labels(3, seed=1)
    for image in images:
        (expected,) = interpreter.call("main", image)
        (logits,) = again.call("main", image)
        assert logits.dtype == np.float32 and logits.shape == (1, CLASSES)
        np.testing.assert_array_equal(logits, expected)


@needs_shared
def test_state_dict_loads_into_the_pytorch_mirror(trained, tmp_path):
    _, interpreter, path, _ = trained
    state_path = export.export_state_dict(tmp_path / "trained.pt", path)
    state = torch.load(state_path, weights_only=True)
    assert "head.weight" in state and "blocks.8.pointwise1.bias_q" in state and "classifier.weight" not in state
    mirror = export.torch_mirror("mcunet-5fps", classes=CLASSES)  # the base model with an empty head
    mirror.load_state_dict(state)
    params = interpreter.params
    for name, value in params.items():
        if name.startswith("head."):
            np.testing.assert_array_equal(state[name].numpy(), value)
            continue
        module_path, kind = name.rsplit(".", 1)
        if kind == "weight":
            scales = state[f"{module_path}.w_scales"].double().view(-1, 1, 1, 1)
            ratio = (state[name].double() / scales).numpy()  # W_q * s_w in f32, as the importer reads it
            assert np.max(np.abs(ratio - np.rint(ratio))) < 1e-3
            np.testing.assert_array_equal(np.rint(ratio), value, err_msg=name)  # -128 included
        else:
            np.testing.assert_array_equal(state[f"{module_path}.bias_q"].numpy(), value, err_msg=name)
    # The fake-quant float simulation agrees with the integer model up to float rounding.
    images, _ = images_and_labels(3, seed=1)
    for image in images:
        (expected,) = interpreter.call("main", image)
        with torch.no_grad():
            logits = mirror(torch.from_numpy(image.astype(np.float32) / 127.5)).numpy()
        assert np.argmax(logits) == np.argmax(expected)
        assert np.max(np.abs(logits - expected)) < 0.5


@needs_shared
def test_plain_import_reads_the_int8_classifier(trained):
    """`tt-import FILE.pkl` knows only the base format: it sees the quantized head."""
    from tiny_training.frontends.api import import_pretrained
    from tiny_training.interpreters import ReferenceInterpreter

    _, interpreter, path, summary = trained
    assert summary.logit_range is not None and summary.logit_range > 0
    plain = ReferenceInterpreter(import_pretrained(str(path)))
    images, _ = images_and_labels(1, seed=1)
    (logits,) = plain.call("main", images[0])
    assert logits.shape == (1, CLASSES, 1, 1) and logits.dtype == np.int8
    # The approximation: features x head, within a few logit steps of the fp32 head.
    (expected,) = interpreter.call("main", images[0])
    step = summary.logit_range / 127
    assert np.max(np.abs(logits.reshape(-1) * step - expected.reshape(-1))) < 4 * step


@needs_shared
def test_int8_head_is_stored_as_the_classifier(imported, tmp_path):
    module, interpreter = trained_module(imported, int8_head=True)
    path = tmp_path / "int8.pkl"
    summary = export.export_pretrained_format(path, "mcunet-5fps", interpreter.params, module=module)
    assert summary.head == "int8" and summary.logit_range is None
    result = export.load_trained_model(path)
    assert result.head_weight is None
    classifier = result.model.classifier
    np.testing.assert_array_equal(result.weight(classifier), interpreter.params["head.weight"])
    np.testing.assert_array_equal(classifier.bias, interpreter.params["head.bias"])
    conv = next(
        op for op in module.walk()
        if isinstance(op, qtrain.Conv2dOp) and op.weight.owner.param.string_value() == "head.weight"  # pyright: ignore
    )  # fmt: skip
    np.testing.assert_array_equal(classifier.w_scales, np.array(conv.w_scales_values, np.float32))
    assert classifier.y_scale == qtrain.quant_params(conv.output.type).scale_value
    with pytest.raises(ModelFileError, match="pass module="):
        export.export_pretrained_format(tmp_path / "x.pkl", "mcunet-5fps", interpreter.params)


def write_archive(path, payload_bytes: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", payload_bytes)
        archive.writestr("archive/version", b"3\n")


class Hostile:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > /dev/null",))


@needs_shared
def test_hostile_and_malformed_files_are_refused(tmp_path):
    hostile = tmp_path / "hostile.pkl"
    write_archive(hostile, pickle.dumps({"first_conv": Hostile()}, protocol=2))
    for reader in (load_mcu_model, export.load_trained_model, export.import_trained):
        with pytest.raises(ModelFileError, match="refusing to load global 'posix.system'"):
            reader(hostile)
    garbage = tmp_path / "garbage.pkl"
    garbage.write_bytes(b"\x80\x02garbage" * 10)
    with pytest.raises(ModelFileError, match="not a zip archive"):
        export.load_trained_model(garbage)

    base = read_pickle_payload(SHARED / "models" / "mcu" / "mcunet-5fps.pkl")
    channels = base["classifier"]["in_channel"]
    bad_head = dict(base, fp32_head={"weight": np.zeros((3, channels), np.float32), "bias": np.zeros(3, np.float32)})
    buffer = io.BytesIO()
    pickle.Pickler(buffer, protocol=2).dump(bad_head)
    write_archive(tmp_path / "bad_head.pkl", buffer.getvalue())
    with pytest.raises(ModelFileError, match=r"fp32_head.weight must be float32 \(1000, "):
        export.load_trained_model(tmp_path / "bad_head.pkl")
    bad_indices = dict(base, saturated_weights={"first_conv": np.array([0], np.int64)})
    export.write_model_file(tmp_path / "bad_indices.pkl", bad_indices)
    with pytest.raises(ModelFileError, match="indices must point at weights stored as -127"):
        export.load_trained_model(tmp_path / "bad_indices.pkl")
    with pytest.raises(ModelFileError, match="not in the base model"):
        export.trained_payload("mcunet-5fps", {"blocks.99.depthwise.weight": np.zeros(1, np.int8)})
    with pytest.raises(ModelFileError, match="shape"):
        export.trained_payload("mcunet-5fps", {"first_conv.bias": np.zeros(3, np.int32)})


@needs_shared
def test_tt_export_command_line(trained, tmp_path, capsys):
    from tiny_training.tools import tt_export

    _, interpreter, _, _ = trained
    np.savez(tmp_path / "params.npz", **interpreter.params)
    out, state = tmp_path / "cli.pkl", tmp_path / "cli.pt"
    with pytest.raises(SystemExit) as exit_info:
        tt_export.main(["mcunet-5fps", str(tmp_path / "params.npz"), "-o", str(out), "--torch", str(state),
                        "--classes", "digits"])  # fmt: skip
    assert exit_info.value.code == 0
    assert "head: fp32 (10 classes)" in capsys.readouterr().out
    assert export.load_trained_model(out).class_names == tuple("0123456789") and state.is_file()
    with pytest.raises(SystemExit) as exit_info:
        tt_export.main(["mbv2-w0.35", str(tmp_path / "params.npz"), "-o", str(tmp_path / "wrong.pkl")])
    assert exit_info.value.code == 1
    assert "tt-export: error: trained parameter" in capsys.readouterr().err
    assert not (tmp_path / "wrong.pkl").exists()


@needs_shared
def test_reimport_predicts_like_the_device(imported, tmp_path):
    """Train with the generated C program (the dataset program: the same C as on the board,
    here built for the host; the board build gives the same bits, test_qemu_training.py),
    read its parameters back, export, re-import: the re-imported model predicts what the
    program predicts with its trained parameters."""
    from tiny_training.backends.cortex_m.harness import train_on_board
    from tiny_training.backends.cortex_m.project import build_project, write_project
    from tiny_training.interpreters import ReferenceInterpreter
    from tiny_training.passes.qtrain_memory import QtrainMemoryPass
    from tiny_training.passes.qtrain_training import QtrainTrainingPass

    module = imported.clone()
    QtrainTrainingPass(scheme="mcunet-5fps-49kb", classes=CLASSES, seed=0).apply(Context(), module)
    QtrainMemoryPass(algorithm="greedy-by-size").apply(Context(), module)
    images, labels = images_and_labels(STEPS + 4, seed=1)
    write_project(module, tmp_path / "project", sample_image=images[0], sample_label=int(labels[0]))
    build_project(tmp_path / "project", "host")
    trained = train_on_board(tmp_path / "project", images[:STEPS], labels[:STEPS], target="host")
    device = train_on_board(
        tmp_path / "project", images[STEPS:], labels[STEPS:], target="host", train=False, initial_params=trained.params
    )
    path = tmp_path / "device.pkl"
    export.export_pretrained_format(path, "mcunet-5fps", trained.params)
    reimported = ReferenceInterpreter(export.import_trained(path))
    for image, expected, logits in zip(images[STEPS:], device.predictions, device.logits, strict=True):
        (result,) = reimported.call("main", image)
        assert int(np.argmax(result)) == expected
        # fp32 head: the C program sums in a different order than numpy (f32 vs f64), so the
        # logits agree to a few f32 ulps of their magnitude, not bit for bit.
        scale = max(1.0, float(np.abs(result).max()))
        np.testing.assert_allclose(result.reshape(-1), np.asarray(logits, np.float32).reshape(-1), rtol=0, atol=1e-4 * scale)
