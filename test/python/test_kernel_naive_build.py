"""The naive-kernel build (`-DTT_NAIVE_KERNELS`: the plain reference loops, no fast
paths) gives the same results as the normal build of the runtime.

Both builds are compiled here with the host gcc into temporary shared libraries
(runtime/src/**/*.c, -O2, the project's floating-point flags) and called through ctypes on
the same pseudo-random inputs, with shapes that reach every fast path of the normal
build (pointwise blocks and their tails, interior and border regions of 3x3 / 5x5 / 7x7
windows, strides 1 and 2, groups, batch 2, masks).

Tolerances: integer results (int8 outputs, clamp masks, updated int8 weights,
saturation counts) must be identical. The fp32 sums keep the order documented in
tt_kernels.h in both builds, so they agree too; they are checked against the f32
summation bound of test_kernels_forward.py ((n + 2) * u * M, M the same sum over
absolute values, computed with the naive build) so that the test states the contract,
not an implementation detail.
"""

from __future__ import annotations

import numpy as np
import pytest

from kernel_checks import conv_out_hw as out_hw
from kernel_checks import geometry, p, q8, random_conv_inputs
from runtime_abi import Runtime
from runtime_builds import fast_and_naive

U = 2.0**-24
TINY = float(np.finfo(np.float32).tiny)

# name: (x shape, weight shape, stride, pad [t, l, b, r], groups)
CASES = {
    "pointwise": ((1, 9, 6, 7), (10, 9, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "pointwise_grouped_batch2": ((2, 6, 5, 5), (4, 3, 1, 1), (1, 1), (0, 0, 0, 0), 2),
    "pointwise_wide": ((1, 40, 4, 4), (17, 40, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "3x3_s1_p1": ((1, 3, 11, 13), (5, 3, 3, 3), (1, 1), (1, 1, 1, 1), 1),
    "3x3_s2_p1": ((1, 3, 17, 16), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 1),
    "depthwise_3x3_s1_batch2": ((2, 5, 9, 10), (5, 1, 3, 3), (1, 1), (1, 1, 1, 1), 5),
    "depthwise_5x5_s1": ((1, 4, 12, 11), (4, 1, 5, 5), (1, 1), (2, 2, 2, 2), 4),
    "depthwise_5x5_small": ((1, 3, 4, 4), (3, 1, 5, 5), (1, 1), (2, 2, 2, 2), 3),
    "depthwise_7x7_s2": ((1, 4, 16, 15), (4, 1, 7, 7), (2, 2), (3, 3, 3, 3), 4),
    "depthwise_3x3_s2_asym": ((1, 3, 10, 9), (3, 1, 3, 3), (2, 2), (0, 1, 1, 0), 3),
    "grouped_g2_4x2": ((1, 4, 9, 9), (6, 2, 4, 2), (1, 2), (1, 0, 2, 1), 2),
}


@pytest.fixture(scope="module")
def libs(tmp_path_factory) -> tuple[Runtime, Runtime]:
    return fast_and_naive(tmp_path_factory, "naive-build")


def assert_sum_close(fast: np.ndarray, naive: np.ndarray, magnitude: np.ndarray, terms: int, what: str) -> None:
    """Both builds within the f32 summation bound of the exact sum, so of each other twice over."""
    bound = 2 * (terms + 2) * U * np.abs(magnitude.astype(np.float64)) + TINY
    error = np.abs(fast.astype(np.float64) - naive.astype(np.float64))
    assert np.all(error <= bound), f"{what}: worst {np.max(error - bound):.3g} over the bound"


@pytest.mark.parametrize("case", list(CASES), ids=str)
def test_conv2d_forward_same_as_naive(libs, case):
    x_shape, w_shape, stride, pad, groups = CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    x, weight, bias, multipliers = random_conv_inputs(rng, x_shape, w_shape)
    c_out = w_shape[0]
    y_shape = (x_shape[0], c_out, *out_hw(x_shape, w_shape, stride, pad))
    count = int(np.prod(y_shape))
    results = []
    for lib in libs:
        for with_mask in (True, False):
            y = np.full(y_shape, 99, dtype=np.int8)
            mask = np.full((count + 7) // 8, 0xA5, dtype=np.uint8) if with_mask else None
            lib.tt_conv2d_s8(
                p(x), -7, p(weight), p(bias), p(multipliers), 5,
                p(y), p(mask), *geometry(x_shape, w_shape, stride, pad, groups),
            )  # fmt: skip
            results.append((y, mask))
    (fast_y, fast_mask), (fast_plain, _), (naive_y, naive_mask), (naive_plain, _) = results
    assert 0 < np.unpackbits(naive_mask, bitorder="little")[:count].sum() < count, "both mask values"
    np.testing.assert_array_equal(fast_y, naive_y)
    np.testing.assert_array_equal(fast_mask, naive_mask)
    np.testing.assert_array_equal(fast_plain, naive_y)
    np.testing.assert_array_equal(naive_plain, naive_y)


@pytest.mark.parametrize("dw", [(3, 1, 1), (5, 1, 2), (3, 2, 1)], ids=["dw3s1", "dw5s1", "dw3s2"])
@pytest.mark.parametrize("first", [(1, 1, 0), (3, 2, 1)], ids=["pw", "3x3s2"])
def test_conv2d_dw_same_as_naive(libs, first, dw):
    (k, s, pd), (dk, ds, dp) = first, dw
    rng = np.random.default_rng(k * 100 + dk * 10 + ds)
    batch, cin, h, w, mid = 2, 5, 13, 12, 6
    x = q8(rng, (batch, cin, h, w))
    weight, dw_weight = q8(rng, (mid, cin, k, k)), q8(rng, (mid, 1, dk, dk))
    bias, dw_bias = (rng.integers(-5000, 5000, size=mid).astype(np.int32) for _ in range(2))
    mult = np.full(mid, 100.0 / (60 * 60 * np.sqrt(cin * k * k)), dtype=np.float32)
    dw_mult = np.full(mid, 100.0 / (60 * 60 * dk), dtype=np.float32)
    mh, mw = (h + 2 * pd - k) // s + 1, (w + 2 * pd - k) // s + 1
    oh, ow = (mh + 2 * dp - dk) // ds + 1, (mw + 2 * dp - dk) // ds + 1
    outputs = []
    for lib in libs:
        y = np.full((batch, mid, oh, ow), 99, dtype=np.int8)
        scratch = np.zeros(mh * mw, dtype=np.int8)
        lib.tt_conv2d_dw_s8(
            p(x), 3, p(weight), p(bias), p(mult), -128, p(dw_weight), p(dw_bias), p(dw_mult), 4, p(y), p(scratch),
            batch, cin, h, w, mid, k, k, s, s, pd, pd, pd, pd, dk, dk, ds, ds, dp, dp, dp, dp,
        )  # fmt: skip
        outputs.append(y)
    np.testing.assert_array_equal(outputs[0], outputs[1])


def test_add_and_sgd_same_as_naive(libs):
    rng = np.random.default_rng(5)
    a, b = q8(rng, 1001), q8(rng, 1001)
    grad = (rng.standard_normal(1001) * 3000).astype(np.float32)
    param8, param32 = q8(rng, 1001), rng.integers(-(2**31), 2**31, size=1001).astype(np.int32)
    results = []
    for lib in libs:
        y = np.zeros(1001, dtype=np.int8)
        mask = np.full(126, 0xA5, dtype=np.uint8)
        lib.tt_add_s8(p(a), 3, 0.7, p(b), -2, 0.45, 1, p(y), p(mask), 1001)
        w8, w32 = param8.copy(), param32.copy()
        saturated = (lib.tt_sgd_update_s8(p(w8), p(grad), 0.01, 1001), lib.tt_sgd_update_s32(p(w32), p(grad), 1e6, 1001))
        results.append((y, mask, w8, w32, saturated))
    for fast, naive in zip(*results):
        np.testing.assert_array_equal(np.asarray(fast), np.asarray(naive))


@pytest.mark.parametrize("case", list(CASES), ids=str)
def test_conv2d_gradients_same_as_naive(libs, case):
    x_shape, w_shape, stride, pad, groups = CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 1)
    x, weight = q8(rng, x_shape), q8(rng, w_shape)
    y_shape = (x_shape[0], w_shape[0], *out_hw(x_shape, w_shape, stride, pad))
    dy = (rng.standard_normal(y_shape) * 0.01).astype(np.float32)
    fast, naive = libs
    geo = geometry(x_shape, w_shape, stride, pad, groups)

    # grad_input: each element sums at most (out_channels / groups) * KH * KW products.
    dx = [np.full(x_shape, np.nan, dtype=np.float32) for _ in range(3)]
    fast.tt_conv2d_grad_input_f32(p(dy), p(weight), p(dx[0]), *geo)
    naive.tt_conv2d_grad_input_f32(p(dy), p(weight), p(dx[1]), *geo)
    abs_weight = np.abs(weight.astype(np.int16)).clip(max=127).astype(np.int8)  # |-128| as 127: a bound anyway
    naive.tt_conv2d_grad_input_f32(p(np.abs(dy)), p(abs_weight), p(dx[2]), *geo)
    terms = (w_shape[0] // groups) * w_shape[2] * w_shape[3]
    assert_sum_close(dx[0], dx[1], dx[2] * (128.0 / 127.0), terms, f"grad_input {case}")

    if groups not in (1, w_shape[0]):
        return  # grouped convs do not train weights
    channels = max(1, (x_shape[1] if groups == 1 else w_shape[0]) - 1)
    z_x = 6
    filters = channels if groups != 1 else w_shape[0]
    per_filter = 1 if groups != 1 else channels
    dw_shape = (filters, per_filter, w_shape[2], w_shape[3])
    dw = [np.full(dw_shape, np.nan, dtype=np.float32) for _ in range(2)]
    fast.tt_conv2d_grad_weight_f32(p(x), z_x, p(dy), p(dw[0]), *geo, channels)
    naive.tt_conv2d_grad_weight_f32(p(x), z_x, p(dy), p(dw[1]), *geo, channels)
    # |x - z_x| <= 134, as |x| with the zero point 0 and |dy|: a magnitude bound from the naive build.
    magnitude = np.full(dw_shape, np.nan, dtype=np.float32)
    naive.tt_conv2d_grad_weight_f32(p(np.full_like(x, 127)), -7, p(np.abs(dy)), p(magnitude), *geo, channels)
    terms = y_shape[0] * y_shape[2] * y_shape[3]
    assert_sum_close(dw[0], dw[1], magnitude, terms, f"grad_weight {case}")

    # The fused weight update: identical int8 weights and saturation counts.
    weight_channels = 1 if groups != 1 else x_shape[1]
    factors = rng.uniform(0.5, 2.0, size=filters).astype(np.float32)
    updated = []
    for lib in libs:
        w = q8(np.random.default_rng(3), (w_shape[0], weight_channels, w_shape[2], w_shape[3]))
        saturated = lib.tt_conv2d_weight_update_s8(
            p(w), p(x), z_x, p(dy), p(factors), 2000.0, *geo[:5], weight_channels, *geo[5:], channels
        )
        updated.append((w, saturated))
    np.testing.assert_array_equal(updated[0][0], updated[1][0])
    assert updated[0][1] == updated[1][1]
