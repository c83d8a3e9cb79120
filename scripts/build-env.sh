# Sourced by scripts/app.sh and scripts/test.sh (and tests/e2e/run.sh): the build environment every
# documented command shares, so their builds reuse one another's artifacts.
#
# No path of the build machine is compiled into a binary: the repository, the cargo home (registry
# sources in panic locations and debug info) and the home folder are remapped to neutral prefixes.
# scripts/test.sh checks the built `dala` and `dala-app` for the original paths.
root="${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
sep=$'\x1f'
remap="--remap-path-prefix=$root=dala${sep}--remap-path-prefix=$cargo_home=cargo${sep}--remap-path-prefix=$HOME=home"
if [ -n "${CARGO_ENCODED_RUSTFLAGS:-}" ]; then
  case "$CARGO_ENCODED_RUSTFLAGS" in
    *"--remap-path-prefix=$root=dala"*) ;;
    *) export CARGO_ENCODED_RUSTFLAGS="$CARGO_ENCODED_RUSTFLAGS$sep$remap" ;;
  esac
else
  export CARGO_ENCODED_RUSTFLAGS="$remap"
fi
unset RUSTFLAGS
# The same for C compiled by build scripts (SQLite's amalgamation: __FILE__ in its assertions).
case "${CFLAGS:-}" in
  *"-ffile-prefix-map=$cargo_home=cargo"*) ;;
  *) export CFLAGS="${CFLAGS:+$CFLAGS }-ffile-prefix-map=$cargo_home=cargo -ffile-prefix-map=$root=dala -ffile-prefix-map=$HOME=home" ;;
esac

# Fails when a built binary contains a path of this machine (the repository, the cargo home, $HOME).
check_no_build_paths() {
  local bin path
  for bin in "$@"; do
    for path in "$root" "$cargo_home" "$HOME/"; do
      if grep -a -F -q "$path" "$bin"; then
        echo "$bin contains the build machine's path $path" >&2
        return 1
      fi
    done
  done
  echo "no build-machine path in: $*"
}
