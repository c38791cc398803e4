"""The op facts of dialects/traits.py and the conv geometry base: they are what the
passes query, so each is checked here against the op definitions and against shapes
worked out by hand."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import TensorType, f32, i8, i32
from xdsl.utils.test_value import create_ssa_value

from tiny_training.dialects import qtrain
from tiny_training.dialects.traits import (
    AliasesOperand,
    ChannelStreamed,
    Elementwise,
    InPlaceOperands,
    NeedsScratch,
    ProducesClampMask,
    StartsBackward,
    channel_streamed,
)

OPS = list(qtrain.QTrain.operations)


def q(shape):
    return create_ssa_value(qtrain.qtensor(shape, 0.5, 0))


def value(shape, element):
    return create_ssa_value(TensorType(element, shape))


def conv(x_shape, w_shape, groups, out_shape):
    return qtrain.Conv2dOp(
        q(x_shape), value(w_shape, i8), value((w_shape[0],), i32), qtrain.qtensor(out_shape, 0.25, 0),
        stride=(1, 1), pad=(0, 0, 0, 0), groups=groups, w_scales=[0.5] * w_shape[0],
    )  # fmt: skip


@pytest.mark.parametrize("op", [o for o in OPS if o.has_trait(InPlaceOperands)], ids=lambda o: o.name)
def test_in_place_pairs_name_real_operands_and_results(op):
    definition = op.get_irdl_definition()
    pairs = op.get_trait(InPlaceOperands).pairs
    assert pairs
    for i, j in pairs:
        assert 0 <= i < len(definition.operands) and 0 <= j < len(definition.results), (op.name, i, j)


def test_elementwise_ops_all_have_in_place_pairs():
    # convert-qtrain-to-mem reuses buffers only along the pairs of an Elementwise op.
    for op in OPS:
        if op.has_trait(Elementwise):
            assert op.has_trait(InPlaceOperands), op.name


def test_the_traits_sit_on_the_expected_ops():
    def names(trait):
        return {o.name for o in OPS if o.has_trait(trait)}

    assert names(AliasesOperand) == {"qtrain.flatten", "qtrain.reshape"}
    assert names(ChannelStreamed) == {"qtrain.conv2d", "qtrain.conv2d_grad_input"}
    assert names(NeedsScratch) == {"qtrain.conv2d_dw"}
    assert names(ProducesClampMask) == {"qtrain.conv2d", "qtrain.add"}
    assert names(StartsBackward) == {"qtrain.softmax_cross_entropy_grad"}
    assert names(Elementwise) == {
        "qtrain.add", "qtrain.clamp_grad", "qtrain.requant_grad", "qtrain.dequantize_grad",
        "qtrain.scale_channels", "qtrain.accumulate", "qtrain.add_grad", "qtrain.sum_batch",
    }  # fmt: skip


def test_every_conv_like_op_shares_the_geometry_base():
    for op in (qtrain.Conv2dOp, qtrain.Conv2dGradInputOp, qtrain.Conv2dGradWeightOp, qtrain.Conv2dWeightUpdateOp):
        assert issubclass(op, qtrain.ConvGeometry)
        assert op.is_depthwise is qtrain.ConvGeometry.is_depthwise  # defined once


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "groups", "out_shape", "depthwise"),
    [
        ((1, 4, 3, 3), (4, 1, 1, 1), 4, (1, 4, 3, 3), True),
        ((1, 4, 3, 3), (8, 1, 1, 1), 4, (1, 8, 3, 3), False),  # channel multiplier 2
        ((1, 4, 3, 3), (4, 2, 1, 1), 2, (1, 4, 3, 3), False),  # grouped
        ((1, 1, 3, 3), (1, 1, 1, 1), 1, (1, 1, 3, 3), False),  # one channel, groups = 1
    ],
)
def test_is_depthwise_of_conv_and_its_gradients(x_shape, w_shape, groups, out_shape, depthwise):
    forward = conv(x_shape, w_shape, groups, out_shape)
    assert forward.is_depthwise is depthwise
    grad_input = qtrain.Conv2dGradInputOp(
        value(out_shape, f32), value(w_shape, i8), x_shape, stride=(1, 1), pad=(0, 0, 0, 0), groups=groups
    )
    assert grad_input.is_depthwise is depthwise


def test_is_depthwise_of_weight_gradients_with_a_sliced_input():
    # Only the first 2 of 4 depthwise channels train: the saved input is a 2-channel slice.
    grad_weight = qtrain.Conv2dGradWeightOp(
        q((1, 2, 3, 3)), value((1, 4, 3, 3), f32), (2, 1, 1, 1), stride=(1, 1), pad=(0, 0, 0, 0), groups=4
    )
    update = qtrain.Conv2dWeightUpdateOp(
        "w", q((1, 2, 3, 3)), value((1, 4, 3, 3), f32), stride=(1, 1), pad=(0, 0, 0, 0), groups=4, channels=2, lr=0.1
    )
    regular = qtrain.Conv2dGradWeightOp(
        q((1, 2, 3, 3)), value((1, 4, 3, 3), f32), (4, 2, 1, 1), stride=(1, 1), pad=(0, 0, 0, 0), groups=1
    )
    assert grad_weight.is_depthwise and update.is_depthwise and not regular.is_depthwise
    assert update.grad_weight_shape((4, 1, 1, 1)) == (2, 1, 1, 1)


def test_channel_streaming_needs_a_depthwise_op_and_batch_one():
    depthwise = conv((1, 4, 3, 3), (4, 1, 1, 1), 4, (1, 4, 3, 3))
    assert channel_streamed(depthwise) == (depthwise.input, depthwise.output)
    assert channel_streamed(conv((2, 4, 3, 3), (4, 1, 1, 1), 4, (2, 4, 3, 3))) is None  # batch 2
    assert channel_streamed(conv((1, 4, 3, 3), (4, 4, 1, 1), 1, (1, 4, 3, 3))) is None  # regular
    grad = qtrain.Conv2dGradInputOp(
        value((1, 4, 3, 3), f32), value((4, 1, 1, 1), i8), (1, 4, 3, 3), stride=(1, 1), pad=(0, 0, 0, 0), groups=4
    )
    assert channel_streamed(grad) == (grad.grad_output, grad.grad_input)
    add = qtrain.AddOp(q((1, 4)), q((1, 4)), qtrain.qtensor((1, 4), 0.5, 0))
    assert channel_streamed(add) is None  # no such trait


def test_without_mask_keeps_the_op_and_drops_the_mask():
    masked = qtrain.AddOp(q((1, 4)), q((1, 4)), qtrain.qtensor((1, 4), 0.5, 0), with_mask=True)
    plain = masked.without_mask()
    assert plain.mask is None and plain.output.type == masked.output.type
    assert list(plain.operands) == list(masked.operands)
    forward = qtrain.Conv2dOp(
        q((1, 4, 3, 3)), value((2, 4, 1, 1), i8), value((2,), i32), qtrain.qtensor((1, 2, 3, 3), 0.25, 0),
        stride=(1, 1), pad=(0, 0, 0, 0), groups=1, w_scales=[0.5, 0.25], with_mask=True,
    )  # fmt: skip
    stripped = forward.without_mask()
    assert stripped.mask is None and stripped.properties == forward.properties
