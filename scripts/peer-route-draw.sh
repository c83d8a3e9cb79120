#!/usr/bin/env bash
# Peer check of the reproducible route draw: an independent Python re-implementation
# (crates/fieldwork/peer/replay_draw.py: its own PCG32 seed expansion, ChaCha20 and draw procedure)
# must print byte for byte what `dala routes draw --json` prints, for every city of the KMRS frames,
# several seeds, equal-probability and size-weighted. Run by scripts/test.sh after the Rust tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dala="${CARGO_TARGET_DIR:-$root/target}/debug/dala"
[ -x "$dala" ] || cargo build -q -p dala-cli
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
checked=0
for frame in schema/kmrs-2010/frames/*.csv; do
  city="$(basename "$frame" .csv)"
  for seed in 2010 1 18446744073709551615; do
    for weighted in "" "--weighted"; do
      "$dala" routes draw --study schema/kmrs-2010 --city "$city" --seed "$seed" $weighted --json >"$work/dala.json"
      n="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["routes"]))' "$work/dala.json")"
      python3 crates/fieldwork/peer/replay_draw.py "$frame" "$city" "$seed" "$n" $weighted >"$work/peer.json"
      if ! cmp -s "$work/dala.json" "$work/peer.json"; then
        echo "route draw differs from the Python peer: $city seed $seed $weighted" >&2
        diff "$work/dala.json" "$work/peer.json" | head -20 >&2
        exit 1
      fi
      checked=$((checked + 1))
    done
  done
done
echo "route draw: $checked draws identical to the independent Python replay"
