# The two commands of the README. Both do all set-up on a fresh Debian 12 machine.
.PHONY: demo test setup

setup:
	@bash tools/setup.sh

test: setup
	@bash tools/run_tests.sh

demo: setup
	@.venv/bin/python -m tiny_training.tools.demo
