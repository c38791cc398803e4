"""What every tt-* command-line tool shares: reading IR and turning user errors
into one clear line on stderr (exit status 1) instead of a Python traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser
from xdsl.utils.exceptions import DiagnosticException, InterpretationError, ParseError

from tiny_training import __version__
from tiny_training.registry import load_all_dialects


class ToolError(Exception):
    """A user-facing error: printed as `tool: message`, exit status 1."""


def xdsl_version() -> str:
    try:
        return version("xdsl")
    except PackageNotFoundError:  # xDSL imported from a source tree
        return "unknown"


def version_text(tool: str) -> str:
    """What `TOOL --version` prints: the tool, tiny-training's and xDSL's versions."""
    return f"{tool} (tiny-training {__version__}) built on xdsl {xdsl_version()}"


def make_context() -> Context:
    ctx = Context()
    load_all_dialects(ctx)
    return ctx


def parse_module_file(path: str | Path) -> ModuleOp:
    path = Path(path)
    try:
        text = path.read_text() if str(path) != "-" else sys.stdin.read()
    except OSError as error:
        raise ToolError(f"cannot read {path}: {error.strerror}") from None
    module = Parser(make_context(), text, str(path)).parse_module()
    module.verify()
    return module


def run_tool(name: str, body: Callable[[], int | None]) -> None:
    try:
        status = body()
    except (ToolError, ValueError, InterpretationError, OSError) as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        sys.exit(1)
    except (ParseError, DiagnosticException) as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    sys.exit(status or 0)
