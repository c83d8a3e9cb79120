#!/usr/bin/env bash
# Runs Dala's per-answer benchmark and ODK's engine on a comparable household form, one after the
# other in one run, so both see the same machine state. Prints the two tables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
members=(${MEMBERS:-14 100})
cargo build --release -q -p dala-cli
(cd bench/odk && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; })
for round in 1 2; do
  echo "== round $round: Dala (engine + SQLite write; full = fsync per answer) =="
  "$CARGO_TARGET_DIR/release/dala" bench --study schema/kmrs-2010 --members "${members[@]}"
  echo "== round $round: ODK @getodk/xforms-engine (engine only, no write) =="
  (cd bench/odk && node --expose-gc bench.mjs --members "${members[@]}")
done
