#!/usr/bin/env bash
# The whole test suite: lit/FileCheck tests, then pytest. Non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== lit (test/lit)"
.venv/bin/lit --succinct test/lit || status=1
echo "== pytest (test/python)"
.venv/bin/python -m pytest -q test/python || status=1
exit $status
