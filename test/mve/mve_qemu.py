"""Build and run the Helium (MVE) kernel test program (mve_driver.c) on the Cortex-M55
board (corstone-300, QEMU mps3-an547), linked with the real runtime.

Two builds with qemu.cross_build: "mve" (the runtime as `tt-compile --target cortex-m55`
builds it: the Helium kernels dispatched from tt_conv2d_s8 and the SGD entry points) and
"scalar" (TT_NO_MVE: the portable kernels alone, the same core and flags otherwise). The
driver prints a digest per case; both builds must print the same lines.

    .venv/bin/python test/mve/mve_qemu.py          # the check run of both builds, compared
    .venv/bin/python test/mve/mve_qemu.py bench    # instructions per call, both builds

QEMU counts instructions, not cycles.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tiny_training.backends.cortex_m import qemu  # noqa: E402

BOARD = "corstone-300"
PROGRAM = "mve_driver"
VARIANTS = {"mve": True, "scalar": False}  # name -> helium


def missing_tools() -> list[str]:
    return qemu.missing_programs("gcc")


def build(variant: str, build_dir: Path, *, jobs: int = 2) -> Path:
    """The driver's ELF for `variant` ("mve" or "scalar"), built in build_dir."""
    qemu.cross_build(
        build_dir, board=BOARD, programs={PROGRAM: [HERE / "mve_driver.c"]}, targets=[PROGRAM],
        helium=VARIANTS[variant], jobs=jobs,
    )  # fmt: skip
    return build_dir / f"{PROGRAM}.elf"


def run(elf: Path, args: list[str], *, count_instructions: bool = False, timeout: float = 120.0) -> qemu.QemuResult:
    """Run the driver with the command `args` (written to mve_args.txt in QEMU's directory)."""
    with tempfile.TemporaryDirectory(prefix="tt-mve-") as scratch:
        (Path(scratch) / "mve_args.txt").write_text(" ".join(args))
        return qemu.run_elf(elf, count_instructions=count_instructions, timeout=timeout, cwd=scratch)


def case_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("case ")]


def bench_count(elf: Path, which: int) -> tuple[str, int]:
    """(name, instructions of one call): the run with 2 calls minus the run with 1."""
    one = run(elf, ["bench", str(which), "1"], count_instructions=True)
    two = run(elf, ["bench", str(which), "2"], count_instructions=True)
    if one.exit_code != 0 or two.exit_code != 0:
        raise RuntimeError(f"bench {which}: {one.stdout}{two.stdout}")
    return one.stdout.strip(), two.instructions - one.instructions


def bench_table(builds: dict[str, Path]) -> list[tuple[str, int, int]]:
    """(name, scalar instructions, Helium instructions) per bench case."""
    total = int(run(builds["mve"], ["count"]).stdout.split()[1])
    rows = []
    for which in range(total):
        name, mve = bench_count(builds["mve"], which)
        _, scalar = bench_count(builds["scalar"], which)
        rows.append((name, scalar, mve))
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tt-mve-build-") as directory:
        builds = {variant: build(variant, Path(directory) / variant) for variant in VARIANTS}
        if sys.argv[1:] == ["bench"]:
            print("guest instructions per call (QEMU counts instructions, not cycles)")
            print(f"{'kernel':26} {'scalar M55':>11} {'Helium':>9} {'ratio':>6}")
            for name, scalar, mve in bench_table(builds):
                print(f"{name:26} {scalar:11d} {mve:9d} {scalar / mve:6.2f}")
            return 0
        results = {variant: run(elf, ["check"]) for variant, elf in builds.items()}
        print(results["mve"].stdout, end="")
        same = case_lines(results["mve"].stdout) == case_lines(results["scalar"].stdout)
        print("both builds print the same digests" if same else "the builds DIFFER")
        return 0 if same and all(r.exit_code == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
