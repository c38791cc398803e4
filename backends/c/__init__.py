"""The C target: a planned module (`qtrain` compute ops on `mem` buffers of one arena)
as C99 that calls the runtime kernels (`runtime/include/tt_kernels.h`).

    tt-opt planned.mlir -t c                   # model.h and model.c in one stream
    generate_c(module) -> CModel(header, source, sizes)   # backends/cortex_m/project.py

The printer maps IR to C syntax and decides nothing: offsets come from the plan, storage
from the placement `mem-place-params` recorded, constants from the op attributes.
syntax.py: literals and element types; params.py: CParam / CModel; function_printer.py:
one C function per `func.func`; model_printer.py: model.h, model.c, `tt-opt -t c`;
arena_check.py: the debug build's arena tables.

Input invariant: after `qtrain-memory` (or `convert-qtrain-to-mem` + `mem-plan` per
function): every function stores its arguments into `mem.view`s of the module's one
`mem.arena`, every compute op reads its tensors with `mem.load` (parameters with
`qtrain.get_param`) and each result is `mem.store`d into its buffer right after it.

What the generated code holds:

* one static arena, `static uint8_t tt_arena[SIZE] __attribute__((aligned(A)))`, of
  exactly the `mem.arena` size; every tensor is a pointer `tt_arena + offset`
  (`TT_S8(offset)`, `TT_F32(offset)`, ... are those casts);
* each frozen `qtrain.param` as a `static const` array (flash); each trainable one
  as a writable array (SRAM, zero-initialised `.bss`) plus a `const` copy of its
  initial values (`..._init`, flash) that `tt_init()` copies in. This costs the same
  flash as an initialised `.data` array (whose image the startup code copies) and
  lets `tt_init()` restore the compiled values at any time;
* split storage for a conv weight of which only the leading channels train (sparse
  update; `placement = "split"`, recorded on the `qtrain.param` by `mem-place-params`): the trained part is the writable array (`[O][k][KH][KW]` of a regular
  [O, I, KH, KW] weight, `[k][1][KH][KW]` of a depthwise one, with its `_init` copy)
  and the frozen rest a `static const` array `..._frozen` in flash
  (`[O][I-k][KH][KW]`, `[C-k][1][KH][KW]`), so SRAM holds exactly the trained bytes
  that the memory plan counts (`trainable_sram_bytes`). The convs that read such a
  weight call the split kernels (`tt_conv2d_split_s8`, `tt_conv2d_dw_split_s8`,
  `tt_conv2d_grad_input_split_f32`); the updates work on the trained array alone. The
  parameter table still describes the logical tensor: `tt_get_param` gathers both
  parts, `tt_set_param` writes the trained channels and fails (-1) if the frozen
  ones would change; the table's `data` pointer is NULL for a split parameter;
* per conv kernel call, the parameter structs of tt_types.h as `static const`
  literals (flash; identical ones shared): `tt_conv_params`, the `tt_dims` of the
  input and the filter, `tt_per_channel_quant`, `tt_split_weight`;
* the compile-time constants, computed exactly as the interpreter computes them
  (`Conv2dOp.requant_multipliers()`, `qtrain.add_multipliers`, `f32` of f64 scales, the
  f32 attributes of the gradient ops and the learning rates), printed as C hex float
  literals so they round-trip bit for bit;
* one C function per `func.func`: `@main` -> `tt_infer(image, logits)`,
  `@train_step` -> `tt_train_step(image, label, loss)` (other names `tt_<name>`), a
  one-element i32 argument (the label) passed by value, other arguments and the
  results by pointer;
* `tt_init()`, the parameter table (`tt_param_count`, `tt_param`, `tt_get_param`,
  `tt_set_param`) and `tt_saturation_count()`: the API is declared in the runtime's
  `tt_model.h`, model.c holds the tables (`tt_params`, `tt_param_writable`,
  `tt_splits`, `tt_model_params`) and one-line calls of `tt_param_table_*`
  (runtime/src/model/tt_param_table.c), which gather / scatter split weights.

Per op: a function argument's `mem.store` is a `memcpy` into the arena, each compute op
one kernel call whose output pointers are the buffers its results are stored to
(`mem.load`/`mem.store` of computed values are no code), `flatten`/`reshape` no code when
the result shares its operand's buffer (else a `memmove`), `qtrain.get_param` the
parameter array, `qtrain.sgd_update` a `tt_sgd_update_*` call on the parameter array. A
plan that `mem-check-overlaps` rejects (a kernel output on its inputs where the kernel
cannot run in place, tt_kernels.h) is refused. Anything else (`qtrain.param_grad`, unplanned `mem.alloc`, an
unknown op) is a `CodegenError` naming the op.
"""

from tiny_training.backends.c.model_printer import CTarget, generate_c
from tiny_training.backends.c.params import HEADER_MARKER, SOURCE_MARKER, CModel, CParam
from tiny_training.backends.c.syntax import (
    CodegenError,
    c_array_values,
    c_comment,
    c_float,
    c_int,
    c_string,
    element_kind,
)

__all__ = [
    "HEADER_MARKER",
    "SOURCE_MARKER",
    "CModel",
    "CParam",
    "CTarget",
    "CodegenError",
    "c_array_values",
    "c_comment",
    "c_float",
    "c_int",
    "c_string",
    "element_kind",
    "generate_c",
]
