"""The forward fast paths of `tt_conv2d_s8` equal the naive build (`-DTT_NAIVE_KERNELS`) bit for bit.

Both builds are compiled with the host gcc into temporary shared libraries (as
test_kernel_split_and_scatter_paths.py does) and called on the same inputs, with shapes that reach:

* the depthwise path on a zero-padded per-channel scratch (3x3, 5x5, 7x7, strides 1 and
  2, asymmetric and zero padding, odd output widths for the two-output loop's tail,
  batch 2, masks on and off, input zero points at the limits of the path and beyond
  them, planes just inside and just outside the scratch);
* its channel order: the output one channel below the input in the same buffer;
* the requantization on rounding ties and far outside the int8 range (masks), in the
  pointwise and the depthwise path.

On the Cortex-M7 itself (the DSP and VCVTR forms) `bench/kernels.py --check` compares the
two builds.
"""

from __future__ import annotations


import numpy as np
import pytest
from runtime_abi import Runtime
from runtime_builds import fast_and_naive



@pytest.fixture(scope="module")
def libs(tmp_path_factory) -> tuple[Runtime, Runtime]:
    return fast_and_naive(tmp_path_factory, "forward-speed")


def p(array):
    if array is None:
        return None
    assert array.flags.c_contiguous
    return array.ctypes.data


def out_hw(x_shape, w_shape, stride, pad):
    top, left, bottom, right = pad
    return (
        (x_shape[2] + top + bottom - w_shape[2]) // stride + 1,
        (x_shape[3] + left + right - w_shape[3]) // stride + 1,
    )


def geometry(x_shape, w_shape, stride, pad, groups):
    n, c, h, w = x_shape
    return (n, c, h, w, w_shape[0], w_shape[2], w_shape[3], stride, stride, *pad, groups)


def run_conv(lib, x, zero, weight, bias, mult, out_zero, y_shape, stride, pad, groups, with_mask):
    count = int(np.prod(y_shape))
    y = np.full(y_shape, 99, dtype=np.int8)
    mask = np.full((count + 7) // 8, 0xA5, dtype=np.uint8) if with_mask else None
    lib.tt_conv2d_s8(
        p(x), zero, p(weight), p(bias), p(mult), out_zero, p(y), p(mask),
        *geometry(x.shape, weight.shape, stride, pad, groups),
    )  # fmt: skip
    return y, mask


def compare(libs, x, zero, weight, bias, mult, out_zero, stride, pad, groups):
    y_shape = (x.shape[0], weight.shape[0], *out_hw(x.shape, weight.shape, stride, pad))
    result = None
    for with_mask in (True, False):
        (fast_y, fast_mask), (naive_y, naive_mask) = (
            run_conv(lib, x, zero, weight, bias, mult, out_zero, y_shape, stride, pad, groups, with_mask)
            for lib in libs
        )
        np.testing.assert_array_equal(fast_y, naive_y)
        if with_mask:
            np.testing.assert_array_equal(fast_mask, naive_mask)
            result = naive_y, naive_mask
    return result


# name: (x shape, kernel, stride, pad [t, l, b, r])
DEPTHWISE = {
    "k3_s1_8x8": ((1, 12, 8, 8), 3, 1, (1, 1, 1, 1)),
    "k3_s1_odd_width": ((1, 5, 7, 9), 3, 1, (1, 1, 1, 1)),
    "k3_s1_batch2": ((2, 5, 9, 10), 3, 1, (1, 1, 1, 1)),
    "k3_s1_no_pad": ((1, 4, 6, 7), 3, 1, (0, 0, 0, 0)),
    "k3_s2_asym": ((1, 3, 10, 9), 3, 2, (0, 1, 1, 0)),
    "k3_s2_odd": ((1, 4, 15, 13), 3, 2, (1, 1, 1, 1)),
    "k5_s1_4x4": ((1, 9, 4, 4), 5, 1, (2, 2, 2, 2)),
    "k5_s1_odd": ((1, 4, 12, 11), 5, 1, (2, 2, 2, 2)),
    "k5_s2": ((2, 3, 11, 12), 5, 2, (2, 2, 2, 2)),
    "k7_s1_8x8": ((1, 5, 8, 8), 7, 1, (3, 3, 3, 3)),
    "k7_s2_8x8": ((1, 6, 8, 8), 7, 2, (3, 3, 3, 3)),
    "k7_s2_odd": ((1, 4, 16, 15), 7, 2, (3, 3, 3, 3)),
    "k3_scratch_full": ((1, 3, 14, 30), 3, 1, (1, 1, 1, 1)),  # 16 x 32 = 512 padded
    "k3_scratch_over": ((1, 3, 15, 30), 3, 1, (1, 1, 1, 1)),  # 17 x 32: over the whole-plane scratch (the banded path)
    "k3_single_channel": ((1, 1, 16, 16), 3, 1, (1, 1, 1, 1)),
}


@pytest.mark.parametrize("case", list(DEPTHWISE), ids=str)
@pytest.mark.parametrize("zero", [-7, -128, 127, 255, -255, 256, -300], ids=lambda z: f"z{z}")
def test_depthwise_equals_naive(libs, case, zero):
    x_shape, k, stride, pad = DEPTHWISE[case]
    channels = x_shape[1]
    rng = np.random.default_rng(sum(map(ord, case)) + zero)
    x = rng.integers(-128, 128, size=x_shape).astype(np.int8)
    weight = rng.integers(-128, 128, size=(channels, 1, k, k)).astype(np.int8)
    bias = rng.integers(-3000, 3000, size=channels).astype(np.int32)
    mult = (rng.uniform(0.5, 2.0, size=channels) * 100.0 / (60 * 60 * k)).astype(np.float32)
    y, mask = compare(libs, x, zero, weight, bias, mult, 5, stride, pad, channels)
    count = y.size
    if abs(zero) < 200:
        inside = np.unpackbits(mask, bitorder="little")[:count].sum()
        assert 0 < inside < count, "both mask values"


@pytest.mark.parametrize("kernel", [(3, 1, 1), (5, 1, 2), (7, 1, 3), (3, 2, 1), (7, 2, 3)],
                         ids=["k3s1", "k5s1", "k7s1", "k3s2", "k7s2"])
@pytest.mark.parametrize("hw", [4, 8, 9], ids=["4x4", "8x8", "9x9"])
def test_depthwise_shift_in_place(libs, kernel, hw):
    """Batch 1 depthwise: the output one output channel below the input in one buffer
    gives the out-of-place result."""
    check_depthwise_shift_in_place(libs, kernel, hw, channels=7)


def check_depthwise_shift_in_place(libs, kernel, hw: int, channels: int) -> None:
    """The fast kernel writing its output one channel below its input, in one buffer,
    against the naive kernel out of place: output and mask equal."""
    fast, naive = libs
    k, stride, pad = kernel
    x_shape, w_shape = (1, channels, hw, hw), (channels, 1, k, k)
    oh, ow = out_hw(x_shape, w_shape, stride, (pad,) * 4)
    rng = np.random.default_rng(k * 100 + stride * 10 + hw)
    x = rng.integers(-128, 128, size=x_shape).astype(np.int8)
    weight = rng.integers(-128, 128, size=w_shape).astype(np.int8)
    bias = rng.integers(-3000, 3000, size=channels).astype(np.int32)
    mult = np.full(channels, 100.0 / (60 * 60 * k), dtype=np.float32)
    geo = geometry(x_shape, w_shape, stride, (pad,) * 4, channels)
    expected = np.zeros((1, channels, oh, ow), dtype=np.int8)
    expected_mask = np.zeros((channels * oh * ow + 7) // 8, dtype=np.uint8)
    naive.tt_conv2d_s8(p(x), -3, p(weight), p(bias), p(mult), 2, p(expected), p(expected_mask), *geo)
    out_plane = oh * ow
    buffer = np.zeros(out_plane + x.size, dtype=np.int8)
    buffer[out_plane:] = x.ravel()
    mask = np.zeros_like(expected_mask)
    fast.tt_conv2d_s8(p(buffer[out_plane:]), -3, p(weight), p(bias), p(mult), 2, p(buffer), p(mask), *geo)
    np.testing.assert_array_equal(buffer[: channels * out_plane].reshape(expected.shape), expected)
    np.testing.assert_array_equal(mask, expected_mask)


@pytest.mark.parametrize("multiplier", [0.5, 0.25, 3.0e9, 1.0e-12], ids=["half", "quarter", "huge", "tiny"])
@pytest.mark.parametrize("shape", ["pointwise", "depthwise"])
def test_requantize_ties_and_rails_equal_naive(libs, multiplier, shape):
    """Rounding ties (half to even) and products far outside int32 and int8."""
    rng = np.random.default_rng(7)
    if shape == "pointwise":
        x = rng.integers(-128, 128, size=(1, 9, 5, 7)).astype(np.int8)
        weight = rng.integers(-3, 4, size=(6, 9, 1, 1)).astype(np.int8)
        stride, pad, groups = 1, (0, 0, 0, 0), 1
    else:
        x = rng.integers(-128, 128, size=(1, 6, 5, 7)).astype(np.int8)
        weight = rng.integers(-3, 4, size=(6, 1, 3, 3)).astype(np.int8)
        stride, pad, groups = 1, (1, 1, 1, 1), 6
    bias = rng.integers(-40, 40, size=6).astype(np.int32)
    mult = np.full(6, multiplier, dtype=np.float32)
    for out_zero in (0, -5, 100):
        compare(libs, x, 3, weight, bias, mult, out_zero, stride, pad, groups)
