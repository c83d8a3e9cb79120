#!/usr/bin/env bash
# Builds the release app and its Debian package (issue 10, point 5) with Tauri's bundler, offline:
#   scripts/package.sh            → $CARGO_TARGET_DIR/release/bundle/deb/Dala_<version>_amd64.deb
# Install on a Debian machine with `apt-get install ./Dala_<version>_amd64.deb` (it pulls WebKitGTK), run
# `dala-app`. The package holds the app (/usr/bin/dala-app), the KMRS demo study (/usr/lib/Dala/schema),
# the command line (/usr/bin/dala) and a desktop entry; the database goes to the user's data folder (README).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
"$root/scripts/setup-system.sh"
(cd ui && npm run --silent build)
# Tauri's CLI (from npm, pinned in ui/package-lock.json) runs cargo build --release and the deb bundler.
# The command line goes into the package too (/usr/bin/dala): a coordinator recovers a device's database
# with it, verifies its journal, exports.
cargo build --release --locked -p dala-cli
files="{\"/usr/bin/dala\":\"$CARGO_TARGET_DIR/release/dala\"}"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb --config "{\"bundle\":{\"active\":true,\"linux\":{\"deb\":{\"files\":$files}}}}" -- --locked)
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
check_no_build_paths "$CARGO_TARGET_DIR/release/dala-app"
check_no_build_paths "$CARGO_TARGET_DIR/release/dala"
dpkg-deb --info "$deb" | sed -n '1,20p'
dpkg-deb --contents "$deb" | grep -E 'usr/bin/dala-app|usr/bin/dala$|schema/kmrs-2010/study.toml|\.desktop'
echo "package: $deb ($(du -h "$deb" | cut -f1))"
