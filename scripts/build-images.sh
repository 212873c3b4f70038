#!/usr/bin/env bash
# Builds the three images of deploy/images/ tagged ghcr.io/acko/<name>:<workspace version>
# (the names deploy/ and acko-render's default init image use). Needs a working docker;
# without one it says so and exits 2. Usage: scripts/build-images.sh [REGISTRY]
set -euo pipefail
cd "$(dirname "$0")/.."
registry="${1:-ghcr.io/acko}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "build-images: docker is not available here; nothing built" >&2
  exit 2
fi
for name in acko-operator acko-init aerospike-cluster-manager; do
  docker build -f "deploy/images/$name.Dockerfile" -t "$registry/$name:$version" .
done
