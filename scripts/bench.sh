#!/usr/bin/env bash
# The performance benchmark (docs/performance.md): tonghop build against the
# calamine read floor and the two Python peers in ../shared/bench, on 1,000 and
# 10,000 generated commune files and one file with a 200,000-row list.
#
#   scripts/bench.sh [--runs N] [--peer-runs N] [--small N] [--large N]
#                    [--list-rows N] [--no-docs] [--work DIR]
#
# Builds the release binaries, installs the peers' Python packages in a venv
# when missing, prints the table and writes it into docs/performance.md.
# Generated inputs are kept in ~/.cache/tonghop-bench (--work) between runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tonghop-target}"
cargo build --release --locked --bin tonghop --example read_floor >&2
python="$("$root/scripts/python-env.sh")"
exec python3 "$root/scripts/bench.py" \
  --tonghop "$CARGO_TARGET_DIR/release/tonghop" \
  --floor "$CARGO_TARGET_DIR/release/examples/read_floor" \
  --python "$python" "$@"
