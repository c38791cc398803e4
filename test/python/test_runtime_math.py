"""tt_expf / tt_logf (runtime/src/math/tt_math.c): plain f32 arithmetic so that the host and
the Cortex-M7 compute the same softmax bits (glibc and newlib differ in the last bit).
Checked against float64 numpy: at most 2 ulp on the range softmax uses."""

import numpy as np
import pytest
import runtime_abi

RNG = np.random.default_rng(11)


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


def ulps(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return np.abs(values.astype(np.float64) - reference) / np.spacing(np.abs(reference).astype(np.float32))


def test_exp_accuracy_on_the_softmax_range(lib):
    # softmax calls exp(x - max) <= 0; below about -87.3 results are subnormal.
    xs = np.concatenate([-RNG.random(20000) * 30, -RNG.random(2000) * 87, [0.0, -0.5, -1e-8]]).astype(np.float32)
    values = np.array([lib.tt_expf(float(x)) for x in xs], dtype=np.float32)
    assert ulps(values, np.exp(xs.astype(np.float64))).max() <= 2.0


def test_log_accuracy(lib):
    near_one = 1 + (RNG.random(2000) - 0.5) * 1e-3
    ys = np.concatenate([1 + RNG.random(20000) * 40, RNG.random(5000) * 1e6 + 1e-3, near_one, [2.0, 10.0, 0.5]])
    ys = ys.astype(np.float32)
    ys = ys[ys != 1.0]  # log 1 = 0 has no ulp; checked exactly below
    values = np.array([lib.tt_logf(float(y)) for y in ys], dtype=np.float32)
    assert ulps(values, np.log(ys.astype(np.float64))).max() <= 2.0


@pytest.mark.parametrize(
    ("name", "argument", "expected"),
    [
        ("tt_expf", 0.0, 1.0),
        ("tt_expf", -200.0, 0.0),
        ("tt_expf", float("inf"), float("inf")),
        ("tt_logf", 1.0, 0.0),
        ("tt_logf", 0.0, float("-inf")),
        ("tt_logf", float("inf"), float("inf")),
    ],
)
def test_special_values(lib, name, argument, expected):
    assert getattr(lib, name)(argument) == expected


def test_nan_and_negative(lib):
    assert np.isnan(lib.tt_expf(float("nan")))
    assert np.isnan(lib.tt_logf(-1.0))
    assert np.isnan(lib.tt_logf(float("nan")))
