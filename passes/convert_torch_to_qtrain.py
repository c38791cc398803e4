"""`convert-torch-to-qtrain`: torch-mlir's import of a fake-quant model into `qtrain`.

Input invariant: a module whose functions are in the accepted `torch` dialect
subset, as produced by `frontends.torch_import` from the fake-quant modules of
`frontends/fakequant.py` (the `dense_resource` blobs of the literals live in the
pass's context, as after parsing the module).

Output: one `qtrain.param` per weight and bias (named after the PyTorch
parameter path when the import tagged it, `conv<i>` otherwise) and each
function rewritten into `qtrain` ops; every torch op is gone. Function inputs
that the model fake-quantizes become `!qtrain.qi8` tensors.

Patterns (each ends in a fake-quantize, which torch.export decomposes into
`div, round, add, maximum, minimum, sub, mul`):
* input:   fq(arg)                                   -> a quantized function argument
* conv:    fq(conv(x, fq_per_channel(W)) + view(f32(b_q) * bias_scale))
                                                     -> qtrain.conv2d
* add:     fq(a + b), a and b quantized              -> qtrain.add
* pool:    fq(sum(x, [2, 3]) / (H * W))              -> qtrain.global_avgpool
* head:    linear(flatten(x)) (also its addmm form)  -> qtrain.dequantize, flatten, linear

Anything else is an error naming the torch op that could not be converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr, TensorType, f32, i8, i32
from xdsl.ir import Block, BlockArgument, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.dialects import torch as torch_d
from tiny_training.dialects.torch import PARAM_NAME_ATTR, literal_array

INT8_RANGE = (-128, 127)


class ConversionError(PassFailedException):
    pass


def _describe(op: Operation | None) -> str:
    return "a function argument" if op is None else op.name


@dataclass(frozen=True)
class FakeQuant:
    source: SSAValue
    scale: float
    zero_point: int


@dataclass
class _FunctionConverter:
    ctx: Context
    function: func.FuncOp
    param_names: set[str]  # shared by all functions of the module: symbols are module-wide
    params: list[qtrain.ParamOp] = field(default_factory=list)
    values: dict[SSAValue, SSAValue] = field(default_factory=dict)
    dequantized: dict[SSAValue, SSAValue] = field(default_factory=dict)
    input_types: dict[int, TensorType] = field(default_factory=dict)
    conv_count: int = 0

    def __post_init__(self) -> None:
        self.block = Block()
        self.arg_placeholders: dict[int, SSAValue] = {}

    # ------------------------------------------------------------------ helpers

    def fail(self, message: str) -> ConversionError:
        return ConversionError(f"convert-torch-to-qtrain: {message}")

    def defining(self, value: SSAValue, name: str) -> Operation:
        owner = value.owner
        if not isinstance(owner, Operation) or owner.name != name:
            found = owner.name if isinstance(owner, Operation) else "a function argument"
            raise self.fail(f"expected {name}, found {found}")
        return owner

    def match(self, value: SSAValue, name: str) -> Operation | None:
        owner = value.owner
        return owner if isinstance(owner, Operation) and owner.name == name else None

    def int_constant(self, value: SSAValue) -> int:
        op = self.defining(value, "torch.constant.int")
        assert isinstance(op, torch_d.ConstantIntOp)
        return op.value.value.data

    def float_constant(self, value: SSAValue) -> float:
        owner = value.owner
        if isinstance(owner, torch_d.ConstantFloatOp):
            return owner.value.value.data
        if isinstance(owner, torch_d.ConstantIntOp):
            return float(owner.value.value.data)
        raise self.fail(f"expected a float constant, found {_describe(owner if isinstance(owner, Operation) else None)}")

    def int_list(self, value: SSAValue) -> list[int]:
        op = self.defining(value, "torch.prim.ListConstruct")
        return [self.int_constant(element) for element in op.operands]

    def literal(self, value: SSAValue) -> tuple[np.ndarray, str | None]:
        op = self.defining(value, "torch.vtensor.literal")
        assert isinstance(op, torch_d.ValueTensorLiteralOp)
        name_attr = op.attributes.get(PARAM_NAME_ATTR)
        name = name_attr.data if isinstance(name_attr, StringAttr) else None
        return literal_array(op, self.ctx), name

    def scalar_literal(self, value: SSAValue) -> float:
        array, _ = self.literal(value)
        if array.size != 1:
            raise self.fail(f"expected a one-element literal, got shape {array.shape}")
        return float(array.reshape(-1)[0])

    def shape(self, value: SSAValue) -> tuple[int, ...]:
        value_type = value.type
        if not isinstance(value_type, torch_d.ValueTensorType):
            raise self.fail(f"expected a !torch.vtensor, got {value_type}")
        shape = value_type.get_shape()
        if any(d < 0 for d in shape):
            raise self.fail(f"dynamic shapes are not supported ({value_type})")
        return shape

    def insert(self, op: Operation) -> Operation:
        self.block.add_op(op)
        return op

    def add_param(self, name: str, data: np.ndarray, element_type) -> SSAValue:
        unique = name
        counter = 1
        while unique in self.param_names:
            unique = f"{name}_{counter}"
            counter += 1
        self.param_names.add(unique)
        param = qtrain.ParamOp(unique, data, element_type)
        self.params.append(param)
        return self.insert(qtrain.GetParamOp(unique, param.value_type)).result

    # ------------------------------------------------------------------ fake-quant

    def match_fake_quant(self, value: SSAValue) -> FakeQuant | None:
        """Matches `mul(sub(min(max(add(round(div(src, s)), z), lo), hi), z), s)`."""
        mul = self.match(value, "torch.aten.mul.Scalar")
        if mul is None:
            return None
        sub = self.match(mul.operands[0], "torch.aten.sub.Scalar")
        minimum = sub and self.match(sub.operands[0], "torch.aten.minimum")
        maximum = minimum and self.match(minimum.operands[0], "torch.aten.maximum")
        add = maximum and self.match(maximum.operands[0], "torch.aten.add.Scalar")
        rounded = add and self.match(add.operands[0], "torch.aten.round")
        div = rounded and self.match(rounded.operands[0], "torch.aten.div.Scalar")
        if not (sub and minimum and maximum and add and rounded and div):
            return None
        if self.int_constant(add.operands[2]) != 1 or self.int_constant(sub.operands[2]) != 1:
            raise self.fail("a fake-quantize must add and subtract its zero point with alpha 1")
        scale = self.float_constant(mul.operands[1])
        zero_point = self.int_constant(add.operands[1])
        if self.float_constant(div.operands[1]) != scale or self.int_constant(sub.operands[1]) != zero_point:
            raise self.fail("inconsistent scale or zero point inside a fake-quantize")
        low, high = self.scalar_literal(maximum.operands[1]), self.scalar_literal(minimum.operands[1])
        if (low, high) != INT8_RANGE:
            raise self.fail(f"activations must be quantized to [-128, 127], got [{low:g}, {high:g}]")
        if not -128 <= zero_point <= 127:
            raise self.fail(f"zero point {zero_point} outside [-128, 127]")
        return FakeQuant(div.operands[0], scale, zero_point)

    # ------------------------------------------------------------------ quantized ops

    def quantized(self, value: SSAValue) -> SSAValue:
        """The qtrain value of a torch value that must be a fake-quantized activation."""
        if value in self.values:
            converted = self.values[value]
            if not isinstance(converted.type, TensorType) or not isinstance(converted.type.element_type, qtrain.QInt8Type):
                raise self.fail("expected a quantized activation, found a float value")
            return converted
        fake_quant = self.match_fake_quant(value)
        if fake_quant is None:
            owner = value.owner
            raise self.fail(
                f"{_describe(owner if isinstance(owner, Operation) else None)} produces a value used as an int8 "
                "activation but it is not fake-quantized"
            )
        converted = self.convert_fake_quant(value, fake_quant)
        self.values[value] = converted
        return converted

    def convert_fake_quant(self, result: SSAValue, fq: FakeQuant) -> SSAValue:
        out_type = qtrain.qtensor(self.shape(result), fq.scale, fq.zero_point)
        source = fq.source
        if isinstance(source, BlockArgument):
            return self.quantized_input(source, out_type)
        owner = source.owner
        assert isinstance(owner, Operation)
        if owner.name == "torch.aten.convolution":
            return self.convert_conv(owner, None, out_type)
        if owner.name == "torch.aten.add.Tensor":
            lhs, rhs = owner.operands[0], owner.operands[1]
            if self.int_constant(owner.operands[2]) != 1:
                raise self.fail("add.Tensor with alpha != 1 is not supported")
            for conv_side, bias_side in ((lhs, rhs), (rhs, lhs)):
                conv = self.match(conv_side, "torch.aten.convolution")
                if conv is not None:
                    return self.convert_conv(conv, bias_side, out_type)
            return self.insert(qtrain.AddOp(self.quantized(lhs), self.quantized(rhs), out_type)).output
        if owner.name in ("torch.aten.div.Scalar", "torch.aten.mean.dim"):
            return self.convert_pool(owner, out_type)
        raise self.fail(f"cannot convert {owner.name} feeding a fake-quantize")

    def quantized_input(self, argument: BlockArgument, out_type: TensorType) -> SSAValue:
        index = argument.index
        if index in self.input_types and self.input_types[index] != out_type:
            raise self.fail(f"function input {index} is fake-quantized twice with different parameters")
        self.input_types[index] = out_type
        if index not in self.arg_placeholders:
            # Keep the original argument order whatever order the inputs are quantized in.
            position = sum(1 for other in self.arg_placeholders if other < index)
            self.arg_placeholders[index] = self.block.insert_arg(out_type, position)
        return self.arg_placeholders[index]

    def convert_conv(self, conv: Operation, bias_value: SSAValue | None, out_type: TensorType) -> SSAValue:
        x, weight_value, torch_bias, stride, padding, dilation, transposed, _, groups = conv.operands
        if self.int_list(dilation) != [1, 1]:
            raise self.fail("dilated convolutions are not supported")
        if self.defining(transposed, "torch.constant.bool").value.value.data:  # pyright: ignore
            raise self.fail("transposed convolutions are not supported")
        if not isinstance(torch_bias.owner, torch_d.ConstantNoneOp):
            raise self.fail("conv bias must be an int32 buffer added after the conv (use fakequant.QConv2d)")
        qx = self.quantized(x)

        fq_weight = self.defining(weight_value, "torch.aten.fake_quantize_per_channel_affine")
        weight_real, weight_name = self.literal(fq_weight.operands[0])
        scales, _ = self.literal(fq_weight.operands[1])
        zero_points, _ = self.literal(fq_weight.operands[2])
        axis, quant_min, quant_max = (self.int_constant(v) for v in fq_weight.operands[3:6])
        if axis != 0 or np.any(zero_points != 0) or (quant_min, quant_max) not in ((-127, 127), (-128, 127)):
            raise self.fail("weights must be symmetric per-output-channel int8 (axis 0, zero point 0)")
        if scales.shape != (weight_real.shape[0],):
            raise self.fail(
                f"weight {weight_name or '(unnamed)'} has {weight_real.shape[0]} output channels "
                f"but {scales.size} per-channel scales"
            )
        if not np.all(np.isfinite(scales)) or np.any(scales <= 0):
            raise self.fail(f"weight {weight_name or '(unnamed)'} has a zero, negative or non-finite scale")
        scales = scales.astype(np.float32)
        ratio = weight_real.astype(np.float64) / scales.astype(np.float64).reshape(-1, 1, 1, 1)
        weight_q = np.rint(ratio)
        if np.max(np.abs(ratio - weight_q), initial=0) > 1e-3 or weight_q.min(initial=0) < quant_min or weight_q.max(
            initial=0
        ) > quant_max:
            raise self.fail(f"weight {weight_name or '(unnamed)'} is not an int8 multiple of its per-channel scales")

        out_channels = weight_real.shape[0]
        bias_q = np.zeros(out_channels, dtype=np.int32)
        if bias_value is not None:
            bias_q = self.int32_bias(bias_value, scales, qtrain.quant_params(qx.type).scale_value, out_channels)

        prefix = weight_name.removesuffix(".weight") if weight_name else f"conv{self.conv_count}"
        self.conv_count += 1
        w = self.add_param(f"{prefix}.weight", weight_q.astype(np.int8), i8)
        b = self.add_param(f"{prefix}.bias", bias_q, i32)
        pads, strides = self.int_list(padding), self.int_list(stride)
        if len(pads) != 2 or len(strides) != 2:
            raise self.fail(f"conv padding and stride must have two values each, got {pads} and {strides}")
        pad_h, pad_w = pads
        op = qtrain.Conv2dOp(
            qx,
            w,
            b,
            out_type,
            stride=strides,
            pad=(pad_h, pad_w, pad_h, pad_w),
            groups=self.int_constant(groups),
            w_scales=[float(s) for s in scales],
        )
        return self.insert(op).output

    def int32_bias(self, value: SSAValue, w_scales: np.ndarray, x_scale: float, channels: int) -> np.ndarray:
        """`view(f32(b_q) * bias_scale, [1, C, 1, 1])` -> b_q, checking bias_scale = s_w * s_x.

        torch.export folds that expression into one f32 literal for some convs (seen
        with one output channel): then b_q = rint(literal / bias_scale), accepted only
        if it reproduces the literal bit for bit (as QConv2d computes it, in f32)."""
        if self.match(value, "torch.vtensor.literal") is not None:
            return self.folded_int32_bias(value, w_scales, x_scale, channels)
        view = self.defining(value, "torch.aten.view")
        if self.shape(view.results[0]) != (1, channels, 1, 1):
            raise self.fail(f"conv bias must be viewed as [1, {channels}, 1, 1], got {list(self.shape(view.results[0]))}")
        mul = self.defining(view.operands[0], "torch.aten.mul.Tensor")
        to_f32 = self.match(mul.operands[0], "torch.aten.to.dtype") or self.defining(
            mul.operands[0], "torch.aten._to_copy"
        )
        result_type = to_f32.results[0].type
        if not isinstance(result_type, torch_d.ValueTensorType) or str(result_type.dtype) != "f32":
            raise self.fail(f"conv bias must be converted to f32 before scaling, got {result_type}")
        bias_q, _ = self.literal(to_f32.operands[0])
        bias_scale, _ = self.literal(mul.operands[1])
        if bias_q.dtype != np.int32 or bias_q.shape != (channels,):
            raise self.fail(f"conv bias must be {channels} int32 values, got {bias_q.dtype} {bias_q.shape}")
        expected = w_scales.astype(np.float64) * x_scale
        if not np.allclose(bias_scale.astype(np.float64), expected, rtol=1e-6, atol=0):
            raise self.fail("conv bias scale must equal w_scales * input scale")
        return bias_q.astype(np.int32)

    def folded_int32_bias(self, value: SSAValue, w_scales: np.ndarray, x_scale: float, channels: int) -> np.ndarray:
        folded, _ = self.literal(value)
        if folded.dtype != np.float32 or folded.size != channels:
            raise self.fail(f"conv bias literal must hold {channels} f32 values, got {folded.dtype} {folded.shape}")
        folded = folded.reshape(channels)
        bias_scale = (w_scales.astype(np.float64) * x_scale).astype(np.float32)
        # f32(2^31 - 1) is 2^31: a saturated b_q comes back one over, so clamp before checking.
        bias_q = np.rint(folded.astype(np.float64) / bias_scale.astype(np.float64))
        bias_q = np.clip(bias_q, -(2**31), 2**31 - 1).astype(np.int32)
        if (bias_q.astype(np.float32) * bias_scale).tobytes() != folded.tobytes():
            raise self.fail("conv bias literal is not an int32 multiple of w_scales * input scale")
        return bias_q

    def convert_pool(self, op: Operation, out_type: TensorType) -> SSAValue:
        if op.name == "torch.aten.mean.dim":
            x, dims, keepdim = op.operands[0], op.operands[1], op.operands[2]
            count = None
        else:
            total = self.defining(op.operands[0], "torch.aten.sum.dim_IntList")
            x, dims, keepdim = total.operands[0], total.operands[1], total.operands[2]
            count = self.float_constant(op.operands[1])
        shape = self.shape(x)
        if len(shape) != 4 or sorted(d % 4 for d in self.int_list(dims)) != [2, 3]:
            raise self.fail("only global average pooling over H and W is supported")
        if count is not None and count != shape[2] * shape[3]:
            raise self.fail(f"average pooling divides by {count:g}, expected {shape[2] * shape[3]}")
        if not self.defining(keepdim, "torch.constant.bool").value.value.data:  # pyright: ignore
            raise self.fail("average pooling must keep its dimensions (keepdim=True)")
        qx = self.quantized(x)
        if qx.type.element_type != out_type.element_type:  # pyright: ignore
            raise self.fail("average pooling must keep its input's scale and zero point")
        return self.insert(qtrain.GlobalAvgPoolOp(qx, out_type)).output

    # ------------------------------------------------------------------ float head

    def float_value(self, value: SSAValue) -> SSAValue:
        if value in self.values:
            converted = self.values[value]
            if isinstance(converted.type, TensorType) and isinstance(converted.type.element_type, qtrain.QInt8Type):
                if converted not in self.dequantized:
                    self.dequantized[converted] = self.insert(qtrain.DequantizeOp(converted)).output
                return self.dequantized[converted]
            return converted
        if self.match_fake_quant(value) is not None:
            self.quantized(value)
            return self.float_value(value)
        owner = value.owner
        if not isinstance(owner, Operation):
            raise self.fail("function inputs must be fake-quantized")
        converted = self.convert_float_op(owner)
        self.values[value] = converted
        return converted

    def convert_float_op(self, op: Operation) -> SSAValue:
        if op.name in ("torch.aten.flatten.using_ints", "torch.aten.view", "torch.aten.reshape"):
            x = self.float_value(op.operands[0])
            in_shape = x.type.get_shape()  # pyright: ignore
            out_shape = self.shape(op.results[0])
            if len(out_shape) != 2 or out_shape != (in_shape[0], int(np.prod(in_shape[1:]))):
                raise self.fail(f"{op.name} to {out_shape} is not a flatten to N x features")
            return self.insert(qtrain.FlattenOp(x)).output
        if op.name == "torch.aten.linear":
            weight, weight_name = self.literal(op.operands[1])
            bias, bias_name = self.literal(op.operands[2])
            return self.linear(op.operands[0], weight, bias, weight_name, bias_name)
        if op.name == "torch.aten.add.Tensor":
            # torch-mlir's addmm form of nn.Linear: (x @ permute(W, [1, 0])) * 1 + b * 1
            lhs = self.match(op.operands[0], "torch.aten.mul.Scalar")
            rhs = self.match(op.operands[1], "torch.aten.mul.Scalar")
            mm = lhs and self.match(lhs.operands[0], "torch.aten.mm")
            permute = mm and self.match(mm.operands[1], "torch.aten.permute")
            if mm and permute and rhs and self.int_list(permute.operands[1]) == [1, 0]:
                factors = [self.float_constant(v) for v in (lhs.operands[1], rhs.operands[1], op.operands[2])]
                if factors != [1.0, 1.0, 1.0]:
                    raise self.fail("a linear layer with scaling factors is not supported")
                weight, weight_name = self.literal(permute.operands[0])
                bias, bias_name = self.literal(rhs.operands[0])
                return self.linear(mm.operands[0], weight, bias, weight_name, bias_name)
        raise self.fail(f"cannot convert {op.name} in the float head")

    def linear(
        self, x_value: SSAValue, weight: np.ndarray, bias: np.ndarray, weight_name: str | None, bias_name: str | None
    ) -> SSAValue:
        x = self.float_value(x_value)
        w = self.add_param(weight_name or "head.weight", weight.astype(np.float32), f32)
        b = self.add_param(bias_name or "head.bias", bias.astype(np.float32), f32)
        return self.insert(qtrain.LinearOp(x, w, b)).output

    # ------------------------------------------------------------------ driver

    def convert(self) -> func.FuncOp:
        body = self.function.body.block
        returned: list[SSAValue] = []
        for op in body.ops:
            if isinstance(op, func.ReturnOp):
                for value in op.operands:
                    if self.match_fake_quant(value) is not None:
                        returned.append(self.quantized(value))
                    else:
                        returned.append(self.float_value(value))
            elif op.results and self.match_fake_quant(op.results[0]) is not None:
                # Convert in program order so operands are always converted before their users.
                self.quantized(op.results[0])
        missing = [i for i in range(len(body.args)) if i not in self.arg_placeholders]
        if missing:
            raise self.fail(f"function inputs {missing} are not used through a fake-quantize")
        self.insert(func.ReturnOp(*returned))
        function_type = ([arg.type for arg in self.block.args], [value.type for value in returned])
        return func.FuncOp(self.function.sym_name.data, function_type, Region(self.block))


@dataclass(frozen=True)
class ConvertTorchToQtrainPass(ModulePass):
    """See the module docstring."""

    name = "convert-torch-to-qtrain"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        functions = [f for f in op.ops if isinstance(f, func.FuncOp)]
        new_ops: list[Operation] = []
        names: set[str] = {p.sym_name.data for p in op.ops if isinstance(p, qtrain.ParamOp)}
        for function in functions:
            converter = _FunctionConverter(ctx, function, names)
            new_function = converter.convert()
            new_ops.extend(converter.params)
            new_ops.append(new_function)
        for function in functions:
            function.detach()
            function.erase()
        op.body.block.add_ops(new_ops)
