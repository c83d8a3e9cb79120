#!/usr/bin/env bash
# End-to-end tests of the real Dala window: builds the UI and the app, starts a virtual display
# (xvfb-run), tauri-driver (which starts WebKitWebDriver and the app), and runs
# tests/e2e/test_interview.py, tests/e2e/test_fieldwork.py and tests/e2e/test_sync.py with Python selenium from a venv in
# target/e2e-venv. Each prints 'N passed, N failed'; exits non-zero on any failure.
# Screenshots: target/screenshots/ (and docs/screenshots/ with DALA_UPDATE_SCREENSHOTS=1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"

if [ "${1:-}" != "--inside-display" ]; then
  "$root/scripts/setup-system.sh"
  (cd ui && npm run --silent build)
  # Production mode, as `tauri build` makes it: no development paths are compiled into the app.
  cargo build -p dala-app --features custom-protocol
  cargo build -p dala-cli
  check_no_build_paths "$CARGO_TARGET_DIR/debug/dala-app"

  venv="$CARGO_TARGET_DIR/e2e-venv"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, PIL" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.20,<5" "pillow>=10,<13"
  fi

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # The app inherits its environment from tauri-driver: a fresh database for every run.
  export DALA_DB="$work/e2e.sqlite"
  export DALA_STUDY="$root/schema/kmrs-2010"
  export DALA_DB_TYPES="$work/e2e-types.sqlite"
  export DALA_STUDY_TYPES="$root/tests/e2e/fixtures/all-types"
  export DALA_DB_FIELD="$work/e2e-fieldwork.sqlite"
  export DALA_APP="$CARGO_TARGET_DIR/debug/dala-app"
  # Sync: two simulated devices' packages waiting in an inbox for a supervisor whose app has its keys.
  dala="$CARGO_TARGET_DIR/debug/dala"
  sync="$work/sync"
  # Encrypted device databases, as interviewers' tablets hold them (the PIN opens them for the export).
  export DALA_PIN=4826
  "$dala" simulate --study "$root/schema/kmrs-2010" --seed 11 --devices 2 --scale 0.03 --out "$sync/dev" >/dev/null
  for who in ann bob; do "$dala" keys init --role interviewer --name "$who" --out "$sync/keys-$who" >/dev/null 2>&1; done
  "$dala" keys init --role supervisor --name sup --out "$sync/sup-keys" >/dev/null 2>&1
  cp "$sync/keys-ann/ann.pub" "$sync/keys-bob/bob.pub" "$sync/sup-keys/"
  mkdir -p "$sync/inbox"
  "$dala" sync export --db "$sync/dev/device-01.sqlite" --key "$sync/keys-ann/ann.key" --to "$sync/sup-keys/sup.pub" --out "$sync/inbox/ann.dala" >/dev/null
  "$dala" sync export --db "$sync/dev/device-02.sqlite" --key "$sync/keys-bob/bob.key" --to "$sync/sup-keys/sup.pub" --out "$sync/inbox/bob.dala" >/dev/null
  unset DALA_PIN
  export DALA_DB_SYNC="$work/e2e-supervisor.sqlite" DALA_KEYS_SYNC="$sync/sup-keys" DALA_SYNC_INBOX="$sync/inbox"
  export E2E_PYTHON="$venv/bin/python"
  status=0
  xvfb-run -a -s "-screen 0 1600x1400x24" "$0" --inside-display || status=$?
  exit "$status"
fi

# Inside the virtual display: three drivers, one whose app runs the KMRS study, one whose app runs
# the fixture with every question type, and one whose app runs KMRS on its own database for the
# fieldwork walk (each app inherits its driver's environment).
# E2E_PORT_BASE moves the six driver ports (two runs side by side on one machine).
b="${E2E_PORT_BASE:-4444}"
tauri="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
logs="$(dirname "$DALA_DB")"
"$tauri" --port "$b" --native-port "$((b + 1))" >"$logs/tauri-driver.log" 2>&1 &
kmrs_driver=$!
DALA_DB="$DALA_DB_TYPES" DALA_STUDY="$DALA_STUDY_TYPES" "$tauri" --port "$((b + 2))" --native-port "$((b + 3))" >"$logs/tauri-driver-types.log" 2>&1 &
types_driver=$!
DALA_DB="$DALA_DB_FIELD" "$tauri" --port "$((b + 4))" --native-port "$((b + 5))" >"$logs/tauri-driver-fieldwork.log" 2>&1 &
field_driver=$!
DALA_DB="$DALA_DB_SYNC" DALA_KEYS="$DALA_KEYS_SYNC" "$tauri" --port "$((b + 6))" --native-port "$((b + 7))" >"$logs/tauri-driver-sync.log" 2>&1 &
sync_driver=$!
stop_drivers() {
  kill "$kmrs_driver" "$types_driver" "$field_driver" "$sync_driver" 2>/dev/null || true
  wait "$kmrs_driver" "$types_driver" "$field_driver" "$sync_driver" 2>/dev/null || true
}
trap stop_drivers EXIT

for port in "$b" "$((b + 2))" "$((b + 4))" "$((b + 6))"; do
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
done

# E2E_ONLY=interview|fieldwork|sync runs one file (while working on it); the test command runs all.
want() { [ -z "${E2E_ONLY:-}" ] || [ "$E2E_ONLY" = "$1" ]; }
status=0
if want interview; then
  TAURI_DRIVER_URL="http://127.0.0.1:$b" TAURI_DRIVER_URL_TYPES="http://127.0.0.1:$((b + 2))" \
    "$E2E_PYTHON" "$root/tests/e2e/test_interview.py" || status=$?
fi
if want fieldwork; then
  DALA_DB="$DALA_DB_FIELD" TAURI_DRIVER_URL="http://127.0.0.1:$((b + 4))" \
    "$E2E_PYTHON" "$root/tests/e2e/test_fieldwork.py" || status=$?
fi
if want sync; then
  DALA_DB="$DALA_DB_SYNC" TAURI_DRIVER_URL="http://127.0.0.1:$((b + 6))" \
    "$E2E_PYTHON" "$root/tests/e2e/test_sync.py" || status=$?
fi
if [ "$status" -ne 0 ]; then
  for log in "$logs"/tauri-driver*.log; do
    echo "--- $(basename "$log") ---"
    tail -n 30 "$log" || true
  done
fi
exit "$status"
