"""Sparse-update schemes: which biases and weights (and what fraction of their
channels) a training step updates. Layer index = conv index in forward order
(0 = first conv), among the network's convolutions; the classifier head always trains.

Named presets are FACTS.md section 5 (`<model>-<budget>`, e.g. `mcunet-5fps-99kb`);
simple modes are `full`, `bias-only`, `head-only` and `last-k` with option `k`, or
`last-N` (biases and weights of the last k or N convs); a path ending in `.json` is a scheme file
`{"n_bias_update": 22, "weight_idx": [21, 24], "weight_ratio": [1, 0.125]}`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path


class SchemeError(ValueError):
    """A scheme that does not exist, is malformed, or does not fit the model."""


@dataclass(frozen=True)
class Scheme:
    name: str
    n_bias_update: int
    weight_idx: tuple[int, ...]
    weight_ratio: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.n_bias_update < 0:
            raise SchemeError(
                f"scheme {self.name}: n_bias_update {self.n_bias_update} out of range (must be >= 0: "
                "the number of last convs whose biases train)"
            )
        if len(self.weight_idx) != len(self.weight_ratio):
            raise SchemeError(
                f"scheme {self.name}: weight_idx has {len(self.weight_idx)} entries, weight_ratio {len(self.weight_ratio)}"
            )
        repeated = sorted({i for i in self.weight_idx if self.weight_idx.count(i) > 1})
        if repeated:
            raise SchemeError(f"scheme {self.name}: weight_idx repeats layer {', '.join(map(str, repeated))}")
        for index, ratio in zip(self.weight_idx, self.weight_ratio):
            if not (0 <= ratio <= 1):
                raise SchemeError(f"scheme {self.name}: weight ratio {ratio} of layer {index} outside [0, 1]")

    def check_layers(self, conv_count: int) -> None:
        for index in self.weight_idx:
            if not 0 <= index < conv_count:
                raise SchemeError(
                    f"scheme {self.name}: weight layer index {index} out of range "
                    f"(the model has {conv_count} convs, valid 0..{conv_count - 1})"
                )
        if self.n_bias_update > conv_count:
            raise SchemeError(
                f"scheme {self.name}: n_bias_update {self.n_bias_update} out of range "
                f"(the model has {conv_count} convs, valid 0..{conv_count})"
            )

    def trained_channels(self, index: int, channels: int) -> int:
        """How many leading channels of layer `index` train their weights (0: none)."""
        if index not in self.weight_idx:
            return 0
        ratio = self.weight_ratio[self.weight_idx.index(index)]
        return 0 if ratio == 0 else max(1, math.floor(channels * ratio))


def _preset(n_bias: int, idx: list[int], ratio: list[float]) -> tuple[int, tuple[int, ...], tuple[float, ...]]:
    return (n_bias, tuple(idx), tuple(ratio))


PRESETS = {
    "mcunet-5fps-49kb": _preset(20, [23, 24, 27, 30, 33, 39], [0, 0.25, 0.5, 0.5, 0, 0]),
    "mcunet-5fps-74kb": _preset(21, [21, 23, 24, 26, 27, 30], [1, 0, 1, 0, 0.5, 1]),
    "mcunet-5fps-99kb": _preset(22, [21, 24, 27, 30, 36, 39], [1, 1, 1, 1, 0.125, 0.25]),
    "mcunet-5fps-124kb": _preset(24, [21, 24, 27, 30, 33, 39], [0.25, 1, 1, 1, 0.5, 0.5]),
    "mcunet-5fps-148kb": _preset(23, [21, 24, 27, 30, 36, 39], [1, 1, 1, 1, 1, 0.5]),
    "mbv2-w0.35-49kb": _preset(16, [36, 39, 40, 41, 42, 45, 48, 49], [1, 1, 0, 0.25, 0.125, 0.125, 0.125, 0.125]),
    "mbv2-w0.35-99kb": _preset(25, [27, 30, 33, 36, 39, 42, 45, 48], [1, 1, 1, 1, 1, 0.125, 0.5, 1]),
    "mbv2-w0.35-138kb": _preset(34, [27, 30, 33, 36, 39, 42, 45, 48], [1, 1, 1, 1, 1, 1, 1, 1]),
    "proxyless-w0.3-49kb": _preset(21, [39, 42, 44, 45, 50, 51, 54, 57], [0.25, 1, 0, 1, 0, 0.125, 0.25, 0.25]),
    "proxyless-w0.3-98kb": _preset(25, [36, 39, 42, 45, 48, 51, 54, 57], [1, 0.5, 1, 1, 0.25, 0.5, 1, 1]),
    "proxyless-w0.3-148kb": _preset(45, [36, 39, 42, 45, 48, 51, 54, 57], [1, 1, 1, 1, 1, 1, 1, 1]),
}

SIMPLE_MODES = ("full", "bias-only", "head-only", "last-k")


def resolve_scheme(name: str, conv_count: int, k: int = 0) -> Scheme:
    """The scheme called `name` for a model with `conv_count` convolutions."""
    if name in PRESETS:
        n_bias, idx, ratio = PRESETS[name]
        scheme = Scheme(name, n_bias, idx, ratio)
    elif name == "full":
        scheme = Scheme(name, conv_count, tuple(range(conv_count)), (1.0,) * conv_count)
    elif name == "bias-only":
        scheme = Scheme(name, conv_count, (), ())
    elif name == "head-only":
        scheme = Scheme(name, 0, (), ())
    elif name == "last-k" or re.fullmatch(r"last-\d+", name):
        k = k if name == "last-k" else int(name.removeprefix("last-"))
        if not 1 <= k <= conv_count:
            raise SchemeError(f"scheme last-k: k must be in 1..{conv_count}, got {k}")
        layers = tuple(range(conv_count - k, conv_count))
        scheme = Scheme(f"last-{k}", k, layers, (1.0,) * k)
    elif name.endswith(".json"):
        scheme = load_scheme_file(Path(name))
    else:
        raise SchemeError(
            f"unknown scheme '{name}' (presets: {', '.join(PRESETS)}; modes: {', '.join(SIMPLE_MODES)}; or a .json file)"
        )
    scheme.check_layers(conv_count)
    return scheme


def load_scheme_file(path: Path) -> Scheme:
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise SchemeError(f"scheme file {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SchemeError(f"scheme file {path}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise SchemeError(f"scheme file {path}: expected a JSON object, got {type(data).__name__}")
    keys = ("n_bias_update", "weight_idx", "weight_ratio")
    unknown = set(data) - set(keys)
    if unknown:
        raise SchemeError(f"scheme file {path}: unknown keys {sorted(unknown)} (expected {', '.join(keys)})")

    def is_int(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def is_number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    n_bias = data.get("n_bias_update", 0)
    idx = data.get("weight_idx", [])
    ratio = data.get("weight_ratio", [])
    if not is_int(n_bias):
        raise SchemeError(f"scheme file {path}: n_bias_update must be an integer, got {json.dumps(n_bias)}")
    if not isinstance(idx, list) or not all(is_int(i) for i in idx):
        raise SchemeError(f"scheme file {path}: weight_idx must be a list of integers, got {json.dumps(idx)}")
    if not isinstance(ratio, list) or not all(is_number(r) for r in ratio):
        raise SchemeError(f"scheme file {path}: weight_ratio must be a list of numbers, got {json.dumps(ratio)}")
    return Scheme(str(path), n_bias, tuple(idx), tuple(float(r) for r in ratio))
