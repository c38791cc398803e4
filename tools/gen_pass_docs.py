"""Writes docs/passes.md, the pass reference, from the docstrings of the registered passes.

    .venv/bin/python -m tiny_training.tools.gen_pass_docs [--check]

With --check it exits 1 when docs/passes.md is out of date (a test runs it).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys
from pathlib import Path

from tiny_training.registry import get_passes

TARGET = Path(__file__).resolve().parents[1] / "docs" / "passes.md"


def render() -> str:
    lines = [
        "# Pass reference",
        "",
        "Generated from the pass docstrings by `python -m tiny_training.tools.gen_pass_docs`;",
        "do not edit by hand. Options are written `name=value` in kebab case:",
        "`tt-opt FILE -p 'qtrain-training{scheme=\"mcunet-5fps-49kb\"},qtrain-memory'`.",
        "",
    ]
    for name, load in get_passes().items():
        pass_class = load()
        options = [f for f in dataclasses.fields(pass_class) if f.name != "name"]
        lines.append(f"## `{name}`")
        lines.append("")
        if options:
            rendered = ", ".join(
                f"`{f.name.replace('_', '-')}` = `{f.default!r}`" if f.default is not dataclasses.MISSING else f"`{f.name}`"
                for f in options
            )
            lines.append(f"Options: {rendered}")
            lines.append("")
        doc = inspect.getdoc(sys.modules[pass_class.__module__]) or inspect.getdoc(pass_class) or ""
        lines.append(doc)
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            raise SystemExit(f"{TARGET} is out of date: run python -m tiny_training.tools.gen_pass_docs")
        return
    TARGET.write_text(text)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
