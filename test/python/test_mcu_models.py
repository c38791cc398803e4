"""The pretrained int8 models load through the restricted unpickler, hostile or
malformed files are refused with a clear error, and the qtrain IR built from them
reproduces the published sanity labels on the reference interpreter."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

from tiny_training.frontends.images import load_image
from tiny_training.frontends.mcu_builder import build_inference_module
from tiny_training.frontends.mcu_pickle import ModelFileError, load_mcu_model
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.paths import SharedDirMissing, shared_dir

try:
    SHARED = shared_dir()
except SharedDirMissing as missing:
    SHARED = None
    SHARED_REASON = str(missing)

needs_shared = pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")

# FACTS.md section 2: number of convs and int8 weights per model.
SIZES = {"mcunet-5fps": (43, 623_216), "mbv2-w0.35": (52, 350_688), "proxyless-w0.3": (61, 416_816)}


@needs_shared
@pytest.mark.parametrize("name", sorted(SIZES))
def test_model_structure_matches_facts(name):
    model = load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl")
    convs = model.convs
    assert (len(convs), sum(c.weight.size for c in convs)) == SIZES[name]
    assert all(c.weight.dtype == np.int8 and c.bias.dtype == np.int32 for c in convs)
    assert all(c.w_scales.shape == (c.out_channels,) for c in convs)


@needs_shared
@pytest.mark.parametrize(
    ("name", "photo", "label"),
    [
        ("mcunet-5fps", "orange", "orange"),
        ("mbv2-w0.35", "orange", "orange"),
        ("mcunet-5fps", "butterfly", "monarch"),
        ("proxyless-w0.3", "butterfly", "monarch"),
    ],
)
def test_sanity_labels(name, photo, label):
    module = build_inference_module(load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl"))
    module.verify()
    (logits,) = ReferenceInterpreter(module).call("infer", load_image(SHARED / "data" / "photos" / f"{photo}.jpg"))
    classes = (SHARED / "data" / "photos" / "imagenet_classes.txt").read_text().splitlines()
    # np.argmax: the first maximum wins ties (mcunet-5fps scores orange and lemon 49 each).
    assert classes[int(np.argmax(logits.reshape(-1)))].split(",")[0] == label


@needs_shared
def test_ir_holds_exactly_the_file_integers():
    model = load_mcu_model(SHARED / "models" / "mcu" / "mbv2-w0.35.pkl")
    module = build_inference_module(model)
    params = {op.sym_name.data: op for op in module.ops if op.name == "qtrain.param"}
    for conv in model.convs:
        np.testing.assert_array_equal(params[f"{conv.path}.weight"].to_numpy(), conv.weight)
        np.testing.assert_array_equal(params[f"{conv.path}.bias"].to_numpy(), conv.bias)


def write_archive(path, payload: bytes, member="archive/data.pkl"):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, payload)
    return path


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/tt-pwned",))


def test_refuses_code_execution(tmp_path):
    path = write_archive(tmp_path / "evil.pkl", pickle.dumps({"first_conv": Exploit()}))
    with pytest.raises(ModelFileError, match="refusing to load global 'posix.system'"):
        load_mcu_model(path)


def test_refuses_torch_storages(tmp_path):
    class Persistent(pickle.Pickler):
        def persistent_id(self, obj):
            return "storage" if isinstance(obj, bytes) else None

    buffer = io.BytesIO()
    Persistent(buffer).dump({"first_conv": b"data"})
    with pytest.raises(ModelFileError, match="refusing persistent references"):
        load_mcu_model(write_archive(tmp_path / "t.pkl", buffer.getvalue()))


def test_not_a_zip(tmp_path):
    path = tmp_path / "plain.pkl"
    path.write_bytes(pickle.dumps({}))
    with pytest.raises(ModelFileError, match="not a zip archive"):
        load_mcu_model(path)


def test_truncated_pickle(tmp_path):
    with pytest.raises(ModelFileError, match="malformed pickle"):
        load_mcu_model(write_archive(tmp_path / "cut.pkl", pickle.dumps({"a": 1})[:-3]))


def test_missing_field(tmp_path):
    with pytest.raises(ModelFileError, match="first_conv: missing field 'in_channel'"):
        load_mcu_model(write_archive(tmp_path / "m.pkl", pickle.dumps({"first_conv": {}, "blocks": []})))


@needs_shared
def test_wrong_weight_dtype(tmp_path):
    from tiny_training.frontends.mcu_pickle import read_pickle_payload

    payload = read_pickle_payload(SHARED / "models" / "mcu" / "mcunet-5fps.pkl")
    payload["blocks"][3]["depthwise"]["params"]["weight"] = payload["blocks"][3]["depthwise"]["params"][
        "weight"
    ].astype(np.float32)
    with pytest.raises(ModelFileError, match=r"blocks.3.depthwise.params.weight: expected dtype int8, got float32"):
        load_mcu_model(write_archive(tmp_path / "f.pkl", pickle.dumps(payload)))
