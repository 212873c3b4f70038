#!/usr/bin/env bash
# Nightly-style fuzzing (not part of scripts/test.sh): builds every cargo-fuzz target of fuzz/
# with libFuzzer instrumentation on the nightly toolchain, seeds each corpus from the real CE 8.1
# fixtures, examples/ and the crates' test inputs (fuzz/seed_corpora.py), then runs each target
# for FUZZ_SECONDS (default 60). Crashes land in fuzz/artifacts/<target>/ and fail the script.
#   scripts/fuzz.sh                    # every target
#   FUZZ_SECONDS=300 scripts/fuzz.sh conf_parse acm_values
#   FUZZ_NO_BUILD=1 scripts/fuzz.sh    # rerun without rebuilding
# The stable, bounded equivalents are the proptests each crate runs in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
seconds="${FUZZ_SECONDS:-60}"
all=(aql_parse asinfo_codec asinfo_reply conf_parse acko_validate acm_values acm_cursor)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "scripts/fuzz.sh needs the nightly toolchain: rustup toolchain install nightly" >&2
  exit 2
fi
# Own target dir: the instrumented nightly build shares nothing with the normal one.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/acko/fuzz-target}"
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
# What `cargo fuzz build` passes (so cargo-fuzz is not required).
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
if [ "${FUZZ_NO_BUILD:-}" = "1" ]; then
  echo "== FUZZ_NO_BUILD=1: running the targets as last built"
else
  echo "== building ${targets[*]} (nightly, libFuzzer instrumentation)"
  cargo +nightly build --release --target "$triple" "${bins[@]}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/fuzz/seed_corpora.py" "$work/seeds"

failed=()
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"
  mkdir -p "$corpus" "$root/fuzz/artifacts/$t"
  # Committed regression inputs (fuzz/corpus/<target>/) are read as seeds too.
  seeds=("$work/seeds/$t")
  [ -d "$root/fuzz/corpus/$t" ] && seeds+=("$root/fuzz/corpus/$t")
  echo "== $t: ${seconds}s"
  if "$CARGO_TARGET_DIR/$triple/release/$t" "$corpus" "${seeds[@]}" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$root/fuzz/artifacts/$t/" \
      >"$work/$t.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$work/$t.log" | tr '\n' ' '
    echo "(corpus $(ls "$corpus" | wc -l) inputs)"
  else
    echo "FAILED: $t found a crash (input in fuzz/artifacts/$t/):"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$work/$t.log" | head -n 20
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz targets with crashes: ${failed[*]}" >&2
  exit 1
fi
echo "no crashes in ${targets[*]} (${seconds}s each)"
