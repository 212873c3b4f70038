#!/usr/bin/env bash
# Builds the release binaries for x86_64-unknown-linux-musl (what deploy/images/*.Dockerfile
# ship) and checks that each is statically linked, with `file` and `ldd`. Exits 1 when one is
# not, 2 when the musl target or musl-gcc is missing (it says how to install them).
# Usage: scripts/check-static.sh [--profile release|dev] [BINARY...]
#   default binaries: acko-operator acko-init aerospike-cluster-manager acko
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
if [ "${1:-}" = "--profile" ]; then profile="$2"; shift 2; fi
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=(acko-operator acko-init aerospike-cluster-manager acko)
target=x86_64-unknown-linux-musl
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  echo "check-static: the Rust target $target is not installed: rustup target add $target" >&2
  exit 2
fi
if ! command -v musl-gcc >/dev/null; then
  echo "check-static: musl-gcc is missing (C code of ring/SQLite needs it): apt-get install musl-tools" >&2
  exit 2
fi
package_of() {
  case "$1" in
    acko-operator) echo acko-operator ;;
    acko-init) echo acko-init ;;
    aerospike-cluster-manager) echo acm ;;
    acko) echo acko-cli ;;
    *) echo "check-static: unknown binary $1" >&2; exit 2 ;;
  esac
}
args=()
for b in "${bins[@]}"; do args+=(-p "$(package_of "$b")" --bin "$b"); done
export CC_x86_64_unknown_linux_musl=musl-gcc
cargo build --locked --profile "$profile" --target "$target" "${args[@]}"
dir="${CARGO_TARGET_DIR:-target}/$target/$([ "$profile" = dev ] && echo debug || echo "$profile")"
status=0
for b in "${bins[@]}"; do
  f="$dir/$b"
  desc="$(file -b "$f")"
  ldd_out="$(ldd "$f" 2>&1 || true)"
  if [[ "$desc" == *"statically linked"* || "$desc" == *"static-pie linked"* ]] && [[ "$ldd_out" == *"not a dynamic executable"* || "$ldd_out" == *"statically linked"* ]]; then
    echo "static: $b ($(du -h "$f" | cut -f1)) — file: ${desc/, BuildID*/}; ldd: $(echo "$ldd_out" | xargs)"
  else
    echo "NOT static: $b — file: $desc; ldd: $ldd_out" >&2
    status=1
  fi
done
exit $status
