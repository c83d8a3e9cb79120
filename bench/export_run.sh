#!/usr/bin/env bash
# Export benchmark (BENCHMARKS.md, "Export (issue 9)"): `dala export` of a database to every format, and
# side by side in the same run the peers writing the same frames: pyreadstat (.sav, .dta), pandas (CSV)
# and pyarrow (Parquet), from the households and persons data loaded in memory first (their load time is
# not counted; Dala's time includes reading the database).
#
# usage: bench/export_run.sh <database> [rounds]     (B=work folder, default /work/bench-export;
#        DALA=dala binary, default $CARGO_TARGET_DIR/release/dala; PY=python with the peers, default
#        $CARGO_TARGET_DIR/peer-venv/bin/python; STUDY=study folder)
set -euo pipefail
DB=$1; ROUNDS=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
B=${B:-/work/bench-export}
DALA=${DALA:-${CARGO_TARGET_DIR:-target}/release/dala}
PY=${PY:-${CARGO_TARGET_DIR:-target}/peer-venv/bin/python}
STUDY=${STUDY:-$HERE/../schema/kmrs-2010}
mkdir -p "$B"
t() { /usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KB' -o "$1" "${@:2}"; }
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r"
  for fmt in sav zsav dta csv parquet; do
    rm -rf "$B/dala-$fmt"
    t "$B/dala-$fmt-$r.time" "$DALA" --lang en export --db "$DB" --study "$STUDY" --format "$fmt" --out "$B/dala-$fmt" --json > "$B/dala-$fmt-$r.json" 2>/dev/null
    echo "  dala $fmt: $(cat "$B/dala-$fmt-$r.time")"
  done
  "$PY" "$HERE/export_peer.py" "$B/dala-csv" "$B/peer" | sed 's/^/  /'
done
