#!/usr/bin/env bash
# API fuzzing: schemathesis (https://schemathesis.readthedocs.io) against /api/openapi.json of the
# manager in --demo mode, with every check on (no 5xx, responses match their schema and content
# type, every status code documented, bad input rejected, valid input accepted). Bounded in time
# (SCHEMATHESIS_MAX_TIME seconds, default 120) and examples per operation (SCHEMATHESIS_EXAMPLES,
# default 30). Exits non-zero on any failure. Called by scripts/test.sh; installs schemathesis with
# pip (into a venv under ~/.cache/acko) when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
max_time="${SCHEMATHESIS_MAX_TIME:-120}"
examples="${SCHEMATHESIS_EXAMPLES:-30}"

st="$(command -v schemathesis || true)"
if [ -z "$st" ]; then
  venv="$HOME/.cache/acko/schemathesis-venv"
  if [ ! -x "$venv/bin/schemathesis" ]; then
    echo "Installing schemathesis (pip, into $venv)..."
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.0,<5'
  fi
  st="$venv/bin/schemathesis"
fi

# ACM_BIN runs an already built binary (e.g. a release build) instead of building the debug one.
bin="${ACM_BIN:-}"
if [ -z "$bin" ]; then
  echo "Building aerospike-cluster-manager..."
  cargo build --quiet --bin aerospike-cluster-manager
  bin="${CARGO_TARGET_DIR:-$root/target}/debug/aerospike-cluster-manager"
fi

# No synthetic traffic: the fuzzer's requests are the only load. The demo's simulated Kubernetes
# is off in this first pass (`--demo-k8s false`): its auto-connect profile would take id 2, and
# the Kubernetes routes answer "off" (404). The second pass below fuzzes them with it on.
# shellcheck source=lib/demo-server.sh
source "$root/scripts/lib/demo-server.sh"
start_demo_server "$bin" --demo-traffic 0 --demo-k8s false

# The scratch profile (id 2) that the profile-by-id operations edit and delete; it points at the
# demo node, like the demo profile (id 1) that the cluster operations use.
hosts="$(curl -fsS "$base/api/v1/profiles/1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["hosts"]))')"
scratch_id="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"name\":\"scratch\",\"hosts\":$hosts}" "$base/api/v1/profiles" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
if [ "$scratch_id" != 2 ]; then
  echo "expected the scratch profile to get id 2, got $scratch_id" >&2
  exit 1
fi

echo "== schemathesis: all checks, $examples examples per operation, at most ${max_time}s"
status=0
"$st" --config-file "$root/scripts/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" \
  --checks all \
  --max-examples "$examples" \
  --max-time "$max_time" \
  --request-timeout 15 \
  --workers 1 \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --no-color \
  --report junit --report-dir "${SCHEMATHESIS_REPORT_DIR:-$demo_workdir/report}" || status=$?

if ! kill -0 "$server" 2>/dev/null; then
  echo "FAILED: the manager died during the run:" >&2
  tail -n 50 "$log" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "--- server log (last 50 lines)" >&2
  tail -n 50 "$log" >&2
  exit "$status"
fi

# Second pass: the Kubernetes routes against the demo's simulated Kubernetes (kube-sim and the
# operator in-process), so they run their real handlers instead of answering "off".
k8s_max_time="${SCHEMATHESIS_K8S_MAX_TIME:-60}"
stop_demo_server
trap - EXIT
start_demo_server "$bin" --demo-traffic 0
echo "== schemathesis: Kubernetes routes, all checks, $examples examples per operation, at most ${k8s_max_time}s"
status=0
"$st" --config-file "$root/scripts/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" \
  --include-path-regex '^/api/v1/k8s/' \
  --checks all \
  --max-examples "$examples" \
  --max-time "$k8s_max_time" \
  --request-timeout 15 \
  --workers 1 \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --no-color \
  --report junit --report-dir "${SCHEMATHESIS_REPORT_DIR:-$demo_workdir/report}-k8s" || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "FAILED: the manager died during the Kubernetes run:" >&2
  tail -n 50 "$log" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "--- server log (last 50 lines)" >&2
  tail -n 50 "$log" >&2
  exit "$status"
fi
