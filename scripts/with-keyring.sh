#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) so keytar works on a headless Linux
# machine: a private D-Bus session and a throwaway keyring in a temporary home, removed afterwards.
# Used by the tests always, and by `npm start` only when there is no desktop session bus to use.
set -euo pipefail

if [ "${ROSTER_KEYRING_READY:-}" = "1" ]; then exec "$@"; fi

for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "with-keyring: $tool is missing; run scripts/setup-system.sh (needs dbus and gnome-keyring)." >&2; exit 1; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/roster-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/runtime" "$scratch/data"
chmod 700 "$scratch/runtime"

# The keyring lives in the scratch dir, never in the user's own keyring; its password is random and unused after unlock.
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/data" ROSTER_KEYRING_READY=1
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
dbus-run-session -- bash -c '
  eval "$(printf "%s\n" "$1" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  shift
  "$@"
' with-keyring "$password" "$@" 2> >(grep -v -e "Unable to set up transient service directory" -e "Failed to set fd limit" >&2)
