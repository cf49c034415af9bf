#!/usr/bin/env bash
# The Debian packages the app and its tests need (.ci/apt-packages.txt): WeasyPrint's
# Pango, HarfBuzz and a font for the PDFs, Chromium for the browser tests. Used by
# `make test` and by .ci/run, so a fresh machine gets the same packages as CI.
#
# Every package installed: nothing to do. Some missing: installed when running as
# root with apt-get, otherwise this stops (exit 1) with the exact command to run.
# Without dpkg (not Debian or Ubuntu) nothing can be checked: it says what to
# install and goes on. OMMEN_SKIP_SYSTEM_PACKAGES=1 skips the check.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${OMMEN_SKIP_SYSTEM_PACKAGES:-}" = "1" ]; then
  exit 0
fi

packages=()
while read -r line; do
  line="${line%%#*}"
  for pkg in $line; do packages+=("$pkg"); done
done < .ci/apt-packages.txt

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Systeempakketten niet gecontroleerd (geen dpkg: geen Debian of Ubuntu)." >&2
  echo "Installeer de tegenhangers van: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Debian-pakketten installeren: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  exit 0
fi

echo "Deze Debian-pakketten ontbreken: ${missing[*]}" >&2
echo "Installeer ze met:" >&2
echo "" >&2
echo "    sudo apt-get install -y ${missing[*]}" >&2
echo "" >&2
echo "(de lijst staat in .ci/apt-packages.txt) en start 'make test' opnieuw." >&2
exit 1
