#!/usr/bin/env bash
# Sets up and runs every test of the project: formatting, lints, Rust tests (and, once present, the
# web UI tests). Safe to run on a fresh clone; installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [ "${CI:-}" = "true" ]; then
  # CI runs in a fresh clone: keep build artefacts outside it so later runs are incremental.
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/acko/target}"
  export CARGO_INCREMENTAL=0
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

if [ -x web/scripts/test.sh ]; then
  echo "== web (unit tests, then browser end-to-end tests against the real binary)"
  web/scripts/test.sh
fi

echo "== API fuzzing of the manager (schemathesis, bounded)"
scripts/schemathesis.sh

echo "== rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  # nextest does not run doc tests; run them first so the nextest summary closes the output.
  cargo test --workspace --doc --quiet
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
