"""qtrain-autodiff on the pretrained models: the compiled training step's loss and its
gradients for every int8 weight, int32 bias and the fp32 head equal PyTorch autograd on
an independent simulation (test/python/torch_qsim.py)."""

import numpy as np
import pytest
from xdsl.context import Context

from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.frontends.mcu_pickle import load_mcu_model
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_append_loss import QtrainAppendLossPass
from tiny_training.passes.qtrain_autodiff import QtrainAutodiffPass
from tiny_training.passes.qtrain_new_head import QtrainNewHeadPass
from tiny_training.paths import SharedDirMissing, shared_dir

from torch_qsim import QSim

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None


@pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")
@pytest.mark.parametrize("name", ["mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3"])
def test_full_gradients_match_autograd(name):
    module = import_pretrained(name)
    for training_pass in (QtrainNewHeadPass(classes=10, seed=3), QtrainAppendLossPass(), QtrainAutodiffPass()):
        training_pass.apply(Context(), module)
    module.verify()
    params = {op.sym_name.data: op.to_numpy() for op in module.ops if op.name == "qtrain.param"}

    image = load_image(SHARED / "data" / "photos" / "butterfly.jpg")
    label = 7
    interpreter = ReferenceInterpreter(module)
    (loss,) = interpreter.call("train_step", image, np.array([label], dtype=np.int32))

    sim = QSim(load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl"), params["head.weight"], params["head.bias"])
    expected_loss = sim.loss(image, label)
    expected_loss.backward()
    # The head runs in f32 in the interpreter and in f64 here: 1e-5 relative on the loss.
    np.testing.assert_allclose(float(loss), expected_loss.item(), rtol=1e-5)

    expected = {"head.weight": sim.head_weight.grad, "head.bias": sim.head_bias.grad}
    for path, weight in sim.weights.items():
        expected[f"{path}.weight"] = weight.grad
        expected[f"{path}.bias"] = sim.biases[path].grad
    assert sorted(interpreter.gradients) == sorted(expected)
    for key, grad in expected.items():
        reference = grad.numpy()
        scale = np.abs(reference).max()
        # Every backward op rounds its f32 result once; over ~50 layers that compounds to
        # well below 1e-4 of the largest gradient of the tensor.
        np.testing.assert_allclose(interpreter.gradients[key], reference, rtol=1e-4, atol=1e-4 * scale + 1e-12, err_msg=key)
