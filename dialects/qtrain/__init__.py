"""The `qtrain` dialect: real int8 inference and training ops for microcontrollers.

Values
------
* Activations are tensors whose element type is `!qtrain.qi8<scale, zero_point>`:
  int8 storage with a per-tensor affine map `real = (q - zero_point) * scale`.
  The quantization parameters live in the *type* because they describe the value,
  not the op: producer and every consumer see the same `(scale, zero_point)`, the
  verifier checks agreement for free, and a rewrite that moves or clones ops
  cannot leave a stale copy behind.
* Parameters are module-level symbols (`qtrain.param`) holding raw data: int8
  weights (OIHW), int32 biases, fp32 head weights. They are read inside a
  function by `qtrain.get_param`, so a training update can later write the same
  symbol in place (SRAM) while frozen ones stay constant (flash).
* Per-output-channel weight scales are an *attribute* of the op that consumes the
  weight (`w_scales` on `qtrain.conv2d`): they are constants of that op's
  requantization arithmetic, fixed during training (SGD changes the int8
  values, never the scales), and one per output channel is checked there.
* Gradients and the classifier head are plain `f32` tensors.

Semantics (FACTS.md section 2) and the one rounding rule
-------------------------------------------------------
Every rounding in this dialect is **round half to even** (IEEE-754 default
`rint`; `torch.round`, `numpy.rint`; a single `VRINTR`/`VCVTR` on the Cortex-M7
FPv5 unit under the default FPSCR mode). Requantization happens in IEEE single
precision, with constants derived once from the f64 scales in the IR
(`requant_multipliers`, `add_multipliers`), and no fused multiply-add:

* conv2d:  `acc = sat32(sum((x - z_x) * W) + b)`,
  `y = clamp(rint(f32(acc) * eff[c]) + z_y, -128, 127)`,
  `eff[c] = f32(s_x * s_w[c] / s_y)`.
  The sum of products is exact in int32 (the verifier bounds
  `255 * 128 * K_h * K_w * C_in/groups` below 2**31); adding the bias
  saturates to the int32 range (one `QADD` on the Cortex-M7), because
  pretrained files mark dead channels with biases of -2**31 or 2**31-1
  whose wrap-around would flip the output to the other rail.
  Padding contributes real zero, i.e. padded inputs equal `z_x`.
* add:  `y = clamp(rint(f32(a - z_a) * m_a + f32(b - z_b) * m_b) + z_y)`,
  `m_a = f32(s_a / s_y)`, `m_b = f32(s_b / s_y)`; products and sum in f32.
* global_avgpool: `y = rint(sum(x) / (H * W))`, the exact quotient rounded half
  to even (integer arithmetic; same scale and zero point in and out).
* dequantize: `f32(q - z) * f32(s)`.
* linear: `y = x @ W^T + b` in f32 (summation order is not specified: fp32
  results are compared with a tolerance, integer paths bit-exactly).

The reference implementation of every op is in
`tiny_training.interpreters.qtrain`.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from tiny_training.dialects.qtrain.backward import (
    AccumulateOp,
    AddGradOp,
    ClampGradOp,
    Conv2dGradBiasOp,
    Conv2dGradInputOp,
    Conv2dGradWeightOp,
    DequantizeGradOp,
    GlobalAvgPoolGradOp,
    LinearGradInputOp,
    LinearGradWeightOp,
    RequantGradOp,
    ReshapeOp,
    SoftmaxCrossEntropyGradOp,
    SoftmaxCrossEntropyOp,
    SumBatchOp,
)
from tiny_training.dialects.qtrain.forward import (
    AddOp,
    Conv2dDwOp,
    Conv2dOp,
    ConvGeometry,
    DequantizeOp,
    FlattenOp,
    GlobalAvgPoolOp,
    LinearOp,
)
from tiny_training.dialects.qtrain.params import (
    GetParamOp,
    GetParamSymbolUser,
    ParamOp,
    element_numpy_dtype,
    lookup_param,
)
from tiny_training.dialects.qtrain.types import (
    INT8_MAX,
    INT8_MIN,
    INT32_MAX,
    INT32_MIN,
    MAX_PRODUCT_MAGNITUDE,
    QInt8Type,
    add_multipliers,
    conv_output_size,
    mask_type_for,
    mlir_float_literal,
    qtensor,
    quant_params,
    requant_multipliers,
)
from tiny_training.dialects.qtrain.update import (
    Conv2dWeightUpdateOp,
    ConvWeightUpdateSymbolUser,
    ParamGradOp,
    ParamGradSymbolUser,
    ScaleChannelsOp,
    SgdSymbolUser,
    SgdUpdateOp,
    SliceChannelsOp,
)

QTrain = Dialect(
    "qtrain",
    [
        ParamOp,
        GetParamOp,
        Conv2dOp,
        AddOp,
        GlobalAvgPoolOp,
        DequantizeOp,
        FlattenOp,
        LinearOp,
        SoftmaxCrossEntropyOp,
        SoftmaxCrossEntropyGradOp,
        LinearGradInputOp,
        LinearGradWeightOp,
        SumBatchOp,
        ReshapeOp,
        DequantizeGradOp,
        GlobalAvgPoolGradOp,
        ClampGradOp,
        AddGradOp,
        RequantGradOp,
        Conv2dGradInputOp,
        Conv2dGradWeightOp,
        Conv2dGradBiasOp,
        AccumulateOp,
        ParamGradOp,
        ScaleChannelsOp,
        SgdUpdateOp,
        SliceChannelsOp,
        Conv2dWeightUpdateOp,
        Conv2dDwOp,
    ],
    [QInt8Type],
)

__all__ = [
    "AccumulateOp",
    "AddGradOp",
    "AddOp",
    "ClampGradOp",
    "Conv2dDwOp",
    "Conv2dGradBiasOp",
    "Conv2dGradInputOp",
    "Conv2dGradWeightOp",
    "Conv2dOp",
    "Conv2dWeightUpdateOp",
    "ConvGeometry",
    "ConvWeightUpdateSymbolUser",
    "DequantizeGradOp",
    "DequantizeOp",
    "FlattenOp",
    "GetParamOp",
    "GetParamSymbolUser",
    "GlobalAvgPoolGradOp",
    "GlobalAvgPoolOp",
    "INT32_MAX",
    "INT32_MIN",
    "INT8_MAX",
    "INT8_MIN",
    "LinearGradInputOp",
    "LinearGradWeightOp",
    "LinearOp",
    "MAX_PRODUCT_MAGNITUDE",
    "ParamGradOp",
    "ParamGradSymbolUser",
    "ParamOp",
    "QInt8Type",
    "QTrain",
    "RequantGradOp",
    "ReshapeOp",
    "ScaleChannelsOp",
    "SgdSymbolUser",
    "SgdUpdateOp",
    "SliceChannelsOp",
    "SoftmaxCrossEntropyGradOp",
    "SoftmaxCrossEntropyOp",
    "SumBatchOp",
    "add_multipliers",
    "conv_output_size",
    "element_numpy_dtype",
    "lookup_param",
    "mask_type_for",
    "mlir_float_literal",
    "qtensor",
    "quant_params",
    "requant_multipliers",
]
