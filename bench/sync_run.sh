#!/usr/bin/env bash
# Sync import benchmark (BENCHMARKS.md, "Sync import (issue 8)"): a simulated fieldwork's device
# packages merged into one supervisor database by `dala sync import`, the same packages imported again,
# and the peer (SQLite's own ATTACH + INSERT ... SELECT of the device databases, bench/sync_peer.py),
# alternated in one run.
#
# usage: bench/sync_run.sh [scale] [devices] [rounds]     (default 50 200 2)
#   B=work folder (default /work/bench-sync); DALA="build1 [build2 ...]": dala binaries to compare, each
#   run in turn in every round (default: $CARGO_TARGET_DIR/release/dala, else target/release/dala).
# Build first: cargo build --release -p dala-cli
set -euo pipefail
SCALE=${1:-50}; DEVICES=${2:-200}; ROUNDS=${3:-2}
B=${B:-/work/bench-sync}
read -r -a BINS <<< "${DALA:-${CARGO_TARGET_DIR:-target}/release/dala}"
HERE=$(cd "$(dirname "$0")" && pwd)
STUDY=${STUDY:-$HERE/../schema/kmrs-2010}
mkdir -p "$B"
t() { /usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KB' -o "$1" "${@:2}"; }

if [ ! -f "$B/pk/device-01.dala" ]; then
  [ -f "$B/keys/sup.pub" ] || "${BINS[0]}" keys init --role supervisor --name sup --out "$B/keys"
  t "$B/simulate.time" "${BINS[0]}" --unencrypted simulate --study "$STUDY" --seed 2010 --devices "$DEVICES" --scale "$SCALE" \
      --out "$B/dev" --packages "$B/pk" --to "$B/keys/sup.pub" --json > "$B/simulate.json"
  echo "simulate: $(cat "$B/simulate.time")"
fi
echo "device databases: $(du -cb "$B"/dev/device-*.sqlite | tail -1 | cut -f1) bytes; packages: $(du -cb "$B"/pk/*.dala | tail -1 | cut -f1) bytes"
PACKAGES=("$B"/pk/device-*.dala)
DBS=("$B"/dev/device-*.sqlite)

for r in $(seq 1 "$ROUNDS"); do
  echo "round $r"
  for i in "${!BINS[@]}"; do
    bin=${BINS[$i]}; db="$B/sup-$i.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    t "$B/import-$i-$r.time" "$bin" --unencrypted sync import --db "$db" --key "$B/keys/sup.key" --trust "$B/pk/keys" \
        "${PACKAGES[@]}" --json > "$B/import-$i-$r.json" 2> /dev/null
    before=$(sha256sum "$db" | cut -d' ' -f1)
    t "$B/again-$i-$r.time" "$bin" --unencrypted sync import --db "$db" --key "$B/keys/sup.key" --trust "$B/pk/keys" \
        "${PACKAGES[@]}" --json > "$B/again-$i-$r.json" 2> /dev/null
    after=$(sha256sum "$db" | cut -d' ' -f1)
    python3 - "$B" "$i" "$r" "$bin" "$before" "$after" <<'PY'
import json, sys
b, i, r, bin, before, after = sys.argv[1:]
imp = json.load(open(f"{b}/import-{i}-{r}.json")); again = json.load(open(f"{b}/again-{i}-{r}.json"))
print(f"  {bin}")
print(f"    import:    {open(f'{b}/import-{i}-{r}.time').read().strip()}; packages {imp['packages']}, entries {imp['imported_entries']}, duplicates {imp['duplicates']}, conflicts {imp['conflicts']}, rejected {len(imp['rejected'])}")
print(f"    re-import: {open(f'{b}/again-{i}-{r}.time').read().strip()}; imported_entries {again['imported_entries']}, rejected {len(again['rejected'])}, file sha256 {'unchanged' if before == after else 'CHANGED'}")
PY
  done
  rm -f "$B/peer.sqlite" "$B/peer.sqlite-wal" "$B/peer.sqlite-shm"
  t "$B/peer-$r.time" python3 "$HERE/sync_peer.py" "$B/peer.sqlite" "${DBS[@]}" > "$B/peer-$r.json"
  echo "  peer (ATTACH + INSERT OR IGNORE ... SELECT): $(cat "$B/peer-$r.time")"
done
python3 - "$B" "${#BINS[@]}" <<'PY'
import sqlite3, sys
b, n = sys.argv[1], int(sys.argv[2])
tables = ["interviews", "answers", "journal", "addresses", "visits", "routes", "answer_heads"]
dbs = [f"sup-{i}.sqlite" for i in range(n)] + ["peer.sqlite"]
for db in dbs:
    c = sqlite3.connect(f"{b}/{db}")
    print(f"{db}: " + ", ".join(f"{t} {c.execute(f'select count(*) from {t}').fetchone()[0]}" for t in tables))
if n > 1:
    q = "select interview_id, question, roster, value, answered_at, ver from answers order by 1, 2, 3"
    rows = [list(sqlite3.connect(f"{b}/sup-{i}.sqlite").execute(q)) for i in range(n)]
    print("answers identical across builds:", all(r == rows[0] for r in rows))
PY
