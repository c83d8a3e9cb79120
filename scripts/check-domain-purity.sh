#!/usr/bin/env bash
# The domain crates (dala-questionnaire, dala-fieldwork, dala-merge) are pure: no clock, file IO, environment or
# randomness of their own. Clippy's `disallowed-methods` enforces it (the crates' clippy.toml, copies of
# scripts/domain-clippy.toml). This script checks that the copies are current and that the ban bites:
# a probe crate with the same clippy.toml that reads the clock, a file and the environment must be
# refused by clippy. Run by scripts/test.sh before `cargo clippy --workspace -- -D warnings`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for crate in questionnaire fieldwork merge; do
  if ! cmp -s "$root/scripts/domain-clippy.toml" "$root/crates/$crate/clippy.toml"; then
    echo "crates/$crate/clippy.toml differs from scripts/domain-clippy.toml: copy it again." >&2
    exit 1
  fi
done
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
mkdir -p "$probe/src"
cp "$root/scripts/domain-clippy.toml" "$probe/clippy.toml"
cat >"$probe/Cargo.toml" <<'TOML'
[package]
name = "purity-probe"
version = "0.0.0"
edition = "2021"
[workspace]
TOML
cat >"$probe/src/lib.rs" <<'RS'
pub fn impure() -> (std::time::SystemTime, String, Option<String>) {
    (std::time::SystemTime::now(), std::fs::read_to_string("x").unwrap_or_default(), std::env::var("X").ok())
}
RS
if out="$(cd "$probe" && CARGO_TARGET_DIR="$probe/target" cargo clippy -q -- -D warnings 2>&1)"; then
  echo "clippy accepted a clock read, a file read and an environment read under the domain crates' clippy.toml" >&2
  exit 1
fi
for banned in "std::time::SystemTime::now" "std::fs::read_to_string" "std::env::var"; do
  if ! grep -q "use of a disallowed method \`$banned\`" <<<"$out"; then
    echo "clippy did not name $banned as disallowed:" >&2
    echo "$out" >&2
    exit 1
  fi
done
echo "domain purity: clippy refuses clock, file and environment reads in the domain crates"
