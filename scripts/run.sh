#!/usr/bin/env bash
# Sets up and runs the main job: the Aerospike Cluster Manager (REST API + web UI) in demo mode,
# with an in-process fake Aerospike CE node loaded with sample data (a demo tool, not a database),
# and Kubernetes management against an in-process simulator (kube-sim, 3 zones) where the acko
# operator reconciles the example AerospikeCluster `aerospike/example` (pods run fake nodes).
# Open the printed URL in a browser. Ctrl-C stops it.
#
# Extra arguments are passed to the manager, e.g. `scripts/run.sh --listen 127.0.0.1:9090`.
# To manage a real cluster instead: cargo run --bin aerospike-cluster-manager -- --aerospike-host HOST
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }

web/scripts/build.sh
mkdir -p data
echo "== building and starting aerospike-cluster-manager --demo (default http://127.0.0.1:8080)"
exec cargo run --quiet --bin aerospike-cluster-manager -- --demo "$@"
