#!/usr/bin/env bash
# Create the release tool venv (.venv-tools) holding cyclonedx-bom, apart from the runtime venv:
# importing cyclonedx next to jsonschema/kubernetes slows their imports (testing-infra.md §5).
# Usage: images/tools-venv.sh [DIR]   (prints the path of cyclonedx-py)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.venv-tools}"
if [ ! -x "$dir/bin/cyclonedx-py" ]; then
  "${PYTHON_FOR_TOOLS:-python3}" -m venv "$dir"
  "$dir/bin/python" -m pip install -qq --disable-pip-version-check 'cyclonedx-bom>=4,<8' >&2
fi
echo "$dir/bin/cyclonedx-py"
