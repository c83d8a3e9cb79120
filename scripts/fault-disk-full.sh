#!/usr/bin/env bash
# A real full disk under a running interview (issue 10, point 3; docs/robustness.md). Needs root (it mounts a
# small tmpfs); not part of the test command, which simulates the full disk with SQLite's page limit
# (crates/session/tests/faults.rs).
#
#   scripts/fault-disk-full.sh            # plain and encrypted databases
#
# For each kind of database: a 2 MiB tmpfs, a database on it, a filler file leaving little room; a scripted
# interview changes the household size until the disk is full. Checked: the run stops at the refused step
# with the `disk_full` message in the script's language (Russian), the journal's audit (answers against the journal, the hash chain) is intact; then the filler
# is removed and the same interview goes on, and the audit is still intact. Then the medium is remounted
# read-only: the next step is refused and named, the audit still holds, and writable again the interview goes on.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
dala="${DALA:-$CARGO_TARGET_DIR/debug/dala}"
[ -x "$dala" ] || cargo build -q -p dala-cli
if [ "$(id -u)" -ne 0 ]; then
  echo "fault-disk-full: needs root to mount a tmpfs" >&2
  exit 3
fi
work="$(mktemp -d)"
mnt="$work/disk"
mkdir -p "$mnt"
mount -t tmpfs -o size=2m tmpfs "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work/steps.json" <<'PY'
import json, sys
steps = [{"q": "Q101", "value": 1 + i % 20} for i in range(20000)]
json.dump({"language": "ru", "steps": steps}, open(sys.argv[1], "w"))
PY
echo '{"language": "ru", "steps": [{"q": "Q101", "value": 7}, {"q": "Q101", "value": 8}]}' > "$work/more.json"
echo 2468 > "$work/pin"
status=0
for kind in plain encrypted; do
  rm -rf "${mnt:?}"/*
  if [ "$kind" = plain ]; then access=(--unencrypted); else access=(--pin-file "$work/pin"); fi
  # (With the disk still full, the audit below opens the encrypted database with its PIN: opening writes
  # nothing, not even the keyring.)
  db="$mnt/$kind.sqlite"
  # A first answer makes the database, then a filler takes all but ~300 KiB.
  "$dala" "${access[@]}" --lang en interview --study schema/kmrs-2010 --db "$db" --script "$work/more.json" --json > "$work/first.json"
  id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interview"])' "$work/first.json")"
  free_kb="$(df -k --output=avail "$mnt" | tail -1 | tr -d ' ')"
  dd if=/dev/zero of="$mnt/filler" bs=1k count="$((free_kb - 300))" status=none 2>/dev/null || true
  set +e
  "$dala" "${access[@]}" --lang en interview --study schema/kmrs-2010 --db "$db" --script "$work/steps.json" \
    --interview "$id" --ack > "$work/acks.txt" 2> "$work/err.txt"
  code=$?
  set -e
  acked="$(grep -c '^ack ' "$work/acks.txt" || true)"
  echo "$kind: exit $code after $acked acknowledged answers; message: $(head -c 200 "$work/err.txt")"
  # The scripted interview stops at the refused step (exit 2) with the message in the script's language.
  if [ "$code" -eq 0 ] || ! grep -q "Память устройства заполнена" "$work/err.txt"; then
    echo "$kind: expected the run refused with the disk-full message" >&2
    status=1
  fi
  # Nothing half-written: the answers are what the journal gives and the chain holds.
  "$dala" "${access[@]}" --lang en audit verify --db "$db" || status=1
  rm -f "$mnt/filler"
  "$dala" "${access[@]}" --lang en interview --study schema/kmrs-2010 --db "$db" --script "$work/more.json" \
    --interview "$id" --json > "$work/after.json" || status=1
  "$dala" "${access[@]}" --lang en audit verify --db "$db" || status=1
  echo "$kind: after space returned the interview went on; audit intact"
  # A read-only medium (the card's lock switch, a remount after errors): a step is refused and named,
  # nothing is lost; writable again, the interview goes on.
  mount -o remount,ro "$mnt"
  set +e
  "$dala" "${access[@]}" --lang en interview --study schema/kmrs-2010 --db "$db" --script "$work/more.json"     --interview "$id" > "$work/ro.txt" 2> "$work/ro-err.txt"
  code=$?
  set -e
  echo "$kind, read-only: exit $code; message: $(head -c 300 "$work/ro-err.txt")"
  [ "$code" -ne 0 ] || { echo "$kind: a write on a read-only medium was not refused" >&2; status=1; }
  "$dala" "${access[@]}" --lang en audit verify --db "$db" || status=1
  mount -o remount,rw "$mnt"
  "$dala" "${access[@]}" --lang en interview --study schema/kmrs-2010 --db "$db" --script "$work/more.json" \
    --interview "$id" > /dev/null || status=1
  "$dala" "${access[@]}" --lang en audit verify --db "$db" || status=1
done
exit "$status"
