"""The target record (backends/targets.py): lookups, their one-line errors, the records'
consistency, and the CMake defaults that must mirror the default board's record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tiny_training.backends.cortex_m.project import build_project, default_build_dir
from tiny_training.backends.targets import (
    BOARDS,
    CROSS_TARGETS,
    TARGETS,
    TargetError,
    board_named,
    default_board,
    resolve,
    target_named,
)

ROOT = Path(__file__).resolve().parents[2]


def test_lookups_give_the_records():
    assert [t.name for t in CROSS_TARGETS] == ["cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]
    assert target_named("cortex-m7").qemu_machine == "mps2-an500"
    assert default_board("cortex-m7").name == "stm32f746"
    assert resolve("cortex-m4") == (TARGETS["cortex-m4"], BOARDS["stm32f412"])
    assert resolve("host") == (TARGETS["host"], None)
    assert target_named(TARGETS["cortex-m55"]) is TARGETS["cortex-m55"]  # a record passes through


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: target_named("cortex-m9"), "unknown target 'cortex-m9' (expected one of host, cortex-m4, cortex-m7, cortex-m33, cortex-m55)"),
        (lambda: board_named("stm32f999"), "unknown board 'stm32f999' (expected one of stm32f412, stm32f746, nrf5340, corstone-300)"),
        (lambda: resolve("cortex-m4", "stm32f746"), "board 'stm32f746' is a cortex-m7 board, not cortex-m4 (cortex-m4 boards: stm32f412)"),
        (lambda: resolve("host", "stm32f746"), "the host target takes no board (got 'stm32f746')"),
    ],
)  # fmt: skip
def test_bad_names_are_one_line_errors(call, message):
    with pytest.raises(TargetError) as error:
        call()
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)  # the tools report ValueError as one line


def test_build_project_rejects_a_bad_target_before_building(tmp_path):
    with pytest.raises(TargetError, match="unknown target 'm7'"):
        build_project(tmp_path, "m7")
    with pytest.raises(TargetError, match="is a cortex-m33 board, not cortex-m55"):
        build_project(tmp_path, "cortex-m55", board="nrf5340")
    assert not any(tmp_path.iterdir())


def test_build_directories_are_per_target():
    assert default_build_dir("p", "host").name == "build"
    assert default_build_dir("p", "cortex-m4").name == "build-cortex-m4"
    assert default_build_dir("p", "cortex-m55", "clang").name == "build-cortex-m55-clang"
    assert default_build_dir("p", "cortex-m55", helium=False).name == "build-cortex-m55-nomve"


@pytest.mark.parametrize("board", BOARDS.values(), ids=list(BOARDS))
def test_boards_are_consistent(board):
    target = board.target
    assert target.default_board in BOARDS and BOARDS[target.default_board].target == target
    assert board.qemu_machine == target.qemu_machine  # every board here runs on its core's machine
    assert board.stack_size % 32 == 0 and board.stack_size < board.sram_size
    # The flash and SRAM budgets of MCUNet-5fps with the 49kb scheme (about 160 KB SRAM and 640 KB flash).
    assert board.sram_size >= 256 * 1024 and board.flash_size >= 1024 * 1024
    regions = sorted([(board.flash_origin, board.flash_size), (board.sram_origin, board.sram_size)])
    assert regions[0][0] + regions[0][1] <= regions[1][0], "flash and SRAM overlap"
    assert target.profile in ("armv7-m", "armv8-m")
    assert ("-mfpu=fpv4-sp-d16" in target.cpu_flags) == ("fpv4-sp" in target.features)
    # gcc predefines nothing that tells FPv4 from FPv5-SP: without the define the runtime
    # would emit VRINTX, which an FPv4 core does not have.
    assert ("TT_FPU_FPV4=1" in target.defines) == ("fpv4-sp" in target.features)
    assert all(f"-D{define}" in board.cmake_definitions()["TT_CPU_FLAGS"] for define in target.defines)


def test_cmake_defaults_mirror_the_default_board():
    """board.cmake and the toolchain files fall back to stm32f746 / cortex-m7 when configured
    without the record's variables (plain `cmake -DCMAKE_TOOLCHAIN_FILE=...`)."""
    board = default_board(target_named("cortex-m7"))
    definitions = board.cmake_definitions()
    text = (ROOT / "backends" / "cortex_m" / "board.cmake").read_text()
    for name in ("TT_TARGET", "TT_BOARD", "TT_ARCH_PROFILE", "TT_FLASH_ORIGIN", "TT_FLASH_SIZE", "TT_SRAM_ORIGIN",
                 "TT_SRAM_SIZE", "TT_DEFAULT_STACK_SIZE", "TT_BOOT_ORIGIN"):  # fmt: skip
        match = re.search(rf'^set\({name} "([^"]*)" CACHE', text, re.MULTILINE)
        assert match is not None and match.group(1) == definitions[name], name
    for toolchain in ("arm-none-eabi.cmake", "clang-arm-none-eabi.cmake"):
        flags = re.search(r'set\(TT_CPU_FLAGS "([^"]*)"\)', (ROOT / "cmake" / toolchain).read_text())
        assert flags is not None and flags.group(1) == definitions["TT_CPU_FLAGS"], toolchain
    triple = re.search(r"set\(TT_CLANG_TRIPLE (\S+)\)", (ROOT / "cmake" / "clang-arm-none-eabi.cmake").read_text())
    assert triple is not None and triple.group(1) == definitions["TT_CLANG_TRIPLE"]
