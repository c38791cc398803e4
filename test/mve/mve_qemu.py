"""Build and run the Helium (MVE) kernel tests on QEMU's mps3-an547 (Cortex-M55).

Self-contained (no CMake): one arm-none-eabi-gcc call links the driver
(mve_driver.c), the Helium kernels (runtime/mve/), the portable kernels
(runtime/src/) and a minimal board (an547.ld, startup_m55.c, the Cortex-M7
board's semihosting.c) into one ELF. Two variants:

  "mve":      -mcpu=cortex-m55 (MVE integer + float, __ARM_FEATURE_MVE == 3)
  "portable": -mcpu=cortex-m55+nomve (the same core without Helium; the MVE
              entry points decline / fall back): the scalar baseline

QEMU runs the ELF with semihosting (the command line is passed with
`-semihosting-config arg=...`); the instruction-count plugin of the Cortex-M7
backend (backends/armv7em/qemu/insn_count.c, built by qemu.build_plugin())
counts guest instructions (not cycles).

    python -m tiny_training.test.mve.mve_qemu bench   # prints the count table
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOARD = ROOT / "backends" / "armv7em" / "board"
RUNTIME = ROOT / "runtime"
BUILD = ROOT / "build" / "mve-test"

CC = "arm-none-eabi-gcc"
QEMU = "qemu-system-arm"
MACHINE = "mps3-an547"

CPU_FLAGS = {
    "mve": ["-mcpu=cortex-m55", "-mfloat-abi=hard", "-mthumb"],
    "portable": ["-mcpu=cortex-m55+nomve", "-mfloat-abi=hard", "-mthumb"],
}
COMMON_FLAGS = ["-O2", "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Wextra", "-std=c11", "-g"]
PORTABLE_SOURCES = ["tt_kernels_forward.c", "tt_kernels_update.c", "tt_quant.c"]

_INSNS = re.compile(r"^tt-insns: (\d+)$", re.MULTILINE)


def missing_tools() -> list[str]:
    return [tool for tool in (CC, QEMU) if shutil.which(tool) is None]


def _compile_with_clang(source: Path, build_dir: Path) -> Path:
    """The Helium kernels compiled by clang (newlib's headers from the gcc installation)."""
    sysroot = subprocess.run([CC, "-print-sysroot"], capture_output=True, text=True, check=True).stdout.strip()
    include = Path(sysroot or "/usr/lib/arm-none-eabi") / "include"
    if not include.is_dir():
        include = Path("/usr/lib/arm-none-eabi/include")
    obj = build_dir / (source.stem + "_clang.o")
    command = [
        "clang", "--target=arm-none-eabi", *CPU_FLAGS["mve"], *COMMON_FLAGS, "-Werror",
        f"-I{RUNTIME / 'include'}", f"-isystem{include}", "-c", str(source), "-o", str(obj),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"clang build failed:\n{' '.join(command)}\n{done.stdout}{done.stderr}")
    return obj


def build(variant: str = "mve", build_dir: Path = BUILD) -> Path:
    """Compile and link the test ELF for `variant` ("mve", "portable", or
    "mve-clang": the Helium kernels compiled by clang, the rest by gcc); returns its path."""
    build_dir.mkdir(parents=True, exist_ok=True)
    elf = build_dir / f"mve_test_{variant}.elf"
    kernels: Path = RUNTIME / "mve" / "tt_kernels_mve.c"
    if variant == "mve-clang":
        kernels = _compile_with_clang(kernels, build_dir)
    sources = [
        HERE / "mve_driver.c",
        HERE / "startup_m55.c",
        BOARD / "semihosting.c",
        kernels,
        *(RUNTIME / "src" / name for name in PORTABLE_SOURCES),
    ]
    command = [
        CC,
        *CPU_FLAGS["mve" if variant == "mve-clang" else variant],
        *COMMON_FLAGS,
        f"-I{RUNTIME / 'include'}",
        f"-I{RUNTIME / 'mve'}",
        f"-I{BOARD}",
        "-nostartfiles",
        f"-T{HERE / 'an547.ld'}",
        "-Wl,--gc-sections",
        "-ffunction-sections",
        *map(str, sources),
        "-lm",
        "-o",
        str(elf),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"build failed:\n{' '.join(command)}\n{done.stdout}{done.stderr}")
    return elf


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    instructions: int | None


def run(elf: Path, args: list[str], *, plugin: Path | None = None, timeout: float = 120.0) -> Run:
    """Run `elf` on mps3-an547 with semihosting command line `args`."""
    with tempfile.TemporaryDirectory(prefix="tt-mve-") as scratch:
        out = Path(scratch) / "guest.txt"
        log = Path(scratch) / "qemu.log"
        config = "enable=on,target=native,chardev=guest" + "".join(f",arg={a}" for a in args)
        command = [
            QEMU, "-M", MACHINE, "-nographic", "-monitor", "none", "-serial", "none",
            "-chardev", f"file,id=guest,path={out}",
            "-semihosting-config", config,
            "-kernel", str(elf),
        ]  # fmt: skip
        if plugin is not None:
            command += ["-plugin", f"{plugin},mode=insn", "-d", "plugin", "-D", str(log)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        text = out.read_text(errors="replace") if out.exists() else ""
        if done.stderr.strip() and "qemu-system-arm:" in done.stderr:
            raise RuntimeError(f"QEMU failed: {done.stderr}")
        count = None
        if plugin is not None:
            found = _INSNS.findall(log.read_text(errors="replace") if log.exists() else "")
            count = int(found[-1]) if found else None
    return Run(done.returncode, text, count)


def plugin_path() -> Path:
    sys.path.insert(0, str(ROOT.parent))
    from tiny_training.backends.armv7em import qemu

    return qemu.build_plugin()


def bench_count(elf: Path, which: int, impl: str, plugin: Path) -> tuple[str, int]:
    """Instructions of one call: the run with 2 calls minus the run with 1."""
    one = run(elf, ["bench", str(which), impl, "1"], plugin=plugin)
    two = run(elf, ["bench", str(which), impl, "2"], plugin=plugin)
    if one.exit_code != 0 or two.exit_code != 0:
        raise RuntimeError(f"bench {which} {impl}: {one.stdout}{two.stdout}")
    return one.stdout.strip(), two.instructions - one.instructions


def bench_table() -> list[tuple[str, int, int, int]]:
    """(name, portable on M55 without MVE, portable built with MVE enabled, MVE kernel) per bench."""
    plugin = plugin_path()
    mve_elf = build("mve")
    scalar_elf = build("portable")
    total = int(run(mve_elf, ["count"]).stdout.split()[1])
    rows = []
    for which in range(total):
        name, mve = bench_count(mve_elf, which, "mve", plugin)
        _, scalar = bench_count(scalar_elf, which, "portable", plugin)
        _, autovec = bench_count(mve_elf, which, "portable", plugin)
        rows.append((name, scalar, autovec, mve))
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["bench"]:
        print("guest instructions per call (QEMU counts instructions, not cycles)")
        print(f"{'kernel':26} {'portable nomve':>15} {'portable +mve':>14} {'MVE kernel':>11} {'ratio':>6}")
        for name, scalar, autovec, mve in bench_table():
            print(f"{name:26} {scalar:15d} {autovec:14d} {mve:11d} {scalar / mve:6.2f}")
    else:
        result = run(build("mve"), ["check"])
        print(result.stdout, end="")
        sys.exit(result.exit_code)
