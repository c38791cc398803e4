"""model.h and model.c of a planned module (`generate_c`, `tt-opt -t c`): the arena,
the parameter arrays and their table, the shared constants, the debug build's arena
tables and one function per `func.func` (function_printer.py). The fixed C (the
parameter table's functions, the public API's declarations) is in the runtime:
runtime/include/tt_model.h, runtime/src/model/tt_param_table.c."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import IO

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType, i32
from xdsl.ir import SSAValue
from xdsl.utils.target import Target

from tiny_training.backends.c.arena_check import arena_steps
from tiny_training.backends.c.function_printer import FunctionPrinter
from tiny_training.backends.c.params import CModel, CParam, read_param
from tiny_training.backends.c.syntax import (
    C_TYPES,
    PARAM_KINDS,
    CodegenError,
    c_array_values,
    c_comment,
    c_string,
    shape_text,
    tensor_of,
    wrap,
)
from tiny_training.dialects import mem, qtrain

HEADER_NAME = "model.h"
TT_ARENA_GUARD = 64  # runtime/include/tt_debug_arena.h

# C names of the functions with a fixed API, and of their arguments and results.
FUNCTION_API = {
    "main": ("tt_infer", ("image",), ("logits",)),
    "train_step": ("tt_train_step", ("image", "label"), ("loss",)),
}
FUNCTION_DOCS = {
    "tt_infer": "/* Inference: image -> logits (@main). */",
    "tt_train_step": "/* One training step on one sample (@train_step): updates the trainable parameters\n"
    " * in place and writes the loss before the update. */",
}
DTYPES = {"s8": "TT_DTYPE_I8", "i32": "TT_DTYPE_I32", "f32": "TT_DTYPE_F32"}  # runtime/include/tt_model.h


class ModelPrinter:
    """The C of a planned module: model.h, and model.c with the parameters, the constants,
    the tables and one function per `func.func` (FunctionPrinter)."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.arena: mem.ArenaOp | None = None
        self.params: dict[str, CParam] = {}
        self.functions: list[func.FuncOp] = []
        self.constants: list[str] = []
        self.constant_names: dict[bytes, str] = {}
        used_names: set[str] = set()
        for op in module.ops:
            match op:
                case qtrain.ParamOp():
                    self.params[op.sym_name.data] = read_param(op, used_names)
                case mem.ArenaOp():
                    if self.arena is not None:
                        raise CodegenError("c target: the module has more than one mem.arena (one is supported)")
                    self.arena = op
                case func.FuncOp():
                    self.functions.append(op)
                case _:
                    raise CodegenError(f"c target: no C code for module-level op '{op.name}'")
        if self.arena is None:
            raise CodegenError("c target: the module has no mem.arena (run qtrain-memory first)")

    @property
    def arena_name(self) -> str:
        assert self.arena is not None
        return self.arena.sym_name.data

    def param(self, name: str) -> CParam:
        if name not in self.params:
            raise CodegenError(f"c target: no qtrain.param @{name}")
        return self.params[name]

    @staticmethod
    def by_value(arg: SSAValue) -> bool:
        value_type = tensor_of(arg)
        return value_type.element_type == i32 and math.prod(value_type.get_shape()) == 1

    def constant_array(self, comment: str, values: np.ndarray) -> str:
        """A `static const float` array (flash); identical arrays are emitted once."""
        values = np.asarray(values, dtype=np.float32)
        key = values.tobytes()
        if key in self.constant_names:
            return self.constant_names[key]
        name = self.constant_names[key] = f"tt_k{len(self.constants)}"
        self.constants.append(
            f"/* {comment} */\nstatic const float {name}[{values.size}] = {{\n    {c_array_values(values)}\n}};"
        )
        return name

    def constant_struct(self, ctype: str, initializer: str, comment: str) -> str:
        """A `static const` struct of tt_types.h (flash), `&name`; identical ones are emitted once."""
        key = f"{ctype} {initializer}".encode()
        if key not in self.constant_names:
            prefix = {"tt_conv_params": "tt_conv", "tt_per_channel_quant": "tt_quant",
                      "tt_split_weight": "tt_split"}.get(ctype, ctype)  # fmt: skip
            name = self.constant_names[key] = f"{prefix}{len(self.constants)}"
            self.constants.append(f"/* {comment} */\nstatic const {ctype} {name} = {initializer};")
        return "&" + self.constant_names[key]

    def print(self) -> CModel:
        assert self.arena is not None
        function_names: dict[str, str] = {}
        bodies: list[tuple[FunctionPrinter, list[str]]] = []
        for function in self.functions:
            name = function.sym_name.data
            c_name, arg_names, result_names = FUNCTION_API.get(name, ("tt_" + re.sub(r"\W", "_", name), (), ()))
            arg_count = len(function.function_type.inputs.data)
            result_count = len(function.function_type.outputs.data)
            if len(arg_names) != arg_count:
                arg_names = tuple(f"arg{i}" for i in range(arg_count))
            if len(result_names) != result_count:
                result_names = tuple(f"result{i}" for i in range(result_count))
            printer = FunctionPrinter(self, function, c_name, arg_names, result_names)
            bodies.append((printer, printer.print()))
            function_names[name] = c_name
        params = list(self.params.values())
        header = self.header(bodies)
        source = self.source(bodies, params)
        return CModel(header, source, self.arena.size_bytes, self.arena.alignment_bytes, params, function_names)

    # ---------------------------------------------------------------- the header

    def header(self, bodies: list[tuple[FunctionPrinter, list[str]]]) -> str:
        """model.h: the model's sizes and its functions; the fixed API (tt_init, the
        parameter table, tt_saturation_count) is declared in the runtime's tt_model.h."""
        assert self.arena is not None
        lines = [
            "/* Generated by tiny-training (tt-opt -t c / tt-compile). Do not edit. */",
            "#ifndef TT_MODEL_H",
            "#define TT_MODEL_H",
            "",
            "#include <stdint.h>",
            "",
            '#include "tt_model.h"',
            "",
            "#ifdef __cplusplus",
            'extern "C" {',
            "#endif",
            "",
            f"#define TT_ARENA_BYTES {self.arena.size_bytes}",
            f"#define TT_PARAM_COUNT {len(self.params)}",
        ]
        for printer, _ in bodies:
            c_name = printer.c_name
            macro = c_name.upper()
            lines.append(f"#define {macro.replace('TT_', 'TT_HAS_', 1)} 1")
            function_type = printer.function.function_type
            for name, value_type in [*zip(printer.arg_names, function_type.inputs.data),
                                     *zip(printer.result_names, function_type.outputs.data)]:  # fmt: skip
                if not isinstance(value_type, TensorType):
                    raise CodegenError(f"c target: @{printer.function.sym_name.data}: {value_type} is not a tensor")
                lines.append(f"#define {macro}_{name.upper()}_COUNT {math.prod(value_type.get_shape())}")
        lines.append("")
        for printer, _ in bodies:
            lines.append(FUNCTION_DOCS.get(printer.c_name, f"/* @{printer.function.sym_name.data} */"))
            lines.append(printer.signature() + ";")
        lines += [
            "",
            "#ifdef __cplusplus",
            "}",
            "#endif",
            "",
            "#endif /* TT_MODEL_H */",
        ]
        return "\n".join(lines) + "\n"

    # ---------------------------------------------------------------- the source

    def source(self, bodies: list[tuple[FunctionPrinter, list[str]]], params: list[CParam]) -> str:
        assert self.arena is not None
        out = [
            "/* Generated by tiny-training (tt-opt -t c / tt-compile). Do not edit.",
            " * Build with -ffp-contract=off (no fused multiply-add) to agree with the reference",
            " * interpreter bit for bit on the integer paths. */",
            f'#include "{HEADER_NAME}"',
            "",
            "#include <stdint.h>",
            "#include <string.h>",
            "",
            '#include "tt_kernels.h"',
            '#include "tt_quant.h"',
            "",
            "/* The static arena (TT_ARENA_BYTES, model.h) and its typed pointers TT_S8(offset), ... */",
            f"#define TT_ARENA_ALIGNMENT {self.arena.alignment_bytes}",
            '#include "tt_model_arena.h"',
            "",
            "static int tt_ready;",
            "static int32_t tt_saturated;",
            "",
            "/* ------------------------------------------------------------------ parameters */",
            "",
        ]
        for p in params:
            out.append(self.param_definition(p))
            out.append("")
        if self.constants:
            out += ["/* ------------------------------------------------------------------ constants */", ""]
            for constant in self.constants:
                out += [constant, ""]
        out += ["/* ------------------------------------------------------------------ parameter table */", ""]
        out += self.param_table(params)
        out += ["", *self.debug_tables(bodies)]
        out += [
            "/* ------------------------------------------------------------------ functions */",
            "",
            "void tt_init(void)",
            "{",
            f"    memset(tt_arena, 0, {self.arena.size_bytes});",
        ]
        for p in params:
            if p.trainable:
                out.append(f"    memcpy({p.c_name}, {p.c_name}_init, sizeof {p.c_name});")
        out += ["    tt_saturated = 0;", "    tt_ready = 1;", "}", ""]
        for printer, lines in bodies:
            out.append(f"/* @{printer.function.sym_name.data} */")
            out.append(printer.signature())
            out.append("{")
            out.append("    if (!tt_ready) {")
            out.append("        tt_init();")
            out.append("    }")
            out += lines
            out.append("}")
            out.append("")
        return "\n".join(out)

    def debug_tables(self, bodies: list[tuple[FunctionPrinter, list[str]]]) -> list[str]:
        """The arena checker's tables of every function (arena_check.py), debug builds only."""
        assert self.arena is not None
        if self.arena.alignment_bytes > TT_ARENA_GUARD:
            raise CodegenError(f"c target: arena alignment {self.arena.alignment_bytes} exceeds the debug guard")
        out = ["/* ------------------------------------------------------------------ arena checker */", ""]
        out.append("#ifdef TT_DEBUG_ARENA")
        for printer, _ in bodies:
            steps = arena_steps(printer.function, self.arena.size_bytes, printer.code_ops)
            spans: list[int] = []
            entries = []
            for step in steps:
                change_first = len(spans) // 2
                spans += [v for span in step.may_change for v in span]
                live_first = len(spans) // 2
                spans += [v for span in step.live_after for v in span]
                entries.append(
                    f"    {{{c_string(step.what)}, {change_first}, {len(step.may_change)}, {live_first}, "
                    f"{len(step.live_after)}}},"
                )
            prefix = printer.debug_prefix
            out.append(f"static const char {prefix}_function[] = {c_string('@' + printer.function.sym_name.data)};")
            out.append(f"static const int32_t {prefix}_spans[{max(len(spans), 2)}] = {{")
            out.append("    " + wrap([str(v) for v in (spans or [0, 0])], 16).strip())
            out.append("};")
            out.append(f"static const tt_arena_step {prefix}_steps[{max(len(entries), 1)}] = {{")
            out += entries or ['    {"", 0, 0, 0, 0},']
            out.append("};")
        out += ["#endif", ""]
        return out

    @staticmethod
    def param_definition(p: CParam) -> str:
        c_type = C_TYPES[p.kind]
        size = p.values.size
        values = c_array_values(p.values)
        shape = shape_text(p.shape)
        if not p.trainable:
            return (
                f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, frozen (flash) */\n"
                f"static const {c_type} {p.c_name}[{size}] __attribute__((aligned(4))) = {{\n    {values}\n}};"
            )
        if p.is_split:
            trained, frozen = p.parts()
            what = "input channels" if p.split_axis == 1 else "channels"
            dims = "".join(f"[{d}]" for d in trained.shape)
            frozen_dims = "".join(f"[{d}]" for d in frozen.shape)
            return (
                f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, split: the leading {p.split} of "
                f"{p.shape[p.split_axis]} {what} train.\n"
                f" * Trained part {dims} (SRAM; initial values in flash), frozen part {frozen_dims} (flash). */\n"
                f"static {c_type} {p.c_name}[{trained.size}] __attribute__((aligned(4)));\n"
                f"static const {c_type} {p.c_name}_init[{trained.size}] __attribute__((aligned(4))) = {{\n"
                f"    {c_array_values(trained)}\n}};\n"
                f"static const {c_type} {p.frozen_name}[{frozen.size}] __attribute__((aligned(4))) = {{\n"
                f"    {c_array_values(frozen)}\n}};"
            )
        note = ""
        if p.partial:
            note = "\n * Only a leading slice trains; this one cannot be split, the whole tensor is in SRAM."
        return (
            f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, trainable (SRAM; initial values in flash){note} */\n"
            f"static {c_type} {p.c_name}[{size}] __attribute__((aligned(4)));\n"
            f"static const {c_type} {p.c_name}_init[{size}] __attribute__((aligned(4))) = {{\n    {values}\n}};"
        )

    @staticmethod
    def param_table(params: list[CParam]) -> list[str]:
        """The tables of tt_model.h's `tt_param_table` and the fixed API as one-line calls
        of the runtime (runtime/src/model/tt_param_table.c)."""
        entries, writable, splits = [], [], []
        for index, p in enumerate(params):
            dims = list(p.shape) + [1] * (4 - len(p.shape))
            data = "NULL" if p.is_split else p.c_name
            entries.append(
                f"    {{{c_string(p.name)}, {data}, {p.nbytes}, {DTYPES[p.kind]}, {int(p.trainable)}, {len(p.shape)}, "
                f"{{{', '.join(map(str, dims))}}}}},"
            )
            writable.append(p.c_name if p.trainable else "NULL")
            if p.is_split:
                assert p.split_axis is not None
                trained, frozen = p.parts()
                rows = math.prod(p.shape[: p.split_axis])
                splits.append(
                    f"    {{{index}, (uint8_t *){p.c_name}, (const uint8_t *){p.frozen_name}, {rows}, "
                    f"{trained.nbytes // rows}, {frozen.nbytes // rows}}}, /* @{c_comment(p.name)} */"
                )
        lines: list[str] = []
        if entries:  # C99 has no empty arrays: a model without parameters has NULL tables
            lines += ["static const tt_param_info tt_params[] = {", *entries, "};", ""]
            lines += [
                "/* Where tt_set_param may write: the trainable parameters only. */",
                f"static void *const tt_param_writable[] = {{\n    {wrap(writable, 4)}\n}};",
                "",
            ]
        if splits:
            lines += ["static const tt_split_info tt_splits[] = {", *splits, "};", ""]
        tables = ["tt_params", "tt_param_writable"] if entries else ["NULL", "NULL"]
        tables.append("tt_splits" if splits else "NULL")
        lines += [
            f"static const tt_param_table tt_model_params = {{{', '.join(tables)}, {len(entries)}, {len(splits)}, "
            "&tt_ready, tt_init};",
            "",
            "int32_t tt_param_count(void) { return tt_model_params.count; }",
            "const tt_param_info *tt_param(int32_t index) { return tt_param_table_info(&tt_model_params, index); }",
            "int32_t tt_get_param(int32_t index, void *dst, int32_t bytes)",
            "{",
            "    return tt_param_table_get(&tt_model_params, index, dst, bytes);",
            "}",
            "int32_t tt_set_param(int32_t index, const void *src, int32_t bytes)",
            "{",
            "    return tt_param_table_set(&tt_model_params, index, src, bytes);",
            "}",
            "int32_t tt_saturation_count(void) { return tt_saturated; }",
        ]
        return lines

def generate_c(module: ModuleOp) -> CModel:
    """The C of a planned module; raises `CodegenError` for what C cannot express."""
    return ModelPrinter(module).print()


@dataclass(frozen=True)
class CTarget(Target):
    """`tt-opt -t c`: model.h then model.c, each after a marker line."""

    name = "c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(generate_c(module).combined())
