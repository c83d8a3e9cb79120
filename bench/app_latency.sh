#!/usr/bin/env bash
# Tap-to-paint latency of the release app in the real window (issue 10, point 5; BENCHMARKS.md, "The app").
#
#   bench/app_latency.sh            (TAPS=200 taps per household size by default)
#
# Builds the release app as bench/app_run.sh does, then under Xvfb runs bench/app_latency.py through
# tauri-driver (the E2E's venv with selenium, made by tests/e2e/run.sh): real taps through the X server
# with xdotool (installed here when missing), then WebDriver clicks. DALA_DURABILITY=normal measures the
# same without an fsync per answer. The study is a copy of KMRS whose household size allows 100 members.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
if [ "${1:-}" != "--inside-display" ]; then
  (cd ui && npm run --silent build >/dev/null)
  # DALA_APP: another build of the app to measure (an A/B run); default: the release build made here.
  [ -n "${DALA_APP:-}" ] || cargo build --release -q -p dala-app --features dala-app/custom-protocol
  # Real taps go through the X server (xdotool), as a pointer or a finger gives them.
  command -v xdotool >/dev/null || { apt-get install -y -q xdotool >/dev/null || sudo apt-get install -y -q xdotool >/dev/null; }
  venv="$CARGO_TARGET_DIR/e2e-venv"
  [ -x "$venv/bin/python" ] || { echo "app_latency: run tests/e2e/run.sh once first (it makes $venv)" >&2; exit 2; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # KMRS bounds the household at 30 members; the 100-member run uses a copy whose Q101 allows 100 (as
  # `dala bench` widens it in memory).
  cp -r schema/kmrs-2010 "$work/kmrs-100"
  sed -i '/^id = "Q101"/,/^max = 30/ s/^max = 30/max = 100/' "$work/kmrs-100/blocks/01-demographics.toml"
  export DALA_STUDY="$work/kmrs-100"
  # The shell prints the session's part of each answer (bench/app_latency.py splits the taps with it).
  export DALA_TIMING=1
  export DALA_DB="$work/latency.sqlite" DALA_APP="${DALA_APP:-$CARGO_TARGET_DIR/release/dala-app}" E2E_PYTHON="$venv/bin/python"
  exec xvfb-run -a -s "-screen 0 1600x1400x24" "$0" --inside-display
fi
tauri="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
port=4470
"$tauri" --port "$port" --native-port "$((port + 1))" >"$(dirname "$DALA_DB")/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
TAURI_DRIVER_URL="http://127.0.0.1:$port" "$E2E_PYTHON" bench/app_latency.py
