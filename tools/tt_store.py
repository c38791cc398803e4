"""tt-store: check and unpack the device's A/B parameter store (tt_store.bin).

    tt-store verify tt_store.bin                      # both slots, the newest valid record
    tt-store extract tt_store.bin -o params.npz       # its parameters (.npz, or .bin: TTPW)
    tt-store restore params.npz -o tt_store.bin      # a store the device resumes from

The format and the save protocol: runtime/include/tt_persist.h (docs/architecture.md,
"Weight persistence (A/B slots)"). A store without a valid record is an error (exit 1).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tiny_training.tools.common import ToolError, run_tool, version_text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tt-store", description="Verify, extract or restore the device's A/B store.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check both slots and name the newest valid record")
    verify.add_argument("store", help="the store file (tt_store.bin)")
    verify.add_argument("--slot-bytes", type=int, help="the slot size (default: half the file)")
    extract = commands.add_parser("extract", help="write the newest valid record's parameters")
    extract.add_argument("store", help="the store file (tt_store.bin)")
    extract.add_argument("-o", "--output", required=True, help="parameters to write: .npz, or .bin (TTPW)")
    extract.add_argument("--slot-bytes", type=int, help="the slot size (default: half the file)")
    restore = commands.add_parser("restore", help="write a fresh store holding parameters (slot A)")
    restore.add_argument("params", help="every trainable parameter: .npz, or tt_params_*.bin (TTPW)")
    restore.add_argument("-o", "--output", required=True, help="the store file to write")
    restore.add_argument("--sequence", type=int, default=1, help="its sequence number (default 1)")
    parser.add_argument("--version", action="version", version=version_text("tt-store"))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)

    def body() -> None:
        from tiny_training.backends.cortex_m import harness

        try:
            if args.command == "restore":
                path = Path(args.params)
                if path.suffix == ".npz":
                    with np.load(path) as arrays:
                        params = {name: arrays[name] for name in arrays.files}
                else:
                    params = harness.read_params(path)
                state = harness.write_store(args.output, params, sequence=args.sequence)
                print(f"tt-store: {args.output}: {state.describe()}")
                return
            state = harness.verify_store(args.store, args.slot_bytes)
            if args.command == "verify":
                print(f"{args.store}: {state.describe()}")
                print(f"newest: slot {state.newest} seq {state.sequence}, {len(state.params)} parameters")
            else:
                if args.output.endswith(".npz"):
                    np.savez(args.output, **state.params)
                else:
                    harness.write_params(args.output, state.params)
                what = f"slot {state.newest} seq {state.sequence}, {len(state.params)} parameters"
                print(f"tt-store: {args.output}: {what}")
        except harness.HarnessError as error:
            raise ToolError(str(error)) from None

    run_tool("tt-store", body)


if __name__ == "__main__":
    main()
