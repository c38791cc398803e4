"""Smoke tests of the accuracy study's machinery (bench/accuracy.py, bench/plots.py) on a tiny
configuration: a shared model at 64x64, synthetic images, a few steps."""

import importlib.util
import io
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from tiny_training.paths import PROJECT_ROOT, SharedDirMissing, shared_dir

try:
    shared_dir()
except SharedDirMissing as error:
    pytest.skip(f"shared models not available: {error}", allow_module_level=True)

BENCH = PROJECT_ROOT / "bench"
MODEL = "proxyless-w0.3"  # the fastest of the three on the interpreter
RESOLUTION = 64


def load_bench(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def accuracy():
    return load_bench("accuracy")


@pytest.fixture(scope="module")
def model(accuracy):
    return accuracy.load_model(MODEL)


@pytest.fixture(scope="module")
def base_module(model):
    from tiny_training.frontends.mcu_builder import build_inference_module

    return build_inference_module(model, resolution=RESOLUTION, function_name="main")


def images(count: int, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(-128, 128, (1, 3, RESOLUTION, RESOLUTION), dtype=np.int8) for _ in range(count)]


def test_fp32_trainer_updates_exactly_the_scheme(accuracy, model):
    scheme = accuracy.SCHEMES[MODEL]
    trainer = accuracy.FloatSparseTrainer(model, scheme, lr=1e-2, lr_bias=1e-2)
    before = {name: tensor.detach().clone() for name, tensor in trainer.params.items()}
    for index, image in enumerate(images(2)):
        trainer.train_step(image, index)
    partial = 0
    for name, tensor in trainer.params.items():
        after, start = tensor.detach(), before[name]
        if name not in trainer.trained:
            assert torch.equal(after, start), f"{name} is not trained but changed"
            continue
        mask = trainer.masks[name]
        if mask is None:
            assert not torch.equal(after, start), f"{name} is trained but did not change"
        else:
            partial += 1
            frozen = mask == 0
            assert torch.equal(after[frozen], start[frozen]), f"{name}: a channel outside the trained ones changed"
            assert not torch.equal(after[~frozen], start[~frozen]), f"{name}: its trained channels did not change"
    assert partial > 0  # the preset has partially trained weights


def test_fp32_trainer_matches_the_compilers_choice(accuracy, model, base_module):
    """Same trained parameters and channel counts as qtrain-sparse-update, same initial head."""
    from tiny_training.dialects import qtrain

    scheme = accuracy.SCHEMES[MODEL]
    module = accuracy.build_int8_program(base_module, scheme, True)
    accuracy.check_head(module, model, 0)
    updates = [op for op in module.walk() if isinstance(op, qtrain.SgdUpdateOp)]
    compiled = {op.param.string_value(): int(np.prod(op.grad.type.get_shape())) for op in updates}
    trainer = accuracy.FloatSparseTrainer(model, scheme)
    ours = {
        name: trainer.params[name].numel() if trainer.masks[name] is None else int(trainer.masks[name].sum())
        for name in trainer.trained
    }
    assert ours == compiled


def test_fp32_logits_follow_the_int8_model(accuracy, model, base_module):
    """The float mirror computes the int8 network's function up to rounding."""
    module = accuracy.build_int8_program(base_module, accuracy.SCHEMES[MODEL], True)
    int8 = accuracy.Int8Trainer(module)
    fp32 = accuracy.FloatSparseTrainer(model, accuracy.SCHEMES[MODEL])
    for image in images(2, seed=5):
        (expected,) = int8.interpreter.call("main", image)
        with torch.no_grad():
            got = fp32.logits(image).numpy()
        assert np.corrcoef(expected.ravel(), got.ravel())[0, 1] > 0.9


def test_int8_program_trains(accuracy, base_module):
    """Loss goes down over five epochs of three repeated samples, and int8 layers change."""
    module = accuracy.build_int8_program(base_module, accuracy.SCHEMES[MODEL], True)
    trainer = accuracy.Int8Trainer(module)
    samples = images(3)
    losses = [trainer.train_step(image, label) for _ in range(5) for label, image in enumerate(samples)]
    assert np.mean(losses[-3:]) < 0.7 * np.mean(losses[:3])
    changed_int8 = [
        name
        for name, start in trainer.initial.items()
        if start.dtype != np.float32 and not np.array_equal(trainer.interpreter.params[name], start)
    ]
    assert changed_int8, "only the fp32 head changed"
    result = accuracy.RunResult(MODEL, "s", "int8+qas", 15, 3, 0.1, 0.5, float(np.mean(losses[-3:])), 1.0, 7, losses)
    text = accuracy.table([result])
    assert "int8+qas" in text and "50.0%" in text and "published" in text


def test_plot_and_progress(tmp_path, accuracy):
    plots = load_bench("plots")
    assert plots.moving_average([1, 2, 3, 4], 2) == [1, 1.5, 2.5, 3.5]
    path = plots.line_plot(
        tmp_path / "curves.png",
        {"fp32": [2.3, 1.5, 1.0], "int8": [2.3, float("nan"), 2.0], "one": [1.0]},
        title="t", xlabel="step", ylabel="loss",
    )  # fmt: skip
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (800, 480)
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert len(np.unique(pixels, axis=0)) > 3  # lines, text and grid, not blank
    stream = io.StringIO()
    bar = accuracy.Progress("run", 20, stream=stream)
    for step in range(1, 21):
        bar.update(step, "loss 1.0")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10 and "20/20" in lines[-1]
