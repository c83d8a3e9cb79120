#!/usr/bin/env bash
# The spread of the simulator's outcome rates over a range of seeds (docs/simulator.md, "Calibration").
#
#   scripts/simulate-spread.sh [FIRST LAST [SCALE [STUDY]]]      default: 101 120 1 schema/kmrs-2010
#
# Runs `dala simulate --json` once per seed (release build; DALA=path overrides the binary), prints per
# seed RR1, the refusal share and the "no one opened" share of the non-interviews, then mean ± sd
# (sample sd, n − 1) and min–max of each. The databases go to a temporary folder that is removed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
first=${1:-101}
last=${2:-120}
scale=${3:-1}
study=${4:-schema/kmrs-2010}
dala=${DALA:-${CARGO_TARGET_DIR:-$root/target}/release/dala}
if [ ! -x "$dala" ]; then
  cargo build --release -p dala-cli
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'seed\tRR1\trefusals\tno_one_opened\tcompletes\tseconds\n'
for seed in $(seq "$first" "$last"); do
  "$dala" --unencrypted simulate --study "$study" --seed "$seed" --scale "$scale" --out "$tmp/run" --json > "$tmp/s.json"
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("\t".join(map(str, [sys.argv[2], d["rates"]["RR1"], d["non_interviews"]["refusals_share"],
                          d["non_interviews"]["no_one_opened_share"], d["completes"], d["run_seconds"]])))' "$tmp/s.json" "$seed" \
    | tee -a "$tmp/all.tsv"
  rm -rf "$tmp/run"
done
awk -F'\t' '
  { for (i = 2; i <= 4; i++) { x[i] += $i; xx[i] += $i * $i; if (NR == 1 || $i < lo[i]) lo[i] = $i; if (NR == 1 || $i > hi[i]) hi[i] = $i } n++ }
  END {
    split("RR1 refusals no_one_opened", name, " ")
    for (i = 2; i <= 4; i++) {
      m = x[i] / n; sd = (n > 1) ? sqrt((xx[i] - n * m * m) / (n - 1)) : 0
      printf "%s: mean %.1f %% ± %.1f (sd), min %.1f %%, max %.1f %% over %d seeds\n", name[i - 1], 100 * m, 100 * sd, 100 * lo[i], 100 * hi[i], n
    }
  }' "$tmp/all.tsv"
