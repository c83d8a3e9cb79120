#!/usr/bin/env bash
# Builds the interface and the desktop shell, then opens Dala.
#
#   scripts/app.sh                      the KMRS 2010 study, database in ~/.local/share/dala/
#   DALA_DB=/tmp/try.sqlite scripts/app.sh
#   DALA_STUDY=schema/other scripts/app.sh
#   xvfb-run -a scripts/app.sh          on a machine without a screen (the window is invisible)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/scripts/setup-system.sh"
(cd ui && npm run --silent build)

# shellcheck source=scripts/build-env.sh
. "$root/scripts/build-env.sh"
export DALA_STUDY="${DALA_STUDY:-$root/schema/kmrs-2010}"
# Production mode, as `tauri build` makes it: no development paths are compiled into the app.
cargo build -p dala-app --features custom-protocol

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
Dala собрана, но дисплея нет (DISPLAY и WAYLAND_DISPLAY не заданы), поэтому окно открыть негде.
  Запустите в графическом сеансе или на виртуальном дисплее:  xvfb-run -a scripts/app.sh
Dala құрастырылды, бірақ дисплей жоқ (DISPLAY және WAYLAND_DISPLAY берілмеген), сондықтан терезені ашатын жер жоқ.
  Графикалық сеанста немесе виртуалды дисплейде іске қосыңыз:  xvfb-run -a scripts/app.sh
Dala is built, but there is no display (DISPLAY and WAYLAND_DISPLAY are not set), so there is nowhere to open the window.
  Run it in a graphical session, or on a virtual display:  xvfb-run -a scripts/app.sh
MSG
  exit 2
fi

exec "$CARGO_TARGET_DIR/debug/dala-app"
