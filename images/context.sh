#!/usr/bin/env bash
# Prepare the image build context build/image-context from the checkout's wheel.
# Usage: PYTHON=.venv/bin/python images/context.sh
# Builds dist/aicr-<version>-py3-none-any.whl (stamped with the commit, timestamps pinned to the
# commit date so two builds of one commit give the same bytes), then fills
#   build/image-context/aicr/  the wheel alone
#   build/image-context/deps/  binary wheels of every dependency (with the [server] extra) and pip
# The Dockerfiles install from these with --no-index: no source tree and no network in the build.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-python3}"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
date="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
printf 'COMMIT = "%s"\nDATE = "%s"\n' "$commit" "$date" > src/aicr/_buildinfo.py
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 315532800)"
export SOURCE_DATE_EPOCH
version="$("$py" -c 'import sys; sys.path.insert(0, "src"); from aicr.version import VERSION; print(VERSION)')"
wheel="dist/aicr-${version}-py3-none-any.whl"
ctx=build/image-context
rm -rf build/lib build/bdist.* "$ctx/aicr" "$wheel"
mkdir -p dist "$ctx/aicr" "$ctx/deps"
"$py" -m pip wheel -qq --no-deps --disable-pip-version-check -w dist . >&2
rm -rf build/lib build/bdist.*
cp "$wheel" "$ctx/aicr/"
# Dependencies change only with pyproject.toml: keep the downloaded set unless it is older.
stamp="$ctx/deps/.complete"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  rm -rf "$ctx/deps" && mkdir -p "$ctx/deps"
  "$py" -m pip download -qq --disable-pip-version-check --only-binary=:all: \
    --python-version 3.11 --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_5_x86_64 \
    --platform manylinux1_x86_64 --platform linux_x86_64 \
    -d "$ctx/deps" "aicr[server] @ file://$PWD/$wheel" pip >&2
  rm -f "$ctx/deps/aicr-"*.whl
  touch "$stamp"
fi
echo "$wheel"
