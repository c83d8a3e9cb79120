#!/usr/bin/env bash
# Installs what building, running and testing the Dala desktop app needs (Debian 12). Idempotent:
# installs only what is missing, and runs `apt-get update` only when something is.
#
#   Debian: libssl-dev + pkg-config (SQLCipher links OpenSSL's libcrypto), libwebkit2gtk-4.1-dev (build), webkit2gtk-driver (WebKitWebDriver for E2E),
#           xvfb + xauth (a virtual display for E2E and headless machines),
#           pspp + readstat + python3-venv (the export peer checks, scripts/peer-export.sh)
#   cargo:  tauri-driver 2.x (WebDriver bridge to the Tauri window)
#   npm:    ui/node_modules from ui/package-lock.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
for pkg in libssl-dev pkg-config libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth pspp readstat python3-venv; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup-system: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# rustfmt and clippy (the test command checks formatting and lints) come with the toolchain's default
# profile; add them when a minimal profile left them out.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  echo "setup-system: adding the rustfmt and clippy components"
  rustup component add rustfmt clippy
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "setup-system: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

# node_modules is (re)installed when missing or older than the lockfile.
ui="$root/ui"
if [ ! -d "$ui/node_modules" ] || [ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
  echo "setup-system: installing the interface's npm packages"
  if [ -f "$ui/package-lock.json" ]; then
    (cd "$ui" && npm ci --no-audit --no-fund)
  else
    (cd "$ui" && npm install --no-audit --no-fund)
  fi
fi
