"""Kernel benchmark: instructions per call of the runtime kernels on Cortex-M7 under QEMU.

For every case (a kernel and a realistic shape from the shared models' 49kb schemes) two
board programs are built with arm-none-eabi-gcc -O2 (the project's Cortex-M7 build): both
fill the same static buffers with pseudo-random data, one then calls the kernel once. The
difference of their QEMU instruction counts (the project's counting plugin) is the
kernel's cost. Columns:

  insns      instructions of one call
  MACs       multiply-accumulates of the call (convolutions; elements otherwise)
  insns/MAC  insns / MACs

    .venv/bin/python bench/kernels.py [--only SUBSTRING ...] [--naive] [--keep DIR]

--naive builds the runtime with -DTT_NAIVE_KERNELS (the plain reference loops, no fast
paths) for contrast.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tiny_training.backends.cortex_m import qemu


@dataclass
class Buffer:
    name: str
    ctype: str  # int8_t, int32_t, float, uint8_t
    count: int
    fill: str  # "s8", "bias", "mult", "f32", "u8", "label", "zero"


@dataclass
class Case:
    name: str
    buffers: list[Buffer]
    call: str
    macs: int
    notes: str = ""
    extra: list[str] = field(default_factory=list)


def _out_size(size: int, kernel: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def _conv(input_zero, output_zero, s, p, groups) -> str:
    """A tt_conv_params literal (tt_types.h): zero points, stride (s, s), padding p on every side."""
    return f"{{{input_zero}, {output_zero}, {{{s}, {s}}}, {{{p}, {p}, {p}, {p}}}, {groups}}}"


def _dims(n, c, h, w) -> str:
    """A tt_dims literal of an NCHW activation or an [O, I/groups, KH, KW] filter."""
    return f"{{{n}, {h}, {w}, {c}}}"


def _structs(**literals: tuple[str, str]) -> list[str]:
    """File-scope `static const` parameter structs (as the generated model has them)."""
    return [f"static const {ctype} {name} = {value};" for name, (ctype, value) in literals.items()]


def conv_forward(tag, cin, h, w, cout, k, s, p, groups, mask=True) -> Case:
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    per_filter = cin // groups
    buffers = [
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("wt", "int8_t", cout * per_filter * k * k, "s8"),
        Buffer("bias", "int32_t", cout, "bias"),
        Buffer("mult", "float", cout, "mult"),
        Buffer("y", "int8_t", cout * oh * ow, "zero"),
        Buffer("mask", "uint8_t", (cout * oh * ow + 7) // 8, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(-5, 3, s, p, groups)), quant=("tt_per_channel_quant", "{mult}"),
                       x_dims=("tt_dims", _dims(1, cin, h, w)), w_dims=("tt_dims", _dims(cout, per_filter, k, k)))
    call = f"tt_conv2d_s8(&conv, &quant, &x_dims, x, &w_dims, wt, bias, y, {'mask' if mask else 'NULL'});"
    return Case(f"conv2d_s8 {tag} {cin}x{h}x{w}->{cout} k{k}s{s}p{p}g{groups}", buffers, call,
                cout * oh * ow * per_filter * k * k, extra=structs)


def conv_dw_fused(tag, cin, h, w, mid, k, s, p, dk, ds, dp) -> Case:
    mh, mw = _out_size(h, k, s, p), _out_size(w, k, s, p)
    oh, ow = _out_size(mh, dk, ds, dp), _out_size(mw, dk, ds, dp)
    buffers = [
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("wt", "int8_t", mid * cin * k * k, "s8"),
        Buffer("bias", "int32_t", mid, "bias"),
        Buffer("mult", "float", mid, "mult"),
        Buffer("dwt", "int8_t", mid * dk * dk, "s8"),
        Buffer("dbias", "int32_t", mid, "bias"),
        Buffer("dmult", "float", mid, "mult"),
        Buffer("y", "int8_t", mid * oh * ow, "zero"),
        Buffer("scratch", "int8_t", mh * mw, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(-5, -128, s, p, 1)), quant=("tt_per_channel_quant", "{mult}"),
                       dw_conv=("tt_conv_params", _conv(-128, 4, ds, dp, mid)),
                       dw_quant=("tt_per_channel_quant", "{dmult}"), x_dims=("tt_dims", _dims(1, cin, h, w)),
                       w_dims=("tt_dims", _dims(mid, cin, k, k)), dw_dims=("tt_dims", _dims(mid, 1, dk, dk)))
    call = ("tt_conv2d_dw_s8(&conv, &quant, &dw_conv, &dw_quant, &x_dims, x, &w_dims, wt, bias, &dw_dims, dwt, "
            "dbias, y, scratch);")
    macs = mid * mh * mw * cin * k * k + mid * oh * ow * dk * dk
    return Case(f"conv2d_dw_s8 {tag} {cin}x{h}x{w}->{mid} k{k}s{s} dw k{dk}s{ds}", buffers, call, macs,
                extra=structs)


def conv_grad_input(tag, cin, h, w, cout, k, s, p, groups) -> Case:
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    per_filter = cin // groups
    buffers = [
        Buffer("dy", "float", cout * oh * ow, "f32"),
        Buffer("wt", "int8_t", cout * per_filter * k * k, "s8"),
        Buffer("dx", "float", cin * h * w, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(0, 0, s, p, groups)), dx_dims=("tt_dims", _dims(1, cin, h, w)),
                       w_dims=("tt_dims", _dims(cout, per_filter, k, k)))
    call = "tt_conv2d_grad_input_f32(&conv, &dx_dims, &w_dims, dy, wt, dx);"
    return Case(f"conv2d_grad_input {tag} {cin}x{h}x{w}<-{cout} k{k}s{s}p{p}g{groups}", buffers, call,
                cout * oh * ow * per_filter * k * k, extra=structs)


def conv_weight_update(tag, cin, h, w, cout, k, s, p, groups, channels) -> Case:
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    depthwise = groups != 1
    weight_channels = 1 if depthwise else cin
    buffers = [
        Buffer("wt", "int8_t", cout * weight_channels * k * k, "s8"),
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("dy", "float", cout * oh * ow, "f32"),
        Buffer("factors", "float", cout, "mult"),
    ]
    filters = channels if depthwise else cout
    per = 1 if depthwise else channels
    structs = _structs(conv=("tt_conv_params", _conv(3, 0, s, p, groups)), x_dims=("tt_dims", _dims(1, cin, h, w)),
                       g_dims=("tt_dims", _dims(filters, per, k, k)),
                       w_dims=("tt_dims", _dims(cout, weight_channels, k, k)))
    call = "tt_conv2d_weight_update_s8(&conv, &x_dims, x, &g_dims, dy, factors, 0.0008f, &w_dims, wt);"
    return Case(f"conv2d_weight_update {tag} {cin}x{h}x{w}->{cout} k{k} ch{channels}", buffers, call,
                filters * per * k * k * oh * ow, extra=structs)


def conv_grad_weight(tag, cin, h, w, cout, k, s, p, groups, channels) -> Case:
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    depthwise = groups != 1
    filters = channels if depthwise else cout
    per = 1 if depthwise else channels
    buffers = [
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("dy", "float", cout * oh * ow, "f32"),
        Buffer("dw", "float", filters * per * k * k, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(3, 0, s, p, groups)), x_dims=("tt_dims", _dims(1, cin, h, w)),
                       g_dims=("tt_dims", _dims(filters, per, k, k)))
    call = "tt_conv2d_grad_weight_f32(&conv, &x_dims, x, &g_dims, dy, dw);"
    return Case(f"conv2d_grad_weight {tag} {cin}x{h}x{w}->{cout} k{k} ch{channels}", buffers, call,
                filters * per * k * k * oh * ow, extra=structs)


def conv_split_forward(tag, cin, h, w, cout, k, s, p, groups, split) -> Case:
    """tt_conv2d_split_s8: the weight split at `split` channels (input channels for a
    regular conv, output channels for a depthwise one), with a clamp mask."""
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    per_filter = cin // groups
    trained = (cout * split if groups == 1 else split * per_filter) * k * k
    frozen = cout * per_filter * k * k - trained
    buffers = [
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("wt", "int8_t", trained, "s8"),
        Buffer("wf", "int8_t", frozen, "s8"),
        Buffer("bias", "int32_t", cout, "bias"),
        Buffer("mult", "float", cout, "mult"),
        Buffer("y", "int8_t", cout * oh * ow, "zero"),
        Buffer("mask", "uint8_t", (cout * oh * ow + 7) // 8, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(-5, 3, s, p, groups)), quant=("tt_per_channel_quant", "{mult}"),
                       x_dims=("tt_dims", _dims(1, cin, h, w)), w_dims=("tt_dims", _dims(cout, per_filter, k, k)),
                       parts=("tt_split_weight", f"{{wt, wf, {split}}}"))
    call = "tt_conv2d_split_s8(&conv, &quant, &x_dims, x, &w_dims, &parts, bias, y, mask);"
    return Case(f"conv2d_split_s8 {tag} {cin}x{h}x{w}->{cout} k{k}s{s}g{groups} split{split}", buffers, call,
                cout * oh * ow * per_filter * k * k, extra=structs)


def conv_grad_input_split(tag, cin, h, w, cout, k, s, p, groups, split) -> Case:
    oh, ow = _out_size(h, k, s, p), _out_size(w, k, s, p)
    per_filter = cin // groups
    trained = (cout * split if groups == 1 else split * per_filter) * k * k
    frozen = cout * per_filter * k * k - trained
    buffers = [
        Buffer("dy", "float", cout * oh * ow, "f32"),
        Buffer("wt", "int8_t", trained, "s8"),
        Buffer("wf", "int8_t", frozen, "s8"),
        Buffer("dx", "float", cin * h * w, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(0, 0, s, p, groups)), dx_dims=("tt_dims", _dims(1, cin, h, w)),
                       w_dims=("tt_dims", _dims(cout, per_filter, k, k)), parts=("tt_split_weight", f"{{wt, wf, {split}}}"))
    call = "tt_conv2d_grad_input_split_f32(&conv, &dx_dims, &w_dims, dy, &parts, dx);"
    return Case(f"conv2d_grad_input_split {tag} {cin}x{h}x{w}<-{cout} k{k}s{s}g{groups} split{split}", buffers,
                call, cout * oh * ow * per_filter * k * k, extra=structs)


def conv_dw_split_fused(tag, cin, h, w, mid, split, dk, ds, dp) -> Case:
    """tt_conv2d_dw_split_s8 with a pointwise first conv split at `split` input channels
    and an unsplit depthwise weight (as @main calls it)."""
    oh, ow = _out_size(h, dk, ds, dp), _out_size(w, dk, ds, dp)
    buffers = [
        Buffer("x", "int8_t", cin * h * w, "s8"),
        Buffer("wt", "int8_t", mid * split, "s8"),
        Buffer("wf", "int8_t", mid * (cin - split), "s8"),
        Buffer("bias", "int32_t", mid, "bias"),
        Buffer("mult", "float", mid, "mult"),
        Buffer("dwt", "int8_t", mid * dk * dk, "s8"),
        Buffer("dbias", "int32_t", mid, "bias"),
        Buffer("dmult", "float", mid, "mult"),
        Buffer("y", "int8_t", mid * oh * ow, "zero"),
        Buffer("scratch", "int8_t", h * w, "zero"),
    ]
    structs = _structs(conv=("tt_conv_params", _conv(-5, -128, 1, 0, 1)), quant=("tt_per_channel_quant", "{mult}"),
                       dw_conv=("tt_conv_params", _conv(-128, 4, ds, dp, mid)),
                       dw_quant=("tt_per_channel_quant", "{dmult}"), x_dims=("tt_dims", _dims(1, cin, h, w)),
                       w_dims=("tt_dims", _dims(mid, cin, 1, 1)), dw_dims=("tt_dims", _dims(mid, 1, dk, dk)),
                       parts=("tt_split_weight", f"{{wt, wf, {split}}}"), dw_parts=("tt_split_weight", f"{{dwt, NULL, {mid}}}"))
    call = ("tt_conv2d_dw_split_s8(&conv, &quant, &dw_conv, &dw_quant, &x_dims, x, &w_dims, &parts, bias, &dw_dims, "
            "&dw_parts, dbias, y, scratch);")
    macs = mid * h * w * cin + mid * oh * ow * dk * dk
    return Case(f"conv2d_dw_split_s8 {tag} {cin}x{h}x{w}->{mid} split{split} dw k{dk}s{ds}", buffers, call, macs,
                extra=structs)


def elementwise(name, count, buffers, call) -> Case:
    return Case(f"{name} {count}", buffers, call, count)


def cases() -> list[Case]:
    found = [
        # Forward (every inference and the forward half of a training step).
        conv_forward("pw", 48, 16, 16, 16, 1, 1, 0, 1),
        conv_forward("pw", 16, 32, 32, 1, 1, 1, 0, 1, mask=False),  # one filter, as conv2d_dw calls it
        conv_forward("pw", 96, 4, 4, 576, 1, 1, 0, 1),
        conv_forward("pw", 576, 4, 4, 160, 1, 1, 0, 1),
        conv_forward("pw", 240, 8, 8, 48, 1, 1, 0, 1),
        conv_forward("dw", 192, 8, 8, 192, 3, 1, 1, 192),
        conv_forward("dw", 384, 4, 4, 384, 5, 1, 2, 384),
        conv_forward("dw", 240, 8, 8, 240, 7, 2, 3, 240),
        conv_forward("dw1", 1, 32, 32, 1, 3, 1, 1, 1, mask=False),  # one channel, as conv2d_dw calls it
        conv_forward("dw1", 1, 64, 64, 1, 3, 2, 1, 1, mask=False),
        conv_forward("first", 3, 128, 128, 1, 3, 2, 1, 1, mask=False),
        conv_forward("first", 3, 128, 128, 16, 3, 2, 1, 1),
        conv_dw_fused("block", 16, 32, 32, 48, 1, 1, 0, 3, 1, 1),
        conv_dw_fused("first", 3, 128, 128, 16, 3, 2, 1, 3, 1, 1),
        conv_split_forward("pw", 48, 8, 8, 240, 1, 1, 0, 1, 24),
        conv_split_forward("dw", 336, 4, 4, 336, 3, 1, 1, 336, 42),
        conv_dw_split_fused("block", 48, 8, 8, 192, 24, 3, 1, 1),
        elementwise("add_s8", 6144, [Buffer("a", "int8_t", 6144, "s8"), Buffer("b", "int8_t", 6144, "s8"),
                                     Buffer("y", "int8_t", 6144, "zero"), Buffer("mask", "uint8_t", 768, "zero")],
                    "tt_add_s8(a, 3, 0.7f, b, -2, 0.45f, 1, y, mask, 6144);"),
        # Backward.
        conv_grad_input("pw", 576, 4, 4, 160, 1, 1, 0, 1),
        conv_grad_input("pw", 96, 4, 4, 576, 1, 1, 0, 1),
        conv_grad_input("pw", 48, 8, 8, 240, 1, 1, 0, 1),
        conv_grad_input("pw", 144, 8, 8, 48, 1, 1, 0, 1),
        conv_grad_input("dw", 192, 8, 8, 192, 3, 1, 1, 192),
        conv_grad_input("dw", 384, 4, 4, 384, 5, 1, 2, 384),
        conv_grad_input("dw", 240, 8, 8, 240, 7, 2, 3, 240),
        conv_grad_input("dw", 576, 4, 4, 576, 3, 1, 1, 576),
        conv_grad_input("dw", 336, 4, 4, 336, 3, 1, 1, 336),
        conv_grad_input("dw", 96, 16, 16, 96, 3, 1, 1, 96),
        conv_grad_input("dw", 384, 4, 4, 384, 7, 1, 3, 384),
        conv_grad_input_split("pw", 48, 8, 8, 240, 1, 1, 0, 1, 24),
        conv_grad_input_split("dw", 336, 4, 4, 336, 3, 1, 1, 336, 42),
        conv_weight_update("pw", 24, 8, 8, 240, 1, 1, 0, 1, 24),
        conv_weight_update("dw", 192, 8, 8, 192, 3, 1, 1, 192, 96),
        conv_grad_weight("pw", 24, 8, 8, 240, 1, 1, 0, 1, 24),
        conv_grad_weight("dw", 192, 8, 8, 192, 3, 1, 1, 192, 96),
        elementwise("clamp_grad", 12288, [Buffer("g", "float", 12288, "f32"), Buffer("mask", "uint8_t", 1536, "u8")],
                    "tt_clamp_grad_f32(g, mask, g, 12288);"),
        elementwise("requant_grad", 12288, [Buffer("g", "float", 12288, "f32"), Buffer("m", "float", 192, "mult")],
                    "tt_requant_grad_f32(g, m, g, 1, 192, 64);"),
        elementwise("conv2d_grad_bias", 12288, [Buffer("g", "float", 12288, "f32"), Buffer("db", "float", 192, "zero")],
                    "tt_conv2d_grad_bias_f32(g, db, 1, 192, 64);"),
        elementwise("scale_channels", 12288, [Buffer("g", "float", 12288, "f32"), Buffer("m", "float", 192, "mult")],
                    "tt_scale_channels_f32(g, m, g, 192, 64);"),
        elementwise("accumulate", 12288, [Buffer("a", "float", 12288, "f32"), Buffer("b", "float", 12288, "f32")],
                    "tt_accumulate_f32(a, b, a, 12288);"),
        elementwise("sgd_update_s32", 576, [Buffer("p", "int32_t", 576, "bias"), Buffer("g", "float", 576, "f32")],
                    "tt_sgd_update_s32(p, g, 0.0004f, 576);"),
    ]
    return found


_FILL = {
    "s8": "(int8_t)(next_random() >> 24)",
    "u8": "(uint8_t)(next_random() >> 24)",
    "bias": "(int32_t)(next_random() % 20001u) - 10000",
    "mult": "(float)((next_random() >> 8) + 1u) * (1.0f / 1073741824.0f)",
    "f32": "(float)(int32_t)(next_random() >> 16) * (1.0f / 32768.0f) - 1.0f",
}


def program_source(case: Case, call: bool) -> str:
    lines = [
        "#include <stddef.h>",
        "#include <stdint.h>",
        '#include "semihosting.h"',
        '#include "tt_kernels.h"',
        "static uint32_t rng_state = 0x2545f491u;",
        "static uint32_t next_random(void)",
        "{ rng_state ^= rng_state << 13; rng_state ^= rng_state >> 17; rng_state ^= rng_state << 5; return rng_state; }",
    ]
    for buffer in case.buffers:
        lines.append(f"static {buffer.ctype} {buffer.name}[{buffer.count}] __attribute__((aligned(8)));")
    if call:
        lines.extend(case.extra)  # the parameter structs (static const: no instructions before the call)
    lines.append("volatile int32_t tt_bench_sink;")
    lines.append("int main(void)\n{")
    for buffer in case.buffers:
        if buffer.fill != "zero":
            lines.append(f"    for (int32_t i = 0; i < {buffer.count}; ++i) {{ {buffer.name}[i] = {_FILL[buffer.fill]}; }}")
    if call:
        result = "tt_bench_sink = (int32_t)" if case.call.startswith(("tt_conv2d_weight_update", "tt_sgd_update_s")) else ""
        lines.append(f"    {result}{case.call}")
    # A checksum (FNV-1a) of every buffer after the call: the same for every build whose
    # kernels agree bit for bit (--check compares the normal and the naive build).
    lines.append("    uint32_t hash = 2166136261u;")
    for buffer in case.buffers:
        lines.append(
            f"    for (uint32_t i = 0; i < sizeof {buffer.name}; ++i) "
            f"{{ hash = (hash ^ ((const uint8_t *){buffer.name})[i]) * 16777619u; }}"
        )
    lines.append('    tt_print_str("checksum "); tt_print_hex(hash); tt_print_char(\'\\n\');')
    lines.append("    return 0;\n}")
    return "\n".join(lines) + "\n"


def measure(selected: list[Case], build_dir: Path, naive: bool) -> list[tuple[Case, int]]:
    source_dir = build_dir / "sources"
    source_dir.mkdir(parents=True, exist_ok=True)
    programs = {}
    for index, case in enumerate(selected):
        for variant, call in (("base", False), ("call", True)):
            path = source_dir / f"k{index}_{variant}.c"
            path.write_text(program_source(case, call))
            programs[f"k{index}_{variant}"] = [path]
    previous = os.environ.get("CFLAGS")
    if naive:
        os.environ["CFLAGS"] = ((previous or "") + " -DTT_NAIVE_KERNELS").strip()
    try:
        out = qemu.cross_build(build_dir / "build", programs=programs, targets=list(programs))
    finally:
        if naive:
            if previous is None:
                del os.environ["CFLAGS"]
            else:
                os.environ["CFLAGS"] = previous
    results = []
    for index, case in enumerate(selected):
        counts = {}
        for variant in ("base", "call"):
            run = qemu.run_elf(out / f"k{index}_{variant}.elf", timeout=600)
            if run.exit_code != 0:
                raise RuntimeError(f"{case.name}: exit status {run.exit_code}")
            counts[variant] = run.instructions
        checksum = run.stdout.split("checksum ")[-1].strip()
        results.append((case, counts["call"] - counts["base"], checksum))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="keep the cases whose name contains one of these")
    parser.add_argument("--naive", action="store_true", help="build with -DTT_NAIVE_KERNELS")
    parser.add_argument("--check", action="store_true",
                        help="also build the naive kernels and compare output checksums (and costs)")
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it")
    args = parser.parse_args()
    selected = [case for case in cases() if not args.only or any(part in case.name for part in args.only)]
    with tempfile.TemporaryDirectory(prefix="tt-kernels-") as directory:
        root = args.keep or Path(directory)
        if args.keep and args.keep.exists():
            shutil.rmtree(args.keep)
        results = measure(selected, root / "main", args.naive)
        reference = measure(selected, root / "naive", True) if args.check else None
    header = f"{'case':<62}{'insns':>13}{'MACs':>12}{'insns/MAC':>11}"
    if reference:
        header += f"{'naive insns':>13}{'speed-up':>10}  same output"
    print(header)
    print("-" * len(header))
    mismatches = 0
    for row, (case, instructions, checksum) in enumerate(results):
        line = f"{case.name:<62}{instructions:>13,}{case.macs:>12,}{instructions / case.macs:>11.2f}"
        if reference:
            naive_instructions, naive_checksum = reference[row][1], reference[row][2]
            same = checksum == naive_checksum
            mismatches += not same
            line += f"{naive_instructions:>13,}{naive_instructions / instructions:>10.2f}  {'yes' if same else 'NO'}"
        print(line)
    if mismatches:
        raise SystemExit(f"{mismatches} case(s) differ from the naive build")


if __name__ == "__main__":
    main()
