#!/usr/bin/env bash
# Sets up and runs the main job. Today: build the `acko` CLI, validate the full networking example
# and render every Kubernetes object the operator would create for it.
set -euo pipefail
cd "$(dirname "$0")/.."
example="${1:-examples/networking-full.yaml}"
cargo build --quiet --bin acko
echo "== acko validate -f $example"
target/debug/acko validate -f "$example"
echo "== acko render -f $example"
target/debug/acko render -f "$example"
