"""The scratch the conv kernels report (tt_conv2d_s8_get_buffer_size, tt_conv2d_dw_s8_get_buffer_size).

tt_conv2d_s8 keeps its scratch on the stack; the size it reports follows the dispatch rule
of runtime/src/conv2d/tt_conv2d_s8.c (docs/runtime.md): the paired 1x1 kernel packs 256
weight words and keeps 4 x 64 partial sums (2048 bytes), the depthwise kernel widens a
padded plane into 512 int16 values plus 7 x 8 tap words (1248 bytes), the plain 1x1 and
the generic kernels need none. The fused conv's scratch is one intermediate plane (int8).
"""

import pytest
import runtime_abi

PAIRS, DEPTHWISE = 256 * 4 + 4 * 64 * 4, 512 * 2 + 7 * 8 * 4


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


# (input zero point, geometry: batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w,
#  stride_h, stride_w, pad t/l/b/r, groups), bytes
CASES = {
    "pointwise_pairs": ((3, (1, 16, 8, 8, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1)), PAIRS),
    "pointwise_odd_channels": ((3, (1, 15, 8, 8, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1)), 0),
    "pointwise_plane_not_multiple_of_4": ((3, (1, 16, 3, 3, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1)), 0),
    "depthwise_3x3": ((3, (1, 8, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8)), DEPTHWISE),
    "depthwise_7x7_stride_2": ((3, (1, 8, 20, 20, 8, 7, 7, 2, 2, 3, 3, 3, 3, 8)), DEPTHWISE),
    "depthwise_input_zero_out_of_range": ((300, (1, 8, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8)), 0),
    "depthwise_4x4": ((3, (1, 8, 10, 10, 8, 4, 4, 1, 1, 1, 1, 1, 1, 8)), 0),
    "regular_3x3": ((3, (1, 3, 16, 16, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1)), 0),
}


@pytest.mark.parametrize("name", CASES)
def test_conv2d_buffer_size(lib, name):
    (input_zero, geometry), expected = CASES[name]
    assert lib.tt_conv2d_s8_get_buffer_size(input_zero, *geometry) == expected


def test_conv2d_dw_buffer_size_is_one_intermediate_plane(lib):
    # 3x20x20 -> 1x1 conv to 12 channels at stride 2 (10x10 planes), then a 3x3 depthwise.
    geometry = (1, 3, 20, 20, 12, 1, 1, 2, 2, 0, 0, 0, 0, 3, 3, 1, 1, 1, 1, 1, 1)
    assert lib.tt_conv2d_dw_s8_get_buffer_size(*geometry) == 10 * 10
