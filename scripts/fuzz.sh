#!/usr/bin/env bash
# Fuzzes the whole per-file path (bytes → findings) with cargo fuzz.
#   scripts/fuzz.sh [SECONDS]     (default 1800)
# Seeds: the test fixtures and the sample inboxes. Crashes land in
# fuzz/artifacts/per_file/. Needs cargo-fuzz (`cargo install cargo-fuzz`);
# RUSTC_BOOTSTRAP lets the stable toolchain accept libFuzzer's -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
corpus=fuzz/corpus/per_file
mkdir -p "$corpus"
for f in tests/fixtures/*/* samples/*/inbox/*; do
  case "$f" in *.md|*.tsv|*/hostile/*) continue ;; esac
  cp -n "$f" "$corpus/$(sha256sum "$f" | cut -c1-16)" 2>/dev/null || true
done
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tonghop-fuzz-target}"
# No sanitizer: the code is safe Rust and C-free on this path; what we look
# for are panics, aborts, hangs and runaway memory. Debug assertions on.
cargo fuzz run --sanitizer none --debug-assertions per_file "$corpus" -- \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
  -fork=1 -ignore_ooms=1 -ignore_timeouts=1 -ignore_crashes=1
