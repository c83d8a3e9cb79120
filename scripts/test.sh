#!/usr/bin/env bash
# Runs every test of Dala: installs what is missing (scripts/setup-system.sh), checks formatting and
# lints (rustfmt, clippy with -D warnings, the domain crates' purity ban), builds the interface, runs the
# Rust tests of the whole workspace (unit, scenario, CLI, durability, shell), the route draw's Python
# peer replay, the export peer checks (real readers read every format back), checks that the generated TypeScript bindings are up to date, runs the interface's own
# tests, and finally the end-to-end test that drives the real window under Xvfb.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
# A clean build gains nothing from incremental caches; they were a quarter of the target's size.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n== %s ==\n' "$*"; }

step "disk: free space before the build"
df -h "$root" | tail -1 || true

step "system packages, tauri-driver, npm packages"
"$root/scripts/setup-system.sh"

step "formatting (cargo fmt --check)"
cargo fmt --all --check

step "interface build"
(cd ui && npm run --silent build)

step "lints: the domain crates' purity ban bites; clippy over the workspace"
"$root/scripts/check-domain-purity.sh"
cargo clippy --workspace --locked -- -D warnings

step "Rust tests (workspace)"
cargo test --workspace --locked

step "no path of the build machine in the binaries"
check_no_build_paths "$CARGO_TARGET_DIR/debug/dala"

step "route draw against its independent Python peer"
"$root/scripts/peer-route-draw.sh"

step "exports read back by real readers (pyreadstat, pandas, PSPP, ReadStat, pyarrow, DuckDB)"
"$root/scripts/peer-export.sh"

step "fuzz targets, briefly (10 s each under cargo-fuzz; the seeds and regressions ran on stable above)"
set +e
"$root/scripts/fuzz.sh" 10
fuzz_status=$?
set -e
case "$fuzz_status" in
  0) ;;
  3) echo "SKIPPED the cargo-fuzz run: no nightly toolchain on this machine (the corpus replay test ran)." ;;
  *) exit "$fuzz_status" ;;
esac

step "generated TypeScript bindings are committed and current"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if ! git -C "$root" diff --exit-code --stat -- ui/src/bindings; then
    echo "ui/src/bindings changed when the tests regenerated them: commit the new bindings." >&2
    exit 1
  fi
  untracked=$(git -C "$root" ls-files --others --exclude-standard -- ui/src/bindings)
  if [ -n "$untracked" ]; then
    echo "new generated bindings are not committed: $untracked" >&2
    exit 1
  fi
fi

if [ -f ui/package.json ] && grep -q '"test"' ui/package.json; then
  step "interface tests"
  (cd ui && npm test --silent)
fi

step "end-to-end: the real window"
"$root/tests/e2e/run.sh"

step "disk: the build's footprint"
du -sh "$CARGO_TARGET_DIR" 2>/dev/null || true
