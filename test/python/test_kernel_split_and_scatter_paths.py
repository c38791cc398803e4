"""The runtime's newer fast paths equal the naive build (`-DTT_NAIVE_KERNELS`) bit for bit.

Both builds are compiled with the host gcc into temporary shared libraries (as
test_kernel_naive_build.py does) and called on the same inputs, with shapes that reach:

* `tt_conv2d_grad_input_split_f32` by parts (regular convs split on input channels,
  grouped / depthwise ones on a group boundary), f32 bit patterns compared;
* `tt_conv2d_split_s8`'s split pointwise path (pixel blocks of 4 and their tails) and
  its depthwise decomposition (masks on and off a byte boundary), and
  `tt_conv2d_dw_split_s8` through it;
* the scatter form of the depthwise `tt_conv2d_grad_input_f32` (strides 1 and 2,
  asymmetric padding, batch 2), f32 bit patterns compared;
* the inlined requantization of `tt_add_s8` (masks, in place);
* the depthwise channel order ("shift-in-place": the output one channel below the
  input in the same buffer) of the fast depthwise paths.
"""

from __future__ import annotations

import numpy as np
import pytest

from kernel_checks import conv_out_hw as out_hw
from kernel_checks import geometry, p, q8, random_conv_inputs
from runtime_abi import Runtime
from runtime_builds import fast_and_naive


@pytest.fixture(scope="module")
def libs(tmp_path_factory) -> tuple[Runtime, Runtime]:
    return fast_and_naive(tmp_path_factory, "speed-paths")


def f32(rng, shape) -> np.ndarray:
    """Mixed magnitudes, so that every rounding of a sum shows."""
    values = rng.standard_normal(shape) * np.exp2(rng.integers(-8, 9, size=shape))
    return (values * 0.01).astype(np.float32)


def split_weight(weight, k, groups):
    trained, frozen = np.split(weight, [k], axis=1 if groups == 1 else 0)
    return np.ascontiguousarray(trained), np.ascontiguousarray(frozen)


def bits(array: np.ndarray) -> np.ndarray:
    return array.view(np.uint32)


# name: (x shape, weight shape, stride, pad [t, l, b, r], groups)
GRAD_CASES = {
    "pointwise_48x8x8_240": ((1, 48, 8, 8), (240, 48, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "pointwise_odd_batch2": ((2, 13, 3, 5), (9, 13, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "regular_3x3_s2": ((1, 6, 9, 8), (5, 6, 3, 3), (2, 2), (1, 1, 1, 1), 1),
    "depthwise_3x3_8x8": ((1, 12, 8, 8), (12, 1, 3, 3), (1, 1), (1, 1, 1, 1), 12),
    "depthwise_3x3_4x4": ((1, 10, 4, 4), (10, 1, 3, 3), (1, 1), (1, 1, 1, 1), 10),
    "depthwise_5x5_4x4": ((1, 6, 4, 4), (6, 1, 5, 5), (1, 1), (2, 2, 2, 2), 6),
    "depthwise_7x7_s2_8x8": ((1, 5, 8, 8), (5, 1, 7, 7), (2, 2), (3, 3, 3, 3), 5),
    "depthwise_3x3_s2_asym_batch2": ((2, 4, 11, 10), (4, 1, 3, 3), (2, 2), (0, 1, 1, 0), 4),
    "depthwise_5x3_s1x2": ((1, 3, 12, 13), (3, 1, 5, 3), (1, 2), (2, 1, 2, 1), 3),
    "grouped_g3": ((1, 6, 7, 7), (9, 2, 3, 3), (1, 1), (1, 1, 1, 1), 3),
}


@pytest.mark.parametrize("case", list(GRAD_CASES), ids=str)
def test_grad_input_fast_paths_equal_naive(libs, case):
    fast, naive = libs
    x_shape, w_shape, stride, pad, groups = GRAD_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)))
    weight = q8(rng, w_shape)
    dy = f32(rng, (x_shape[0], w_shape[0], *out_hw(x_shape, w_shape, stride, pad)))
    geo = geometry(x_shape, w_shape, stride, pad, groups)
    expected = np.full(x_shape, np.nan, dtype=np.float32)
    naive.tt_conv2d_grad_input_f32(p(dy), p(weight), p(expected), *geo)
    got = np.full(x_shape, np.nan, dtype=np.float32)
    fast.tt_conv2d_grad_input_f32(p(dy), p(weight), p(got), *geo)
    np.testing.assert_array_equal(bits(got), bits(expected))

    channels = w_shape[1] if groups == 1 else w_shape[0]
    group_out = w_shape[0] // groups
    for k in sorted({0, 1, channels // 2, channels - 1, channels, group_out, 2 * group_out}):
        if k > channels:
            continue
        trained, frozen = split_weight(weight, k, groups)
        for lib in libs:
            got = np.full(x_shape, np.nan, dtype=np.float32)
            lib.tt_conv2d_grad_input_split_f32(p(dy), p(trained), p(frozen), k, p(got), *geo)
            np.testing.assert_array_equal(bits(got), bits(expected), err_msg=f"split {k}")


# name: (x shape, weight shape, stride, pad, groups)
FORWARD_CASES = {
    "pointwise_48x8x8_144": ((1, 48, 8, 8), (144, 48, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "pointwise_tail_batch2": ((2, 7, 3, 5), (6, 7, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "depthwise_3x3_4x4": ((1, 12, 4, 4), (12, 1, 3, 3), (1, 1), (1, 1, 1, 1), 12),
    "depthwise_3x3_3x3_batch2": ((2, 6, 3, 3), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 6),
    "depthwise_5x5_s2": ((1, 8, 9, 9), (8, 1, 5, 5), (2, 2), (2, 2, 2, 2), 8),
}


@pytest.mark.parametrize("case", list(FORWARD_CASES), ids=str)
def test_conv2d_split_fast_paths_equal_naive(libs, case):
    fast, naive = libs
    x_shape, w_shape, stride, pad, groups = FORWARD_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 7)
    x, weight, bias, multipliers = random_conv_inputs(rng, x_shape, w_shape)
    c_out = w_shape[0]
    y_shape = (x_shape[0], c_out, *out_hw(x_shape, w_shape, stride, pad))
    count = int(np.prod(y_shape))
    geo = geometry(x_shape, w_shape, stride, pad, groups)
    expected = np.full(y_shape, 99, dtype=np.int8)
    expected_mask = np.full((count + 7) // 8, 0xA5, dtype=np.uint8)
    naive.tt_conv2d_s8(p(x), -7, p(weight), p(bias), p(multipliers), 5, p(expected), p(expected_mask), *geo)
    assert 0 < np.unpackbits(expected_mask, bitorder="little")[:count].sum() < count, "both mask values"
    channels = w_shape[1] if groups == 1 else w_shape[0]
    for k in sorted({0, 1, 2, 3, channels // 2, channels - 1, channels}):
        trained, frozen = split_weight(weight, k, groups)
        for lib in libs:
            for with_mask in (True, False):
                y = np.full(y_shape, 99, dtype=np.int8)
                mask = np.full_like(expected_mask, 0x5A) if with_mask else None
                lib.tt_conv2d_split_s8(
                    p(x), -7, p(trained), p(frozen), k, p(bias), p(multipliers), 5, p(y), p(mask), *geo
                )
                np.testing.assert_array_equal(y, expected, err_msg=f"split {k}")
                if with_mask:
                    np.testing.assert_array_equal(mask, expected_mask, err_msg=f"split {k}: mask")


@pytest.mark.parametrize("split", [0, 3, 5, 11, 12])
def test_conv2d_dw_split_pointwise_equals_naive(libs, split):
    rng = np.random.default_rng(split + 40)
    batch, cin, h, w, mid = 2, 12, 6, 7, 5
    x = q8(rng, (batch, cin, h, w))
    weight, dw_weight = q8(rng, (mid, cin, 1, 1)), q8(rng, (mid, 1, 3, 3))
    bias, dw_bias = (rng.integers(-5000, 5000, size=mid).astype(np.int32) for _ in range(2))
    mult = np.full(mid, 100.0 / (60 * 60 * np.sqrt(cin)), dtype=np.float32)
    dw_mult = np.full(mid, 100.0 / (60 * 60 * 3), dtype=np.float32)
    trained, frozen = split_weight(weight, split, 1)
    outputs = []
    for lib in libs:
        y = np.full((batch, mid, h, w), 99, dtype=np.int8)
        scratch = np.zeros(h * w, dtype=np.int8)
        lib.tt_conv2d_dw_split_s8(
            p(x), 3, p(trained), p(frozen) if split < cin else None, split, p(bias), p(mult), -128,
            p(dw_weight), None, mid, p(dw_bias), p(dw_mult), 4, p(y), p(scratch),
            batch, cin, h, w, mid, 1, 1, 1, 1, 0, 0, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1,
        )  # fmt: skip
        outputs.append(y)
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert len(np.unique(outputs[1])) > 8


def test_add_inline_requantize_equals_naive(libs):
    rng = np.random.default_rng(11)
    count = 1003
    a, b = q8(rng, count), q8(rng, count)
    results = []
    for lib in libs:
        y = np.zeros(count, dtype=np.int8)
        mask = np.full((count + 7) // 8, 0xA5, dtype=np.uint8)
        lib.tt_add_s8(p(a), 3, 0.7, p(b), -2, 0.45, 1, p(y), p(mask), count)
        in_place = a.copy()
        lib.tt_add_s8(p(in_place), 3, 0.7, p(b), -2, 0.45, 1, p(in_place), None, count)
        results.append((y, mask, in_place))
    for fast, naive in zip(*results):
        np.testing.assert_array_equal(fast, naive)
    assert 0 < np.unpackbits(results[1][1], bitorder="little")[:count].sum() < count


@pytest.mark.parametrize("kernel", [(3, 1), (5, 2), (7, 3)], ids=["k3", "k5", "k7"])
@pytest.mark.parametrize("hw", [4, 8], ids=["4x4", "8x8"])
def test_depthwise_shift_in_place(libs, kernel, hw):
    """Batch 1 depthwise, stride 1, same size: the output one channel below the input in
    one buffer gives the out-of-place result (grad_input, its split form, the forward
    split conv)."""
    fast, naive = libs
    k, pad = kernel
    channels = 6
    plane = hw * hw
    x_shape, w_shape = (1, channels, hw, hw), (channels, 1, k, k)
    geo = geometry(x_shape, w_shape, (1, 1), (pad,) * 4, channels)
    rng = np.random.default_rng(k * 10 + hw)
    weight = q8(rng, w_shape)
    dy = f32(rng, x_shape)
    expected = np.full(x_shape, np.nan, dtype=np.float32)
    naive.tt_conv2d_grad_input_f32(p(dy), p(weight), p(expected), *geo)
    for split in (None, 0, 2, channels):
        buffer = np.full((channels + 1) * plane, np.nan, dtype=np.float32)
        buffer[plane:] = dy.ravel()
        dx = buffer[:channels * plane]
        if split is None:
            fast.tt_conv2d_grad_input_f32(p(buffer[plane:]), p(weight), p(dx), *geo)
        else:
            trained, frozen = split_weight(weight, split, channels)
            fast.tt_conv2d_grad_input_split_f32(p(buffer[plane:]), p(trained), p(frozen), split, p(dx), *geo)
        np.testing.assert_array_equal(bits(dx.reshape(x_shape)), bits(expected), err_msg=f"split {split}")

    x = q8(rng, x_shape)
    bias = rng.integers(-3000, 3000, size=channels).astype(np.int32)
    mult = np.full(channels, 100.0 / (60 * 60 * k), dtype=np.float32)
    y_expected = np.zeros(x_shape, dtype=np.int8)
    naive.tt_conv2d_s8(p(x), -3, p(weight), p(bias), p(mult), 2, p(y_expected), None, *geo)
    for split in (0, 2, channels):
        trained, frozen = split_weight(weight, split, channels)
        buffer = np.zeros((channels + 1) * plane, dtype=np.int8)
        buffer[plane:] = x.ravel()
        mask = np.zeros((channels * plane + 7) // 8, dtype=np.uint8)
        fast.tt_conv2d_split_s8(
            p(buffer[plane:]), -3, p(trained), p(frozen), split, p(bias), p(mult), 2, p(buffer[:channels * plane]),
            p(mask), *geo,
        )  # fmt: skip
        np.testing.assert_array_equal(buffer[: channels * plane].reshape(x_shape), y_expected, err_msg=f"split {split}")
