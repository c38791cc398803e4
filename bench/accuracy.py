"""Accuracy study: does the compiler's int8 training program learn, with and without QAS,
compared with fp32 training of the same sparse scheme in PyTorch?

For each shared model with its ~99 KB sparse-update preset (FACTS.md section 5), batch 1,
one epoch over a fixed random subset of Fashion-MNIST's training split (10 classes; the
28x28 images resized to the model's 128x128 int8 input by `frontends/datasets.py`), then
top-1 accuracy on a fixed random subset of the test split, in three settings:

  fp32       PyTorch: the pretrained network with its int8 weights and biases dequantized
             (`W_q * s_w`, `b_q * s_w * s_x`) and every activation clamped to the real range
             of its int8 output (the pretrained int8 function without rounding; ReLU/ReLU6
             are folded into those ranges), the same new head (same draw as
             `qtrain-new-head{seed}`), training exactly the parameters the scheme trains
             (the last n biases, the leading channels of the scheme's weights, the head)
             by plain SGD at the same learning rates, batch 1.
  int8       the compiler's own training program, `qtrain-training{qas=false}`, run step by
             step on the reference interpreter (`@train_step`, then `@main` to evaluate).
  int8+qas   the same with Quantization-Aware Scaling (`qtrain-training{qas=true}`).

The reference interpreter agrees bit for bit with the generated C (tested elsewhere), so the
int8 rows are what the microcontroller computes. With QAS an int8 update is the fp32 SGD
update in real units rounded to the weight's quantization step (`W_q -= rint(lr * dL/dW /
s_w)`), so the same learning rate means the same step size in all three settings.

Prints a progress bar per run on stderr, the results table on stdout, and writes one PNG of
smoothed loss curves per model plus `results.json` into --out (default build/accuracy).

    .venv/bin/python bench/accuracy.py [--train 800] [--test 400] [--lr 8e-4 --lr-bias 4e-4]
                                       [--models mcunet-5fps ...] [--settings fp32 int8 int8+qas]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plots import line_plot, moving_average  # noqa: E402

# Kept light (no xDSL, no torch-mlir) so that bench/pytorch_memory.py measures PyTorch alone.
from tiny_training.frontends.mcu_pickle import McuModel, QConv, load_mcu_model  # noqa: E402
from tiny_training.paths import shared_dir  # noqa: E402

SHARED_MODELS = ("mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3")  # frontends/api.py, without its imports
SCHEMES = {"mcunet-5fps": "mcunet-5fps-99kb", "mbv2-w0.35": "mbv2-w0.35-99kb", "proxyless-w0.3": "proxyless-w0.3-98kb"}
SETTINGS = ("fp32", "int8", "int8+qas")
CLASSES = 10
# Paper Table 1 (MCUNet, last two blocks, average over 8 data sets): FACTS.md section 6.
PUBLISHED = {"fp32": 73.3, "int8": 64.9, "int8+qas": 73.5}


class Progress:
    """A self-written progress bar on stderr: redrawn in place on a terminal, a line every
    10% otherwise (logs)."""

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total = label, max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self.last_draw = 0.0
        self.next_line = 0.1

    def update(self, done: int, info: str = "") -> None:
        fraction = done / self.total
        elapsed = time.perf_counter() - self.started
        eta = elapsed / done * (self.total - done) if done else 0.0
        filled = int(24 * fraction)
        text = f"{self.label:<36} [{'#' * filled}{'.' * (24 - filled)}] {done}/{self.total} {elapsed:5.0f}s eta {eta:4.0f}s {info}"
        if self.tty:
            now = time.perf_counter()
            if now - self.last_draw > 0.1 or done == self.total:
                self.stream.write("\r" + text + "\033[K")
                self.stream.flush()
                self.last_draw = now
        elif fraction + 1e-9 >= self.next_line or done == self.total:
            self.stream.write(text + "\n")
            self.stream.flush()
            while self.next_line <= fraction + 1e-9:
                self.next_line += 0.1

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------------- data


@dataclass
class Data:
    train_x: list[np.ndarray]
    train_y: list[int]
    test_x: list[np.ndarray]
    test_y: list[int]


def load_data(n_train: int, n_test: int, seed: int = 0, resolution: int = 128) -> Data:
    """Fixed random subsets (seeded) of Fashion-MNIST's train and test splits as int8 inputs."""
    from tiny_training.frontends.datasets import load_fashion_mnist, to_model_input

    train_images, train_labels = load_fashion_mnist("train")
    test_images, test_labels = load_fashion_mnist("test")
    rng = np.random.default_rng(seed)
    train_index = rng.choice(len(train_labels), n_train, replace=False)
    test_index = rng.choice(len(test_labels), n_test, replace=False)
    return Data(
        [to_model_input(train_images[i], resolution) for i in train_index],
        [int(train_labels[i]) for i in train_index],
        [to_model_input(test_images[i], resolution) for i in test_index],
        [int(test_labels[i]) for i in test_index],
    )


# ---------------------------------------------------------------------------- fp32 in PyTorch


def new_head(classes: int, in_features: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The fp32 head `qtrain-new-head{classes seed}` draws (uniform +-1/sqrt(C), weight then bias)."""
    rng = np.random.default_rng(seed)
    bound = 1.0 / math.sqrt(in_features)
    weight = rng.uniform(-bound, bound, size=(classes, in_features)).astype(np.float32)
    bias = rng.uniform(-bound, bound, size=(classes,)).astype(np.float32)
    return weight, bias


def is_depthwise(conv: QConv) -> bool:
    return conv.groups != 1 and conv.groups == conv.in_channels == conv.out_channels


def trained_parameters(model: McuModel, scheme_name: str) -> dict[str, int | None]:
    """Parameter name -> trained leading channels (None: all of it), as `qtrain-sparse-update`
    chooses them: layer index = conv index in forward order without the classifier."""
    from tiny_training.analysis.schemes import resolve_scheme

    convs = model.convs[:-1]
    scheme = resolve_scheme(scheme_name, len(convs))
    trained: dict[str, int | None] = {"head.weight": None, "head.bias": None}
    for index, conv in enumerate(convs):
        if index >= len(convs) - scheme.n_bias_update:
            trained[f"{conv.path}.bias"] = None
        count = scheme.trained_channels(index, conv.in_channels)
        if count:
            trained[f"{conv.path}.weight"] = count
    return trained


class FloatSparseTrainer:
    """fp32 training of a pretrained model's sparse scheme in PyTorch, batch 1, plain SGD.

    The float network is the pretrained int8 one without rounding: dequantized weights and
    biases, and each conv or residual add clamped to the real range of its int8 output
    `[(-128 - z) s, (127 - z) s]` (which is where the int8 model folded its ReLU/ReLU6).
    Parameters are named like the `qtrain.param` symbols (`blocks.7.pointwise1.weight`).
    A partially trained weight trains its first k input channels (a depthwise one its first
    k channels); its gradient is masked, so every other value stays exactly as it was.
    """

    def __init__(
        self,
        model: McuModel,
        scheme: str,
        *,
        classes: int = CLASSES,
        seed: int = 0,
        lr: float = 8e-4,
        lr_bias: float = 4e-4,
    ):
        self.model, self.lr, self.lr_bias = model, lr, lr_bias
        self.params: dict[str, torch.Tensor] = {}
        for conv in model.convs[:-1]:
            scales = conv.w_scales.astype(np.float64)
            weight = conv.weight.astype(np.float64) * scales[:, None, None, None]
            bias = conv.bias.astype(np.float64) * scales * conv.x_scale
            self.params[f"{conv.path}.weight"] = torch.tensor(weight, dtype=torch.float32)
            self.params[f"{conv.path}.bias"] = torch.tensor(bias, dtype=torch.float32)
        head_weight, head_bias = new_head(classes, model.classifier.in_channels, seed)
        self.params["head.weight"] = torch.tensor(head_weight)
        self.params["head.bias"] = torch.tensor(head_bias)
        self.trained = trained_parameters(model, scheme)
        self.masks: dict[str, torch.Tensor | None] = {}
        depthwise = {f"{c.path}.weight" for c in model.convs[:-1] if is_depthwise(c)}
        for name, channels in self.trained.items():
            tensor = self.params[name]
            tensor.requires_grad_(True)
            if channels is None or channels >= tensor.shape[1 if name not in depthwise else 0]:
                self.masks[name] = None
                continue
            mask = torch.zeros_like(tensor)
            if name in depthwise:
                mask[:channels] = 1
            else:
                mask[:, :channels] = 1
            self.masks[name] = mask

    @staticmethod
    def clamp_range(scale: float, zero: int) -> tuple[float, float]:
        return (-128 - zero) * scale, (127 - zero) * scale

    def conv(self, x: torch.Tensor, conv: QConv) -> torch.Tensor:
        y = F.conv2d(
            x,
            self.params[f"{conv.path}.weight"],
            self.params[f"{conv.path}.bias"],
            conv.stride,
            conv.kernel_size // 2,
            1,
            conv.groups,
        )
        return torch.clamp(y, *self.clamp_range(conv.y_scale, conv.y_zero))

    def logits(self, image: np.ndarray) -> torch.Tensor:
        model = self.model
        first = model.first_conv
        x = (torch.from_numpy(np.asarray(image, dtype=np.float32)) - first.x_zero) * first.x_scale
        x = self.conv(x, first)
        for block in model.blocks:
            shortcut = x
            for conv in block.convs:
                x = self.conv(x, conv)
            if block.residual is not None:
                x = torch.clamp(shortcut + x, *self.clamp_range(block.residual.y_scale, block.residual.y_zero))
        if model.feature_mix is not None:
            x = self.conv(x, model.feature_mix)
        features = x.mean(dim=(2, 3)).flatten(1)
        return features @ self.params["head.weight"].T + self.params["head.bias"]

    def predict(self, image: np.ndarray) -> int:
        with torch.no_grad():
            return int(torch.argmax(self.logits(image)))

    def train_step(self, image: np.ndarray, label: int) -> float:
        loss = F.cross_entropy(self.logits(image), torch.tensor([label]))
        trained = [self.params[name] for name in self.trained]
        grads = torch.autograd.grad(loss, trained)
        with torch.no_grad():
            for name, tensor, grad in zip(self.trained, trained, grads, strict=True):
                mask = self.masks[name]
                if mask is not None:
                    grad = grad * mask
                tensor -= (self.lr_bias if tensor.dim() == 1 else self.lr) * grad
        return float(loss.detach())


# ---------------------------------------------------------------------------- int8 on the interpreter


def build_int8_program(base_module, scheme: str, qas: bool, *, classes: int = CLASSES, seed: int = 0,
                       lr: float = 8e-4, lr_bias: float = 4e-4):  # fmt: skip
    """A clone of the imported model with the compiler's training program."""
    from xdsl.context import Context

    from tiny_training.passes.qtrain_training import QtrainTrainingPass

    module = base_module.clone()
    QtrainTrainingPass(scheme=scheme, qas=qas, classes=classes, seed=seed, lr=lr, lr_bias=lr_bias).apply(
        Context(), module
    )
    return module


def load_model(name: str) -> McuModel:
    """A shared pretrained model (frontends/api.py's resolve_pretrained, without its imports)."""
    return load_mcu_model(shared_dir() / "models" / "mcu" / f"{name}.pkl")


class Int8Trainer:
    """The compiler's training program run on the reference interpreter."""

    def __init__(self, module):
        from tiny_training.dialects import qtrain
        from tiny_training.interpreters import ReferenceInterpreter

        self.module = module
        self.interpreter = ReferenceInterpreter(module)
        self.initial = {
            op.sym_name.data: op.to_numpy().copy()
            for op in module.ops
            if isinstance(op, qtrain.ParamOp) and op.trainable is not None
        }

    def predict(self, image: np.ndarray) -> int:
        (logits,) = self.interpreter.call("main", image)
        return int(np.argmax(logits))

    def train_step(self, image: np.ndarray, label: int) -> float:
        (loss,) = self.interpreter.call("train_step", image, np.array([label], dtype=np.int32))
        return float(loss)

    def changed_values(self) -> int:
        """How many values of the trainable parameters differ from their initial ones."""
        params = self.interpreter.params
        return sum(int(np.count_nonzero(params[name] != start)) for name, start in self.initial.items() if name in params)


# ---------------------------------------------------------------------------- the study


@dataclass
class RunResult:
    model: str
    scheme: str
    setting: str
    train_samples: int
    test_samples: int
    acc_before: float
    acc_after: float
    final_loss: float
    seconds: float
    changed: int | None = None
    losses: list[float] = field(default_factory=list)


def evaluate(trainer, images: Sequence[np.ndarray], labels: Sequence[int], label: str) -> float:
    bar = Progress(label, len(labels))
    correct = 0
    for index, (image, target) in enumerate(zip(images, labels, strict=True), start=1):
        correct += int(trainer.predict(image) == target)
        bar.update(index, f"acc {correct / index:.1%}")
    bar.close()
    return correct / max(len(labels), 1)


def train(trainer, images: Sequence[np.ndarray], labels: Sequence[int], label: str) -> list[float]:
    bar = Progress(label, len(labels))
    losses: list[float] = []
    for index, (image, target) in enumerate(zip(images, labels, strict=True), start=1):
        losses.append(trainer.train_step(image, target))
        bar.update(index, f"loss {np.mean(losses[-50:]):.3f}")
    bar.close()
    return losses


def run_setting(setting: str, model_name: str, scheme: str, data: Data, *, trainer, acc_before: float | None = None,
                tail: int = 100) -> RunResult:  # fmt: skip
    """Accuracy before (unless given), one epoch of training, accuracy after."""
    started = time.perf_counter()
    tag = f"{model_name} {setting}"
    if acc_before is None:
        acc_before = evaluate(trainer, data.test_x, data.test_y, f"{tag} eval before")
    losses = train(trainer, data.train_x, data.train_y, f"{tag} train")
    acc_after = evaluate(trainer, data.test_x, data.test_y, f"{tag} eval after")
    changed = trainer.changed_values() if isinstance(trainer, Int8Trainer) else None
    return RunResult(
        model_name, scheme, setting, len(data.train_y), len(data.test_y), acc_before, acc_after,
        float(np.mean(losses[-tail:])) if losses else float("nan"), time.perf_counter() - started, changed, losses,
    )  # fmt: skip


def study(models: Sequence[str], settings: Sequence[str], data: Data, *, lr: float, lr_bias: float, seed: int = 0,
          out: Path | None = None, smooth: int = 50) -> list[RunResult]:  # fmt: skip
    from tiny_training.frontends.api import import_pretrained

    results: list[RunResult] = []
    for model_name in models:
        scheme = SCHEMES[model_name]
        model = load_model(model_name)
        model_results: list[RunResult] = []
        if "fp32" in settings:
            trainer = FloatSparseTrainer(model, scheme, seed=seed, lr=lr, lr_bias=lr_bias)
            model_results.append(run_setting("fp32", model_name, scheme, data, trainer=trainer))
        int8_settings = [s for s in settings if s != "fp32"]
        if int8_settings:
            started = time.perf_counter()
            base = import_pretrained(model_name)
            print(f"{model_name}: imported through torch-mlir in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            acc_before = None  # both int8 programs share @main before training: evaluate once
            for setting in int8_settings:
                module = build_int8_program(base, scheme, setting == "int8+qas", seed=seed, lr=lr, lr_bias=lr_bias)
                check_head(module, model, seed)
                result = run_setting(setting, model_name, scheme, data, trainer=Int8Trainer(module), acc_before=acc_before)
                acc_before = result.acc_before
                model_results.append(result)
        if out is not None:
            curves = {r.setting: moving_average(r.losses, smooth) for r in model_results}
            line_plot(out / f"loss-{model_name}.png", curves, title=f"{model_name} ({scheme}), Fashion-MNIST, batch 1: "
                      f"training loss, moving average of {smooth} steps", xlabel="step", ylabel="loss")  # fmt: skip
        results.extend(model_results)
    return results


def check_head(module, model: McuModel, seed: int) -> None:
    """The fp32 trainer's head must be the compiler's initial head, value for value."""
    from tiny_training.dialects import qtrain

    weight, bias = new_head(CLASSES, model.classifier.in_channels, seed)
    params = {op.sym_name.data: op.to_numpy() for op in module.ops if isinstance(op, qtrain.ParamOp)}
    if not (np.array_equal(params["head.weight"], weight) and np.array_equal(params["head.bias"], bias)):
        raise AssertionError("the fp32 trainer's head differs from qtrain-new-head's")


def table(results: Sequence[RunResult]) -> str:
    header = (
        f"{'model':<16}{'scheme':<22}{'setting':<10}{'train':>6}{'test':>6}{'acc before':>11}{'acc after':>10}"
        f"{'final loss':>11}{'changed':>9}{'wall s':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        changed = "-" if r.changed is None else f"{r.changed:,}"
        lines.append(
            f"{r.model:<16}{r.scheme:<22}{r.setting:<10}{r.train_samples:>6}{r.test_samples:>6}{r.acc_before:>11.1%}"
            f"{r.acc_after:>10.1%}{r.final_loss:>11.3f}{changed:>9}{r.seconds:>8.0f}"
        )
    by_setting: dict[str, list[float]] = {}
    for r in results:
        by_setting.setdefault(r.setting, []).append(r.acc_after)
    lines.append("-" * len(header))
    lines.append(
        "mean after training (these models, Fashion-MNIST): "
        + ", ".join(f"{s} {np.mean(v):.1%}" for s, v in by_setting.items())
    )
    lines.append(
        "published (paper Table 1, MCUNet, last two blocks, mean of 8 data sets): "
        + ", ".join(f"{s} {v}%" for s, v in PUBLISHED.items())
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=800, help="training samples (one epoch, batch 1)")
    parser.add_argument("--test", type=int, default=400, help="held-out test samples")
    parser.add_argument("--lr", type=float, default=8e-4, help="learning rate of weights (all settings)")
    parser.add_argument("--lr-bias", type=float, default=4e-4, help="learning rate of biases (all settings)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the subsets and of the new head")
    parser.add_argument("--models", nargs="*", default=list(SHARED_MODELS), choices=list(SHARED_MODELS))
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--out", type=Path, default=Path("build/accuracy"), help="folder for the PNGs and results.json")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch threads (the fp32 setting)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    data = load_data(args.train, args.test, args.seed)
    results = study(args.models, args.settings, data, lr=args.lr, lr_bias=args.lr_bias, seed=args.seed, out=args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(
        json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "results": [asdict(r) for r in results]}, indent=1)
    )
    print(f"Fashion-MNIST, 10 classes, 128x128, batch 1, one epoch, SGD lr {args.lr:g} (weights) / {args.lr_bias:g} "
          f"(biases), seed {args.seed}")  # fmt: skip
    print(table(results))
    print("int8 rows run the compiler's training program on the reference interpreter, which is bit-exact to the "
          "generated C; they share one accuracy-before figure (the same @main before training).")  # fmt: skip
    print(f"final loss = mean of the last 100 steps; changed = trainable int8/fp32 values that differ after training; "
          f"loss curves in {args.out}/loss-<model>.png; total {time.perf_counter() - started:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
