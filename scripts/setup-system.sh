#!/usr/bin/env bash
# Installs the Debian packages Roster Desk needs on a machine where Electron cannot run:
#   libsecret-1-dev  keytar compiles against it during `npm ci`
#   gnome-keyring    a real Secret Service for the keychain (vault) tests and the browser host
#   dbus             dbus-run-session gives the keyring a private session bus
#   chromium         the browser the Playwright end-to-end tests drive (`npx playwright install` cannot download here)
# Idempotent: it asks dpkg first and only calls apt-get for what is missing.
set -euo pipefail

needed=(libsecret-1-dev gnome-keyring dbus chromium)
[ "${ROSTER_SKIP_SYSTEM_SETUP:-}" = "1" ] && exit 0

missing=()
for pkg in "${needed[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

explain() {
  cat >&2 <<MSG
roster-desk setup: these system packages are missing: ${missing[*]}
$1
Install them yourself, for example:
  sudo apt-get update && sudo apt-get install -y ${missing[*]}
(On macOS and Windows none are needed: keytar uses the OS keychain and the tests need only Chromium or Chrome.)
Set ROSTER_SKIP_SYSTEM_SETUP=1 to skip this check once they are installed by other means.
MSG
  exit 1
}

command -v apt-get >/dev/null 2>&1 || explain "This machine has no apt-get, so they cannot be installed automatically."
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    explain "Installing needs root, and this script is not running as root (and sudo would ask for a password)."
  fi
else
  SUDO=
fi

echo "roster-desk setup: installing ${missing[*]} (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
