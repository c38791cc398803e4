"""The target record: everything that differs per chip (`Target`) or per board (`Board`).

    target = target_named("cortex-m4")           # a Target; an unknown name is a TargetError
    board = board_named("stm32f412")             # a Board (its .target is cortex-m4)
    target, board = resolve("cortex-m7", None)   # the target and its default board
    board.cmake_definitions()                    # -D... for the toolchain files and board.cmake

A `Target` is a core with its compiler flags, the features the runtime's fast paths use,
the clang triple, the architecture profile (ARMv7-M or ARMv8-M: it decides the stack
guard in board/startup.c) and the QEMU machine that emulates it. A `Board` is a part:
its flash and SRAM (origins and sizes: the budgets the linker enforces), its stack
reservation, and the QEMU machine that runs its images. `host` is the pseudo-target of
the host build (no board, no cross compiler).

Every caller (build, QEMU runner, harness, tt-compile, benches, tests) takes these
records; docs/targets.md describes them and how to add one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KIB = 1024


class TargetError(ValueError):
    """An unknown target or board name, or a board of another target (one-line message)."""


@dataclass(frozen=True)
class Target:
    name: str  # what --target takes
    description: str
    cpu_flags: tuple[str, ...] = ()  # for gcc and clang alike (the newlib multilib follows them)
    # Feature macros the compiler does not predefine (runtime/src/internal/tt_features.h):
    # gcc says nothing that tells FPv4 from FPv5-SP, so the record does.
    defines: tuple[str, ...] = ()
    clang_triple: str | None = None  # None: the host's clang
    profile: str | None = None  # "armv7-m" or "armv8-m" (None: host)
    features: frozenset[str] = field(default_factory=frozenset)  # dsp, fpv4-sp, fpv5-sp, fpv5-dp, mve
    qemu_machine: str | None = None  # the machine that emulates the core
    default_board: str | None = None

    @property
    def is_host(self) -> bool:
        return self.profile is None

    @property
    def boards(self) -> tuple[Board, ...]:
        return tuple(board for board in BOARDS.values() if board.target == self)


@dataclass(frozen=True)
class Board:
    name: str  # what --board takes
    description: str
    target: Target
    flash_origin: int  # where the image starts (the vector table, unless boot_origin is set)
    flash_size: int  # the flash budget
    sram_origin: int
    sram_size: int  # the SRAM budget: .data + .bss + heap + stack
    qemu_machine: str
    stack_size: int = 16 * KIB  # reserved at the top of SRAM
    # Where the core fetches the initial SP and reset vector when that is outside the flash
    # region (mps3-an547 boots from its ITCM at 0): two words go there, and the reset handler
    # points VTOR at the full table in flash. None: the table at flash_origin is the boot table.
    boot_origin: int | None = None
    memory_note: str = ""  # where the budgets come from (docs/targets.md)

    def cmake_definitions(self) -> dict[str, str]:
        """The cache variables that configure the toolchain files and board.cmake."""
        target = self.target
        return {
            "TT_TARGET": target.name,
            "TT_BOARD": self.name,
            "TT_CPU_FLAGS": " ".join((*target.cpu_flags, *(f"-D{define}" for define in target.defines))),
            "TT_CLANG_TRIPLE": target.clang_triple or "",
            "TT_ARCH_PROFILE": target.profile or "",
            "TT_FLASH_ORIGIN": f"0x{self.flash_origin:08X}",
            "TT_FLASH_SIZE": str(self.flash_size),
            "TT_SRAM_ORIGIN": f"0x{self.sram_origin:08X}",
            "TT_SRAM_SIZE": str(self.sram_size),
            "TT_DEFAULT_STACK_SIZE": str(self.stack_size),
            "TT_BOOT_ORIGIN": "" if self.boot_origin is None else f"0x{self.boot_origin:08X}",
        }


HOST = Target("host", "the host's C compiler (shared library and executables)")

CORTEX_M4 = Target(
    "cortex-m4",
    "Cortex-M4F: ARMv7E-M, DSP, FPv4-SP single-precision FPU",
    cpu_flags=("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"),
    defines=("TT_FPU_FPV4=1",),  # no VRINTX: the runtime rounds with tt_rint_f32's exact float trick
    clang_triple="thumbv7em-none-eabihf",
    profile="armv7-m",
    features=frozenset({"dsp", "fpv4-sp"}),
    qemu_machine="mps2-an386",
    default_board="stm32f412",
)
CORTEX_M7 = Target(
    "cortex-m7",
    "Cortex-M7: ARMv7E-M, DSP, FPv5 single-precision FPU (used single precision only)",
    cpu_flags=("-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"),
    clang_triple="thumbv7em-none-eabihf",
    profile="armv7-m",
    features=frozenset({"dsp", "fpv5-sp"}),
    qemu_machine="mps2-an500",
    default_board="stm32f746",
)
CORTEX_M33 = Target(
    "cortex-m33",
    "Cortex-M33: ARMv8-M Mainline, DSP, FPv5 single-precision FPU, TrustZone (runs Secure)",
    cpu_flags=("-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"),
    clang_triple="thumbv8m.main-none-eabihf",
    profile="armv8-m",
    features=frozenset({"dsp", "fpv5-sp"}),
    qemu_machine="mps2-an505",
    default_board="nrf5340",
)
CORTEX_M55 = Target(
    "cortex-m55",
    "Cortex-M55: ARMv8.1-M Mainline, DSP, Helium (MVE integer and float), FPv5 double-precision FPU",
    # -mfpu=auto (gcc's default) takes the FPU and MVE of -mcpu: the +mve multilib.
    cpu_flags=("-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard"),
    clang_triple="thumbv8.1m.main-none-eabihf",
    profile="armv8-m",
    features=frozenset({"dsp", "fpv5-dp", "mve"}),
    qemu_machine="mps3-an547",
    default_board="corstone-300",
)

# The target of today's board (stm32f746) and of the published figures: what a cross build,
# a board run and the benches use when no target is given.
DEFAULT_TARGET = CORTEX_M7

TARGETS: Mapping[str, Target] = {t.name: t for t in (HOST, CORTEX_M4, CORTEX_M7, CORTEX_M33, CORTEX_M55)}

BOARDS: Mapping[str, Board] = {
    board.name: board
    for board in (
        Board(
            "stm32f412",
            "STM32F412 class (Cortex-M4F, 100 MHz): 1 MB flash, 256 KB SRAM",
            CORTEX_M4,
            flash_origin=0x0000_0000, flash_size=1024 * KIB,
            sram_origin=0x2000_0000, sram_size=256 * KIB,
            qemu_machine="mps2-an386",
            memory_note="STM32F412xG budgets; mps2-an386 has 4 MB SSRAM at 0x0 and 0x20000000",
        ),  # fmt: skip
        Board(
            "stm32f746",
            "STM32F746 class (Cortex-M7, 216 MHz): 1 MB flash, 320 KB SRAM",
            CORTEX_M7,
            flash_origin=0x0000_0000, flash_size=1024 * KIB,
            sram_origin=0x2000_0000, sram_size=320 * KIB,
            qemu_machine="mps2-an500",
            memory_note="STM32F746xG budgets; mps2-an500 has 4 MB SSRAM at 0x0 and 0x20000000",
        ),  # fmt: skip
        Board(
            "nrf5340",
            "nRF5340 application core class (Cortex-M33, 128 MHz): 1 MB flash, 512 KB SRAM",
            CORTEX_M33,
            # The Secure aliases (bit 28 set) of mps2-an505's SSRAM1 (boot, VTOR 0x10000000)
            # and SSRAM2/3 (4 MB at 0x28000000, Secure 0x38000000).
            flash_origin=0x1000_0000, flash_size=1024 * KIB,
            sram_origin=0x3800_0000, sram_size=512 * KIB,
            qemu_machine="mps2-an505",
            memory_note="nRF5340 application-core budgets; mapped on mps2-an505's Secure SSRAM aliases",
        ),  # fmt: skip
        Board(
            "corstone-300",
            "Arm Corstone-300 FPGA image AN547 (Cortex-M55, MPS3): 8 MB QSPI flash, 512 KB DTCM",
            CORTEX_M55,
            # QSPI flash (Secure alias 0x38000000) holds the image; the core boots from the
            # ITCM at 0 (QEMU's initial Secure VTOR); data and stack live in the DTCM
            # (Secure alias 0x30000000).
            flash_origin=0x3800_0000, flash_size=8 * 1024 * KIB,
            sram_origin=0x3000_0000, sram_size=512 * KIB,
            # The default 16 KB stack holds the Helium kernels' stack scratch (at most
            # 10,240 bytes for the 1x1 tile, 9,312 for depthwise: runtime/src/internal/tt_mve.h)
            # on top of the call chain: MCUNet-5fps training peaks at 10,600 bytes (3,012
            # without MVE; bench/backend.py), and the largest tile plus the whole 3 KB chain of
            # the scalar build would still stay under 14 KB, so 16 KB needs no raise.
            qemu_machine="mps3-an547",
            boot_origin=0x0000_0000,
            memory_note="the AN547 FPGA image's own memories: 8 MB QSPI flash, 512 KB DTCM",
        ),  # fmt: skip
    )
}


def _choices(names) -> str:
    return ", ".join(names)


def target_named(name: str | Target) -> Target:
    """The target called `name` (a Target passes through)."""
    if isinstance(name, Target):
        return name
    try:
        return TARGETS[name]
    except KeyError:
        raise TargetError(f"unknown target {name!r} (expected one of {_choices(TARGETS)})") from None


def board_named(name: str | Board) -> Board:
    """The board called `name` (a Board passes through)."""
    if isinstance(name, Board):
        return name
    try:
        return BOARDS[name]
    except KeyError:
        raise TargetError(f"unknown board {name!r} (expected one of {_choices(BOARDS)})") from None


def resolve(target: str | Target, board: str | Board | None = None) -> tuple[Target, Board | None]:
    """The target and its board: the given one (it must belong to the target) or the
    target's default. The host has no board."""
    target = target_named(target)
    if target.is_host:
        if board is not None:
            raise TargetError(f"the host target takes no board (got {board_named(board).name!r})")
        return target, None
    board = board_named(board if board is not None else target.default_board)
    if board.target != target:
        raise TargetError(
            f"board {board.name!r} is a {board.target.name} board, not {target.name} "
            f"({target.name} boards: {_choices(b.name for b in target.boards)})"
        )
    return target, board


def default_board(target: str | Target) -> Board:
    """The default board of a cross target."""
    _, board = resolve(target)
    if board is None:
        raise TargetError("the host target has no board")
    return board


CROSS_TARGETS = tuple(t for t in TARGETS.values() if not t.is_host)
