"""The board support under QEMU, on every board of backends/targets.py (Cortex-M4 on
mps2-an386, M7 on mps2-an500, M33 on mps2-an505, M55 on mps3-an547): the runtime's
quantization arithmetic gives the reference interpreter's results on the target,
programs exit with their status, instruction counts are exact and repeatable, stack use
is measured, faults and flash/SRAM overflows are reported (the budgets are the board's),
and gcc and clang agree.

Builds once per board and toolchain per session (a few seconds each)."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import pytest

from tiny_training.backends.cortex_m import qemu
from tiny_training.backends.targets import BOARDS, Board
from tiny_training.interpreters.qtrain import divide_round_half_even, requantize, round_half_even_f32

EXTRA_PROGRAMS = {
    "return_three": "int main(void) { return 3; }\n",
    # .bss 80 KB over the board's SRAM (TT_SRAM_BYTES, from the record): the link must fail.
    "too_big": (
        "#include <stdint.h>\n"
        "static volatile uint8_t buffer[TT_SRAM_BYTES + 80 * 1024];\n"
        "int main(void) { buffer[1000] = 1; return buffer[1000] - 1; }\n"
    ),
    # Constants 76 KB over the board's flash.
    "too_big_flash": (
        "#include <stdint.h>\n"
        "static const uint8_t table[TT_FLASH_BYTES + 76 * 1024] = {1};\n"
        "volatile uint32_t position;\n"
        "int main(void) { return table[position] - 1; }\n"
    ),
    # A 1 KB frame that is really written: the high-water mark must see it.
    "kilobyte_frame": (
        "#include <stdint.h>\n"
        "__attribute__((noinline)) static uint32_t fill(volatile uint32_t *words, uint32_t count)\n"
        "{ uint32_t sum = 0; for (uint32_t i = 0; i < count; ++i) { words[i] = i; sum += words[i]; } return sum; }\n"
        "int main(void) { volatile uint32_t words[256]; return fill(words, 256) == 32640u ? 0 : 1; }\n"
    ),
    "bus_fault": "int main(void) { return *(volatile int *)0xF0000000u; }\n",
    "stack_overflow": (
        "#include <stdint.h>\n"
        "__attribute__((noinline)) static uint32_t down(uint32_t n)\n"
        "{ volatile uint32_t frame[8]; frame[0] = n; return n == 0 ? 0 : down(n - 1) + frame[0]; }\n"
        "int main(void) { return (int)down(1000000); }\n"
    ),
}
# Exactly 2 instructions per iteration (subs, bne): two lengths give the counter's slope.
for _iterations in (1000, 3000):
    EXTRA_PROGRAMS[f"loop_{_iterations}"] = (
        "int main(void)\n{\n"
        f"    unsigned remaining = {_iterations}u;\n"
        '    __asm__ volatile("1: subs %0, %0, #1\\n bne 1b" : "+r"(remaining) : : "cc");\n'
        "    return (int)remaining;\n}\n"
    )
BUILT = [name for name in EXTRA_PROGRAMS if not name.startswith("too_big")]
CLANG_STACK_SIZE = 8192


def _skip_if_missing(toolchain: str) -> None:
    missing = qemu.missing_programs(toolchain)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (tools/setup.sh installs them)")


def _write_programs(directory: Path, board: Board) -> dict[str, list[Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    budgets = f"#define TT_SRAM_BYTES {board.sram_size}u\n#define TT_FLASH_BYTES {board.flash_size}u\n"
    programs = {}
    for name, text in EXTRA_PROGRAMS.items():
        path = directory / f"{name}.c"
        path.write_text(budgets + text)
        programs[name] = [path]
    return programs


def _size_words(size: int) -> str:
    """A region size as GNU ld's --print-memory-usage writes it."""
    return f"{size // 2**20} MB" if size % 2**20 == 0 else f"{size // 1024} KB"


@pytest.fixture(scope="module", params=list(BOARDS), ids=list(BOARDS))
def board(request) -> Board:
    return BOARDS[request.param]


@pytest.fixture(scope="module")
def gcc_programs(tmp_path_factory, board) -> dict[str, list[Path]]:
    return _write_programs(tmp_path_factory.mktemp(f"{board.name}-programs"), board)


@pytest.fixture(scope="module")
def gcc_build(tmp_path_factory, gcc_programs, board) -> Path:
    _skip_if_missing("gcc")
    build = tmp_path_factory.mktemp(f"{board.name}-gcc")
    return qemu.cross_build(
        build, board=board, toolchain="gcc", programs=gcc_programs, targets=["tt_board_smoke", *BUILT], jobs=2
    )


@pytest.fixture(scope="module")
def clang_build(tmp_path_factory, board) -> Path:
    _skip_if_missing("clang")
    root = tmp_path_factory.mktemp(f"{board.name}-clang")
    programs = _write_programs(root / "programs", board)
    return qemu.cross_build(
        root / "build",
        board=board,
        jobs=2,
        toolchain="clang",
        programs={"kilobyte_frame": programs["kilobyte_frame"]},
        targets=["tt_board_smoke", "kilobyte_frame"],
        stack_size=CLANG_STACK_SIZE,
    )


@pytest.fixture(scope="module")
def gcc_smoke(gcc_build) -> qemu.QemuResult:
    return qemu.run_elf(gcc_build / "tt_board_smoke.elf")


def _f32(bits: str) -> np.float32:
    return np.float32(struct.unpack("<f", struct.pack("<I", int(bits, 16)))[0])


def _expected(line: str) -> int:
    """What the reference interpreter says the smoke line's right-hand side must be."""
    name, *args = line.split(" -> ")[0].split()
    if name == "requantize":
        acc, multiplier, zero_point = int(args[0]), _f32(args[1]), int(args[2])
        return int(requantize(np.array([[[[acc]]]]), np.array([multiplier]), zero_point).item())
    if name == "add_requantize":
        a, za, b, zb, zy = (int(args[i]) for i in (0, 1, 3, 4, 6))
        ma, mb = _f32(args[2]), _f32(args[5])
        # The order of qtrain's AddOp interpreter: two f32 products, an f32 sum, rint, + zero point, clamp.
        total = np.float32(np.float32(a - za) * ma) + np.float32(np.float32(b - zb) * mb)
        return int(np.clip(round_half_even_f32(np.array([total]))[0] + zy, -128, 127))
    if name == "div_round_half_even":
        return int(divide_round_half_even(np.array(int(args[0])), int(args[1])))
    raise AssertionError(f"unexpected smoke line {line!r}")


def test_image_names_its_board(gcc_build, board):
    """run_elf picks the QEMU machine from the board the image was linked for."""
    assert qemu.board_of_elf(gcc_build / "tt_board_smoke.elf") == board


def test_smoke_matches_reference(gcc_smoke):
    assert gcc_smoke.exit_code == 0
    lines = gcc_smoke.stdout.splitlines()
    assert lines[0] == "tt-board-smoke: start" and lines[-1] == "tt-board-smoke: done"
    checked = {"requantize": 0, "add_requantize": 0, "div_round_half_even": 0}
    for line in lines:
        if " -> " in line:
            assert int(line.split(" -> ")[1]) == _expected(line), line
            checked[line.split()[0]] += 1
    assert checked == {"requantize": 59, "add_requantize": 51, "div_round_half_even": 40}


def test_smoke_float_computation_uses_the_fpu(gcc_smoke):
    (line,) = [line for line in gcc_smoke.stdout.splitlines() if line.startswith("float_reduce ")]
    total = np.float32(0)
    for i in range(16):
        value = np.float32(i + 1) * np.float32(0.1)
        total = np.float32(total * np.float32(0.5)) + np.float32(value * value)
    bits, _, decimal = line.split()[1:]
    assert _f32(bits) == total
    assert abs(float(decimal) - float(total)) < 1e-3


def test_instruction_count_is_positive_and_repeatable(gcc_build, gcc_smoke):
    again = qemu.run_elf(gcc_build / "tt_board_smoke.elf")
    assert gcc_smoke.instructions > 10_000
    assert again.instructions == gcc_smoke.instructions
    assert again.stdout == gcc_smoke.stdout


def test_instruction_count_is_exact(gcc_build):
    short = qemu.run_elf(gcc_build / "loop_1000.elf")
    long = qemu.run_elf(gcc_build / "loop_3000.elf")
    assert long.instructions - short.instructions == 2 * 2000
    # The per-block counter agrees here (no block is cut short before the exit trap).
    assert qemu.run_elf(gcc_build / "loop_3000.elf", count_mode="tb").instructions == long.instructions


def test_exit_status_passes_through(gcc_build):
    result = qemu.run_elf(gcc_build / "return_three.elf", count_instructions=False)
    assert result.exit_code == 3
    assert result.instructions is None
    assert result.stdout == ""


def test_sram_overflow_fails_at_link_time(gcc_build, gcc_programs, board):
    with pytest.raises(qemu.CrossBuildError) as failure:
        qemu.cross_build(gcc_build, board=board, toolchain="gcc", programs=gcc_programs, targets=["too_big"])
    assert "region `RAM' overflowed" in failure.value.output
    assert "tiny-training: SRAM overflow" in failure.value.output
    assert not (gcc_build / "too_big.elf").exists()


def test_flash_overflow_fails_at_link_time(gcc_build, gcc_programs, board):
    with pytest.raises(qemu.CrossBuildError) as failure:
        qemu.cross_build(gcc_build, board=board, toolchain="gcc", programs=gcc_programs, targets=["too_big_flash"])
    assert "region `FLASH' overflowed" in failure.value.output
    assert "tiny-training: flash overflow" in failure.value.output
    assert "region `RAM' overflowed" not in failure.value.output


def test_linker_reports_memory_use(gcc_build, board):
    log = (gcc_build / "tt-last-build.log").read_text()
    assert re.search(rf"FLASH:\s+\d+ B\s+{_size_words(board.flash_size)}", log)
    assert re.search(rf"RAM:\s+\d+ B\s+{_size_words(board.sram_size - board.stack_size)}", log)
    if board.name == "stm32f746":  # today's board, as before the target record
        assert re.search(r"FLASH:\s+\d+ B\s+1 MB", log) and re.search(r"RAM:\s+\d+ B\s+304 KB", log)
    usage = qemu.memory_usage(gcc_build / "tt_board_smoke.elf")
    assert 1_000 < usage.flash_bytes < 64 * 1024
    assert usage.sram_static_bytes < 4 * 1024
    assert usage.stack_reserved_bytes == 16 * 1024
    assert (gcc_build / "tt_board_smoke.map").is_file()


def test_stack_high_water(gcc_build, gcc_smoke):
    assert gcc_smoke.stack_reserved == 16 * 1024 - 32  # less the MPU guard
    assert 16 <= gcc_smoke.stack_bytes < 1024
    frame = qemu.run_elf(gcc_build / "kilobyte_frame.elf")
    assert frame.exit_code == 0
    assert 1024 <= frame.stack_bytes < 1024 + 256


def test_faults_are_reported(gcc_build):
    with pytest.raises(qemu.GuestFault, match="BusFault") as fault:
        qemu.run_elf(gcc_build / "bus_fault.elf", count_instructions=False)
    assert fault.value.result.exit_code == 245
    assert "bfar=0xf0000000" in fault.value.result.stdout
    with pytest.raises(qemu.GuestFault, match="stack overflow"):
        qemu.run_elf(gcc_build / "stack_overflow.elf", count_instructions=False)


def test_clang_build_runs_with_the_same_output(clang_build, gcc_smoke):
    result = qemu.run_elf(clang_build / "tt_board_smoke.elf")
    assert result.exit_code == 0
    assert result.stdout == gcc_smoke.stdout
    assert result.instructions > 10_000
    # The stack size given at configure time reached lld.
    assert result.stack_reserved == CLANG_STACK_SIZE - 32
    assert qemu.memory_usage(clang_build / "tt_board_smoke.elf").stack_reserved_bytes == CLANG_STACK_SIZE
    assert 1024 <= qemu.run_elf(clang_build / "kilobyte_frame.elf").stack_bytes < 1024 + 256
