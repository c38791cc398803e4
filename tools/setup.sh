#!/usr/bin/env bash
# Idempotent set-up on Debian 12 / Python 3.11: the Debian packages the project
# needs, the .venv, and the Python packages at the versions of constraints.txt. Fast (well under 10 s) when
# everything is already there. Called by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    cmake make gcc
    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm clang lld
    dataset-fashion-mnist opencv-doc
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    python3 -m venv .venv
fi

# Reinstall only when the package metadata (ranges, scripts, entry points) or the exact
# versions of constraints.txt changed.
stamp=.venv/.tiny-training-installed
wanted=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "setup: installing pinned Python packages into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]' 2>&1 | grep -v "is ignored: it is neither" || true
    .venv/bin/python -c "import tiny_training.dialects.qtrain" # fail early if the install is broken
    echo "$wanted" > "$stamp"
fi
