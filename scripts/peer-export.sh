#!/usr/bin/env bash
# Peer checks of `dala export` (tests/peers/test_export.py): pyreadstat, pandas, pyarrow and DuckDB (PyPI,
# in a venv under the target folder), PSPP and the ReadStat command-line tool (Debian, installed by
# scripts/setup-system.sh) read back every format Dala writes. Run by scripts/test.sh after the Rust tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
dala="$target/debug/dala"
[ -x "$dala" ] || cargo build -q -p dala-cli
venv="$target/peer-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyreadstat, pandas, pyarrow, duckdb, lxml" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/peers/requirements.txt
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" tests/peers/test_export.py "$dala" schema/kmrs-2010 "$work"
