#!/usr/bin/env bash
# The app's start-up time and memory (issue 10, point 5; BENCHMARKS.md, "The app: start-up and memory").
#
#   bench/app_run.sh [rounds]        (default 5; root, for dropping the page cache)
#
# Builds the release app (`cargo build --release -p dala-app --features custom-protocol`, as `tauri build`
# does), starts Xvfb, and in each round, alternately, starts
#   - dala-app on a fresh KMRS database (the open demo's home screen), and on an encrypted database (its lock
#     screen), with DALA_TIMING=1: the app prints `ready <unix ms>` when the interface has painted its first
#     usable screen (`commands::ui_ready`, called at the frame after the first render);
#   - the floor: a bare WebKitGTK window with a one-line page (bench/webkit_floor.py, the same WebKitGTK).
# Each is started cold (page cache dropped: `echo 3 > /proc/sys/vm/drop_caches`) and warm (right after).
# Start-up = ready − the launch time taken just before exec. Memory: 3 s after ready, the proportional set
# size (Pss of /proc/<pid>/smaps_rollup) summed over the process and all its descendants (WebKit's web and
# network processes). Prints one line per start and the medians.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
rounds="${1:-5}"
(cd ui && npm run --silent build >/dev/null)
cargo build --release -q -p dala-app -p dala-cli --features dala-app/custom-protocol
app="$CARGO_TARGET_DIR/release/dala-app"
dala="$CARGO_TARGET_DIR/release/dala"
work="$(mktemp -d)"
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1
export DISPLAY="$display"
# An encrypted database with one user, made as the app makes it (here with the command line).
echo 2468 > "$work/pin"
echo '{"language": "ru", "steps": [{"q": "Q101", "value": 3}]}' > "$work/one.json"
"$dala" --pin-file "$work/pin" --user "Айгүл" interview --study schema/kmrs-2010 --db "$work/enc.sqlite" --script "$work/one.json" >/dev/null

descendants() {
  local pid="$1" child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do descendants "$child"; done
}

pss_mb() {
  local total=0 p kb
  for p in $(descendants "$1"); do
    kb="$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)"
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

# start <label> <cold|warm> <command...>: prints "label mode start_ms pss_mb"
start() {
  local label="$1" mode="$2"
  shift 2
  if [ "$mode" = cold ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
  local log="$work/$label-$mode.log"
  # Emptied before the launch: the background start truncates it a moment later, and the first read below
  # could otherwise find the previous round's `ready` line (a start of −22 s was printed so, 2026-12-04).
  : > "$log"
  local t0
  t0="$(date +%s%3N)"
  "$@" 2> "$log" &
  local pid=$!
  local ready=""
  for _ in $(seq 1 300); do
    ready="$(awk '/ready [0-9]+/ {print $NF; exit}' "$log")"
    [ -n "$ready" ] && break
    sleep 0.05
  done
  if [ -z "$ready" ]; then
    echo "$label $mode: no ready signal; log:" >&2
    cat "$log" >&2
    kill "$pid" 2>/dev/null || true
    return 1
  fi
  sleep 3
  local mem
  mem="$(pss_mb "$pid")"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pkill -f WebKitWebProcess 2>/dev/null || true
  echo "$label $mode $((ready - t0)) $mem"
  # The app's marks (DALA_TIMING): launch → main, → database opened, → the interface's first command, → ready.
  local main opened first
  main="$(awk '/mark main / {print $NF; exit}' "$log")"
  opened="$(awk '/mark opened / {print $NF; exit}' "$log")"
  first="$(awk '/mark first-command / {print $NF; exit}' "$log")"
  if [ -n "$main" ] && [ -n "$opened" ] && [ -n "$first" ]; then
    echo "$label $mode $((main - t0)) $((opened - main)) $((first - opened)) $((ready - first))" >> "$work/phases.txt"
  fi
}

results="$work/results.txt"
for r in $(seq 1 "$rounds"); do
  for mode in cold warm; do
    rm -f "$work/demo.sqlite"*
    DALA_TIMING=1 DALA_DB="$work/demo.sqlite" start app-home "$mode" "$app" | tee -a "$results"
    DALA_TIMING=1 DALA_DB="$work/enc.sqlite" start app-lock "$mode" "$app" | tee -a "$results"
    start webkit-floor "$mode" /usr/bin/python3 bench/webkit_floor.py | tee -a "$results"
  done
done
echo "medians (start ms, PSS MB) over $rounds rounds:"
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, mode, ms, mb = line.split()
    rows.setdefault((label, mode), []).append((int(ms), int(mb)))
for (label, mode), v in sorted(rows.items()):
    ms = [a for a, _ in v]; mb = [b for _, b in v]
    print(f"{label:13} {mode:5} start {statistics.median(ms):6.0f} ms (min {min(ms)}, max {max(ms)})   PSS {statistics.median(mb):4.0f} MB (min {min(mb)}, max {max(mb)})")
PY
if [ -s "$work/phases.txt" ]; then
  echo "where the start goes, medians (ms): launch→main, main→database open, open→interface's first command (window, WebKit, page, script), first command→ready (commands, render, frame):"
  python3 - "$work/phases.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, mode, *v = line.split()
    rows.setdefault((label, mode), []).append([int(x) for x in v])
for (label, mode), v in sorted(rows.items()):
    med = [statistics.median(c) for c in zip(*v)]
    print(f"{label:13} {mode:5} " + "  ".join(f"{m:6.0f}" for m in med))
PY
fi
