#!/usr/bin/env bash
# Prints the path of a Python that has the benchmark's packages
# (scripts/bench-requirements.txt), creating the virtualenv when missing.
# Used by scripts/bench.sh and .ci/run; the venv lives outside the clone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${TONGHOP_BENCH_VENV:-$HOME/.cache/tonghop-bench-venv}"
req="$root/scripts/bench-requirements.txt"
if ! "$venv/bin/python" -c "import openpyxl, pandas, polars, fastexcel, xlsxwriter" 2>/dev/null \
   || ! cmp -s "$req" "$venv/requirements.txt"; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  cp "$req" "$venv/requirements.txt"
fi
echo "$venv/bin/python"
