"""`tt-opt`: the tiny-training optimizer driver.

A small `xDSLOptMain` over a curated registry: the tiny-training dialects and
passes plus the upstream dialects our IR uses (builtin, func, arith). Plain
`xdsl-opt` sees the same dialects and passes through the `xdsl.universe` entry
point (`tiny_training.universe`). Besides our passes, `tt-opt` offers xDSL's generic
`canonicalize` and `cse`.
"""

import io
import sys
from collections.abc import Sequence
from pathlib import Path

from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    PassFailedException,
    VerifyException,
)
from xdsl.xdsl_opt_main import xDSLOptMain

from tiny_training import __version__
from tiny_training.registry import get_passes, get_targets, load_all_dialects

UPSTREAM_PASSES = ("canonicalize", "cse")  # xDSL's generic passes, offered beside ours


class TinyTrainingOptMain(xDSLOptMain):
    version_format = f"tt-opt (tiny-training {__version__}) built on xdsl {{xdsl_version}}"

    def __init__(self, args: Sequence[str] | None = None):
        super().__init__(description="tiny-training modular optimizer driver", args=args)

    _deferred: io.StringIO | None = None
    _output_text: str = ""

    def prepare_output(self):
        """`-o FILE` is written only after every pass succeeded: nothing is written on failure."""
        if self.args.output_file is None:
            return sys.stdout
        main = self

        class DeferredOutput(io.StringIO):
            def close(self) -> None:
                main._output_text = self.getvalue()
                super().close()

        self._deferred = DeferredOutput()
        return self._deferred

    def run(self):
        super().run()
        if self._deferred is not None:
            Path(self.args.output_file).write_text(self._output_text)

    def register_all_dialects(self):
        load_all_dialects(self.ctx)

    def register_all_passes(self):
        from xdsl.transforms import get_all_passes

        upstream = get_all_passes()
        for name in UPSTREAM_PASSES:
            self.register_pass(name, upstream[name])
        for name, factory in get_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self):
        from xdsl.targets import get_all_targets

        self.available_targets["mlir"] = get_all_targets()["mlir"]
        for name, factory in get_targets().items():
            self.available_targets[name] = factory


def main(args: Sequence[str] | None = None) -> None:
    """Runs the driver; malformed or invalid IR is reported as a diagnostic on
    stderr with exit status 1, never as a Python traceback."""
    try:
        TinyTrainingOptMain(args).run()
    except (ParseError, DiagnosticException, VerifyException, PassFailedException, ArgSpecParseError) as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    except (OSError, ValueError, OverflowError) as error:
        # e.g. a missing file, or a literal that xDSL's parser cannot represent
        print(f"tt-opt: error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
