"""Build and run Cortex-M programs under QEMU, for any board of backends/targets.py.

    build = cross_build(Path("build/m7"))                 # cmake + arm-none-eabi-gcc, board stm32f746
    build = cross_build(Path("build/m4"), board="stm32f412")
    result = run_elf(build / "tt_board_smoke.elf")        # the board's QEMU machine + instruction counter
    result.exit_code, result.stdout, result.instructions, result.stack_bytes

Which machine runs an image: its board's `qemu_machine`; `run_elf` reads the board
from the image (the linker script's `__tt_board_<name>` symbol) unless given one.

Where things go when QEMU runs a program:

- the guest's semihosting output: QEMU 7.2 writes semihosting console output to
  its *stderr* when no chardev is given, mixed with QEMU's own messages, so
  `run_elf` routes it to a file chardev (`-semihosting-config ...,chardev=`);
  the guest's text is then exactly that file;
- the instruction count: the plugin (qemu/insn_count.c) prints it with
  `qemu_plugin_outs`, which goes to QEMU's log and only with `-d plugin`; the
  log is sent to a file with `-D`;
- the stack high-water mark: the startup code prints `tt-stack-bytes: N` after
  `main` returns; `run_elf` takes that line out of `stdout`;
- the exit status: the guest's semihosting `SYS_EXIT_EXTENDED` status is QEMU's
  exit status;
- the guest's files (semihosting `SYS_OPEN`): QEMU opens a relative path in its own
  working directory, which `run_elf(cwd=...)` sets.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tiny_training.backends.targets import BOARDS, DEFAULT_TARGET, Board, board_named, default_board

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BACKEND_DIR = Path(__file__).resolve().parent
PLUGIN_SOURCE = BACKEND_DIR / "qemu" / "insn_count.c"
DEFAULT_PLUGIN_DIR = PROJECT_ROOT / "build" / "qemu-plugin"

QEMU = "qemu-system-arm"

TOOLCHAIN_FILES = {
    "gcc": PROJECT_ROOT / "cmake" / "arm-none-eabi.cmake",
    "clang": PROJECT_ROOT / "cmake" / "clang-arm-none-eabi.cmake",
}
# What each toolchain needs on PATH (clang takes newlib from the arm-none-eabi installation).
TOOLCHAIN_PROGRAMS = {
    "gcc": ("cmake", "arm-none-eabi-gcc"),
    "clang": ("cmake", "arm-none-eabi-gcc", "clang", "ld.lld"),
}
INSTALL_HINT = (
    "run tools/setup.sh, or apt-get install cmake gcc-arm-none-eabi libnewlib-arm-none-eabi "
    "qemu-system-arm clang lld"
)

# The board's exit statuses for faults (board/semihosting.h): TT_EXIT_FAULT_BASE + exception number.
FAULT_EXIT_BASE = 240
FAULT_EXIT_NAMES = {
    242: "NMI",
    243: "HardFault",
    244: "MemManage",
    245: "BusFault",
    246: "UsageFault",
    247: "SecureFault",
    251: "SVCall",
    252: "DebugMonitor",
    254: "PendSV",
    255: "SysTick or an unexpected interrupt",
}

_STACK_LINE = re.compile(r"^tt-stack-bytes: (\d+) of (\d+)\n?", re.MULTILINE)
_INSNS_LINE = re.compile(r"^tt-insns: (\d+)$", re.MULTILINE)
_FAULT_LINE = re.compile(r"^tt-fault: .*$", re.MULTILINE)


class ToolMissing(RuntimeError):
    """A program this module needs (QEMU, cmake, a cross compiler) is not installed."""


class CrossBuildError(RuntimeError):
    """cmake failed to configure or build; `output` holds what it printed (e.g. the linker's error)."""

    def __init__(self, message: str, output: str):
        super().__init__(f"{message}\n{output}")
        self.output = output


class QemuError(RuntimeError):
    """QEMU could not run the program, or the program did not end normally."""


class QemuTimeout(QemuError):
    """The program did not exit within the time limit (an endless loop, or a lock-up)."""


class GuestFault(QemuError):
    """The program took a fault (HardFault, UsageFault, ...): the board's handler reported it and exited."""

    def __init__(self, message: str, result: QemuResult):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class QemuResult:
    exit_code: int
    stdout: str  # what the guest printed, without the `tt-stack-bytes` line
    instructions: int | None  # guest instructions executed, reset to exit (None: not counted)
    stack_bytes: int | None  # stack high-water mark (None: main did not return)
    stack_reserved: int | None  # usable stack (the linker's TT_STACK_SIZE less a 32-byte guard)
    wall_seconds: float


@dataclass(frozen=True)
class MemoryUsage:
    """What a linked program occupies, from the linker script's symbols."""

    flash_bytes: int  # vector table + code + constants + the .data image
    sram_static_bytes: int  # .data + .bss (+ heap reservation)
    stack_reserved_bytes: int  # the stack region at the top of SRAM

    @property
    def sram_bytes(self) -> int:
        return self.sram_static_bytes + self.stack_reserved_bytes


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissing(f"{name} is not installed ({INSTALL_HINT})")
    return path


def missing_programs(toolchain: str = "gcc", *, qemu: bool = True) -> list[str]:
    """The programs that `cross_build(toolchain=...)` and `run_elf` need but are not on PATH."""
    needed = list(TOOLCHAIN_PROGRAMS[toolchain]) + ([QEMU] if qemu else [])
    return [name for name in needed if shutil.which(name) is None]


def build_plugin(build_dir: Path | str = DEFAULT_PLUGIN_DIR) -> Path:
    """Compile the instruction-counting QEMU plugin with the host gcc; cached by source hash."""
    source = PLUGIN_SOURCE.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    build_dir = Path(build_dir)
    plugin = build_dir / f"insn_count-{digest}.so"
    if plugin.is_file():
        return plugin
    compiler = require_program(os.environ.get("CC", "gcc"))
    build_dir.mkdir(parents=True, exist_ok=True)
    # Build under a temporary name and rename: concurrent builders never see half a file.
    partial = build_dir / f".insn_count-{digest}-{os.getpid()}.so"
    command = [compiler, "-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror"]
    completed = subprocess.run(
        [*command, "-o", str(partial), str(PLUGIN_SOURCE)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise CrossBuildError("building the QEMU plugin failed", completed.stdout + completed.stderr)
    partial.replace(plugin)
    return plugin


def board_of_elf(elf: Path | str) -> Board:
    """The board an image was linked for (its linker script's `__tt_board_<name>` symbol)."""
    symbols = _symbols(elf)
    for board in BOARDS.values():
        if f"__tt_board_{_c_identifier(board.name)}" in symbols:
            return board
    raise QemuError(f"{Path(elf).name} names no board of backends/targets.py (not linked with board.ld.in?)")


def qemu_command(elf: Path | str, board: Board, console: Path | str) -> list[str]:
    """The QEMU command line that runs a board image, its semihosting console going to `console`."""
    return [
        require_program(QEMU),
        "-M", board.qemu_machine,
        "-nographic", "-monitor", "none", "-serial", "none",
        "-chardev", f"file,id=tt_guest,path={console}",
        "-semihosting-config", "enable=on,target=native,chardev=tt_guest",
        "-kernel", str(elf),
    ]  # fmt: skip


def run_elf(
    elf: Path | str,
    *,
    board: Board | str | None = None,
    count_instructions: bool = True,
    timeout: float = 60.0,
    plugin: Path | None = None,
    count_mode: str = "insn",
    raise_on_fault: bool = True,
    cwd: Path | str | None = None,
) -> QemuResult:
    """Run a board program (linked with tt_add_board_executable) under QEMU until it exits.

    board: the board it was linked for (default: the one the image names); its QEMU machine runs it.

    count_mode: "insn" (exact) or "tb" (faster; may overcount a block cut short by an exception).
    Raises ToolMissing, QemuTimeout, QemuError (QEMU failed), and GuestFault when the program
    faulted (unless raise_on_fault is false; its exit code then is 240 + the exception number).
    cwd: QEMU's working directory, where the guest's semihosting file I/O resolves relative paths.
    """
    elf = Path(elf).resolve()
    if not elf.is_file():
        raise FileNotFoundError(f"no such program: {elf}")
    require_program(QEMU)
    board = board_of_elf(elf) if board is None else board_named(board)
    if count_mode not in ("insn", "tb"):
        raise ValueError(f"count_mode must be 'insn' or 'tb', not {count_mode!r}")
    if count_instructions and plugin is None:
        plugin = build_plugin()
    if plugin is not None:
        plugin = Path(plugin).resolve()
    if cwd is not None and not Path(cwd).is_dir():
        raise FileNotFoundError(f"no such directory for QEMU to run in: {cwd}")

    with tempfile.TemporaryDirectory(prefix="tt-qemu-") as scratch:
        guest_output = Path(scratch) / "guest.txt"
        qemu_log = Path(scratch) / "qemu.log"
        command = qemu_command(elf, board, guest_output)
        if count_instructions:
            command += ["-plugin", f"{plugin},mode={count_mode}", "-d", "plugin", "-D", str(qemu_log)]

        started = time.perf_counter()
        try:
            completed = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                cwd=cwd,
            )
        except subprocess.TimeoutExpired as expired:
            partial = _read_text(guest_output)
            raise QemuTimeout(
                f"{elf.name} did not exit within {timeout:g} s under QEMU (endless loop or lock-up); "
                f"its output so far:\n{partial[-2000:]}"
            ) from expired
        wall = time.perf_counter() - started
        text = _read_text(guest_output)
        log = _read_text(qemu_log)

    exit_code = completed.returncode
    if "Lockup" in completed.stderr:
        # A fault while the fault handler ran (or no usable vector table): the core stopped.
        raise QemuError(
            f"{elf.name} locked up the core (a fault inside the fault handler):\n"
            + "\n".join(completed.stderr.strip().splitlines()[:3])
        )
    if exit_code < 0 or _qemu_error_lines(completed.stderr):
        # QEMU itself failed (bad image, bad option, CPU lock-up), whatever the status says.
        raise QemuError(f"QEMU failed on {elf.name} (status {exit_code}):\n{completed.stderr.strip()}")

    instructions = None
    if count_instructions:
        counts = _INSNS_LINE.findall(log)
        if not counts:
            raise QemuError(f"the instruction counter printed nothing for {elf.name}; QEMU log:\n{log}")
        instructions = int(counts[-1])

    stack_bytes = stack_reserved = None
    stack_lines = _STACK_LINE.findall(text)
    if stack_lines:
        stack_bytes, stack_reserved = (int(value) for value in stack_lines[-1])
        text = _STACK_LINE.sub("", text)

    result = QemuResult(exit_code, text, instructions, stack_bytes, stack_reserved, wall)
    fault = _FAULT_LINE.search(text)
    if raise_on_fault and fault is not None and exit_code >= FAULT_EXIT_BASE:
        name = FAULT_EXIT_NAMES.get(exit_code, "fault")
        raise GuestFault(f"{elf.name} took a {name} (exit status {exit_code}): {fault.group(0)}", result)
    return result


def cross_build(
    build_dir: Path | str,
    *,
    board: Board | str | None = None,
    toolchain: str = "gcc",
    targets: Sequence[str] | None = None,
    programs: Mapping[str, Iterable[Path | str]] | None = None,
    stack_size: int | None = None,
    build_type: str = "Release",
    jobs: int | None = None,
    helium: bool = True,
) -> Path:
    """Configure and build the project for a board (default: the default target's,
    stm32f746); returns the build directory. One board per build directory.

    programs: extra programs, name -> C sources, each linked like tt_board_smoke
    (runtime + board support + linker script) into <build_dir>/<name>.elf.
    targets: what to build (default: tt_board_smoke and every extra program).
    helium: False builds the runtime without its Helium (MVE) kernels (TT_NO_MVE, the
    scalar Cortex-M55 build; no effect on other cores). Use another build_dir per value.
    Raises ToolMissing, or CrossBuildError with cmake's output (a flash or SRAM
    overflow is a link error that names the region).
    """
    if toolchain not in TOOLCHAIN_FILES:
        raise ValueError(f"toolchain must be one of {sorted(TOOLCHAIN_FILES)}, not {toolchain!r}")
    for name in TOOLCHAIN_PROGRAMS[toolchain]:
        require_program(name)
    board = default_board(DEFAULT_TARGET) if board is None else board_named(board)
    build_dir = Path(build_dir).resolve()
    toolchain_file = TOOLCHAIN_FILES[toolchain]
    _check_same_toolchain(build_dir, toolchain_file)
    _check_same_board(build_dir, board)

    program_entries = []
    for name, sources in (programs or {}).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"program name {name!r} is not a plain identifier")
        paths = [str(Path(source).resolve()) for source in sources]
        if not paths or any(re.search(r"[;,=]", path) for path in paths):
            raise ValueError(f"program {name!r}: sources must be given, without ';', ',' or '=' in their paths")
        program_entries.append(f"{name}={','.join(paths)}")

    configure = [
        require_program("cmake"),
        "-S", str(PROJECT_ROOT),
        "-B", str(build_dir),
        f"-DCMAKE_TOOLCHAIN_FILE={toolchain_file}",
        f"-DCMAKE_BUILD_TYPE={build_type}",
        *cmake_definitions(board),
        f"-DTT_BOARD_PROGRAMS={';'.join(program_entries)}",
        f"-DTT_STACK_SIZE={'' if stack_size is None else int(stack_size)}",
        f"-DTT_NO_MVE={'OFF' if helium else 'ON'}",
    ]  # fmt: skip
    _run_cmake(configure, f"configuring the {board.name} build failed")

    if targets is None:
        targets = ["tt_board_smoke", *(programs or {})]
    build = [require_program("cmake"), "--build", str(build_dir), "--parallel", str(jobs or os.cpu_count() or 1)]
    if targets:
        build += ["--target", *targets]
    output = _run_cmake(build, f"building {', '.join(targets) or 'all'} for {board.name} failed")
    (build_dir / "tt-last-build.log").write_text(output)
    return build_dir


def cmake_definitions(board: Board) -> list[str]:
    """The board's -D options for cmake (the toolchain files and board.cmake read them)."""
    return [f"-D{name}={value}" for name, value in board.cmake_definitions().items()]


def memory_usage(elf: Path | str) -> MemoryUsage:
    """Flash and SRAM use of a linked board program (from the linker script's symbols)."""
    symbols = _symbols(elf)
    try:
        flash = symbols["_sidata"] + (symbols["_edata"] - symbols["_sdata"]) - symbols["__tt_flash_origin"]
        sram_static = symbols["_heap_limit"] - symbols["__tt_sram_origin"]
        stack = symbols["_estack"] - symbols["_sstack"]
    except KeyError as missing:
        raise ValueError(f"{elf} was not linked with backends/cortex_m/board/board.ld.in ({missing} missing)") from None
    return MemoryUsage(flash, sram_static, stack)


def _symbols(elf: Path | str) -> dict[str, int]:
    nm = shutil.which("arm-none-eabi-nm") or shutil.which("llvm-nm") or require_program("nm")
    listing = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout
    symbols = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols[parts[2]] = int(parts[0], 16)
    return symbols


def _c_identifier(name: str) -> str:
    """CMake's string(MAKE_C_IDENTIFIER) for board names: other characters become '_'."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _run_cmake(command: list[str], failure: str) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise CrossBuildError(failure, output)
    return output


def _check_same_toolchain(build_dir: Path, toolchain_file: Path) -> None:
    """CMake cannot switch compilers in an existing build directory; say so plainly."""
    cache = build_dir / "CMakeCache.txt"
    if not cache.is_file():
        return
    match = re.search(r"^CMAKE_TOOLCHAIN_FILE:\w+=(.*)$", cache.read_text(), re.MULTILINE)
    if match is None or Path(match.group(1)).resolve() != toolchain_file.resolve():
        raise CrossBuildError(
            f"{build_dir} was configured with another toolchain; use a separate build directory per toolchain",
            match.group(1) if match else "(no toolchain file)",
        )


def configured_board(build_dir: Path) -> str | None:
    """The board a build directory was configured for (None: not configured yet)."""
    cache = build_dir / "CMakeCache.txt"
    match = re.search(r"^TT_BOARD:\w+=(.*)$", cache.read_text(), re.MULTILINE) if cache.is_file() else None
    return None if match is None else match.group(1)


def _check_same_board(build_dir: Path, board: Board) -> None:
    """One board per build directory: its linker script and flags are configured in."""
    configured = configured_board(build_dir)
    if configured not in (None, board.name):
        raise CrossBuildError(
            f"{build_dir} was configured for board {configured}; use a separate build directory per board", configured
        )


def _qemu_error_lines(stderr: str) -> list[str]:
    """QEMU's own complaints (not its warnings): `qemu-system-arm: <message>`."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith(("qemu-system-arm:", "qemu:")) and "warning:" not in line
    ]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
