#!/usr/bin/env bash
# Builds the web UI into web/dist (embedded into the aerospike-cluster-manager binary).
# Installs the exact locked dependencies first when node_modules is missing or older than
# package-lock.json. Needs Node.js >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: install Node.js 20.19+ (with npm) to build the web UI." >&2
  exit 1
fi

# npm keeps a copy of the lock it installed in node_modules/.package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (web)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== npm run build (web)"
npm run --silent build
