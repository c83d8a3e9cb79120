#!/usr/bin/env bash
# Runs Dala's cargo-fuzz targets (issue 10, point 4; docs/robustness.md).
#
#   scripts/fuzz.sh [seconds per target] [target...]
#
# Default: 1200 s (20 CPU-minutes) for each of expression, study, script, street_list, package. Needs the
# nightly toolchain and cargo-fuzz (installed here if missing). New corpus entries go to a scratch copy
# (fuzz/corpus stays the committed seeds); a crash is copied to fuzz/regressions/<target>/ and the script
# exits 1. Prints, per target, the executions, the corpus size and the seconds, and appends them to
# $FUZZ_LOG (default $CARGO_TARGET_DIR/fuzz-runs.log).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
seconds="${1:-1200}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expression study script street_list package)

if ! rustup toolchain list | grep -q '^nightly'; then
  if ! rustup toolchain install nightly --profile minimal; then
    echo "fuzz.sh: no nightly toolchain and none could be installed; cargo-fuzz needs one" >&2
    exit 3
  fi
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# The fuzz build has its own flags (sanitizer, coverage): its own folder beside the shared target.
fuzz_target="$CARGO_TARGET_DIR/fuzz"
log="${FUZZ_LOG:-$CARGO_TARGET_DIR/fuzz-runs.log}"
# cargo-fuzz passes the sanitizer and coverage flags in RUSTFLAGS, which the build environment's
# CARGO_ENCODED_RUSTFLAGS (path remapping) would override, leaving the targets uninstrumented.
unset CARGO_ENCODED_RUSTFLAGS
for t in "${targets[@]}"; do
  cargo +nightly fuzz build --fuzz-dir fuzz --target-dir "$fuzz_target" -O "$t" 2>&1 | tail -1
done
status=0
for t in "${targets[@]}"; do
  work="$(mktemp -d)"
  cp -r "fuzz/corpus/$t" "$work/corpus"
  mkdir -p "$work/artifacts"
  start=$(date +%s)
  set +e
  cargo +nightly fuzz run --fuzz-dir fuzz --target-dir "$fuzz_target" -O "$t" "$work/corpus" -- \
    -max_total_time="$seconds" -artifact_prefix="$work/artifacts/" -print_final_stats=1 -rss_limit_mb=2048 >"$work/out" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/out" | grep -o '[0-9]*$' || echo '?')
  size=$(find "$work/corpus" -type f | wc -l)
  line="$(date -u +%FT%TZ) $t: ${took} s, ${execs} executions, corpus ${size} files (seeds $(find "fuzz/corpus/$t" -type f | wc -l)), exit ${rc}"
  echo "$line" | tee -a "$log"
  if [ "$rc" -ne 0 ]; then
    status=1
    mkdir -p "fuzz/regressions/$t"
    cp "$work"/artifacts/* "fuzz/regressions/$t/" 2>/dev/null || true
    tail -40 "$work/out" >&2
    echo "fuzz target $t failed: the input is in fuzz/regressions/$t/ (commit it with the fix)" >&2
  fi
  rm -rf "$work"
done
exit $status
