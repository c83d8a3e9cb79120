#!/usr/bin/env bash
# Issue 10's "Done means", as a new user would do it, on the installed package (not in the test command:
# it installs a package system-wide; root, Debian):
#
#   tests/deb/walk.sh [path/to/Dala_<version>_amd64.deb]     (default: the newest from scripts/package.sh)
#
# apt-get installs the .deb; a coordinator makes keys and drops the public one into the app's keys folder;
# in the installed app's window (tauri-driver, Xvfb) an interviewer sets up her PIN, which encrypts the
# database, and interviews; the app is closed. The PIN is "lost": the coordinator's key sets a new one
# (`dala db recover`). The app, started again, opens with the new PIN and shows the interview. Then a byte
# of the database is changed outside the app and `dala audit verify` is run. Prints what it checked.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. "$root/scripts/build-env.sh"
if [ "${1:-}" != "--inside-display" ]; then
  deb="$(realpath "${1:-$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)}")"
  echo "walk: installing $deb"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >/dev/null
  command -v dala-app dala
  venv="$CARGO_TARGET_DIR/e2e-venv"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, PIL" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.20,<5" "pillow>=10,<13"
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # A new user's home: the app's defaults (the study in /usr/lib/Dala, the database in ~/.local/share/dala).
  export HOME="$work/home" WALK="$work" WALK_SHOTS="$CARGO_TARGET_DIR/screenshots" E2E_PYTHON="$venv/bin/python"
  mkdir -p "$WALK_SHOTS"
  unset DALA_DB DALA_STUDY DALA_KEYS DALA_PIN
  mkdir -p "$HOME"
  xvfb-run -a -s "-screen 0 1280x900x24" "$0" --inside-display
  exit $?
fi

data="$HOME/.local/share/dala"
db="$data/dala.sqlite"
mkdir -p "$data/keys" "$WALK/coord"
dala keys init --role coordinator --name coord --out "$WALK/coord" >/dev/null 2>&1
cp "$WALK/coord/coord.pub" "$data/keys/"
tauri="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
[ -x "$tauri" ] || tauri="/root/.cargo/bin/tauri-driver"
port=4490
"$tauri" --port "$port" --native-port "$((port + 1))" >"$WALK/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
export DALA_APP=/usr/bin/dala-app DALA_DB="$db" TAURI_DRIVER_URL="http://127.0.0.1:$port"

echo "walk 1: the installed app, a PIN set up, an interview"
"$E2E_PYTHON" tests/deb/walk.py first
head -c 16 "$db" | grep -q "SQLite format 3" && { echo "walk: the database is not encrypted" >&2; exit 1; }
echo "  the database is encrypted ($(stat -c %s "$db") bytes); keyring: $(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['slots']), 'PIN slot(s),', len(r.get('recovery', [])), 'recovery copy(ies)')" "$db.keyring")"
if dala audit verify --db "$db" >/dev/null 2>&1; then echo "walk: opened without a PIN" >&2; exit 1; fi
echo "  without a PIN: refused ($(dala --lang en audit verify --db "$db" 2>&1 | head -1))"

echo "walk 2: the PIN is lost; the coordinator's key sets a new one"
echo 8642 > "$WALK/new-pin.txt"
dala --lang en --user "Ерлан" db recover --db "$db" --key "$WALK/coord/coord.key" --new-pin-file "$WALK/new-pin.txt"
dala --lang en --pin-file "$WALK/new-pin.txt" audit verify --db "$db" | head -3

echo "walk 3: the app opens with the new PIN and shows the interview"
"$E2E_PYTHON" tests/deb/walk.py second

echo "walk 4: the file changed outside the app"
python3 - "$db" <<'PY'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    f.seek(0, 2)
    size = f.tell()
    at = size // 2
    f.seek(at)
    b = f.read(1)
    f.seek(at)
    f.write(bytes([b[0] ^ 0x55]))
print(f"  one byte changed at offset {at} of {size}")
PY
set +e
dala --lang en --pin-file "$WALK/new-pin.txt" audit verify --db "$db" > "$WALK/verify.txt" 2>&1
rc=$?
set -e
sed 's/^/  /' "$WALK/verify.txt" | head -6
echo "  dala audit verify exit code: $rc"
[ "$rc" -ne 0 ] || { echo "walk: the change went unnoticed" >&2; exit 1; }
echo "walk: done"
