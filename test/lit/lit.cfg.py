"""lit configuration for tiny-training's FileCheck tests.

Substitutions:
  %filecheck   strict FileCheck: `filecheck --enable-var-scope --reject-empty-vars`
  %tt-opt      the tt-opt driver
  %roundtrip   run with `%tt-opt %s | %tt-opt` (pretty form parses back)
               and `%tt-opt %s --print-op-generic | %tt-opt` (generic form parses back)
"""

import os
import sys

import lit.formats

config.name = "tiny-training"  # noqa: F821 (lit injects `config`)
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["lit.cfg.py", "Inputs"]

# The tools live next to the Python that runs lit (the project's .venv).
bin_dir = os.path.dirname(sys.executable)
config.environment["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
for variable in ("HOME", "TT_SHARED_DIR"):
    if variable in os.environ:
        config.environment[variable] = os.environ[variable]

config.substitutions.append(("%filecheck", "filecheck --enable-var-scope --reject-empty-vars"))
config.substitutions.append(("%tt-opt", "tt-opt"))
