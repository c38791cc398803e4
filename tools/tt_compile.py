"""`tt-compile`: reserved name; the command grows with the compile issue.

Until then it says so and exits with status 2, so scripts and tests can rely on
the name without getting a silent success.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

DESCRIPTIONS = {
    "import": "Import a PyTorch model or a pretrained int8 model into qtrain IR.",
    "compile": "Compile a model or qtrain IR into a C project / Cortex-M7 ELF.",
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tt-compile", description=DESCRIPTIONS["compile"])
    parser.add_argument("model", nargs="?", help="model name, .pkl, file.py:Class or .mlir")
    parser.parse_args(argv)
    print("tt-compile: not implemented yet in this version of tiny-training", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
