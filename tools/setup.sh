#!/usr/bin/env bash
# Installs everything patter needs to build, run and test on Debian 12, then the runtime data
# (the Silero VAD model). Safe to run again: when everything is present it only checks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config ca-certificates curl
  clang libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev
  libspdlog-dev libfmt-dev libyaml-cpp-dev libcli11-dev
  libsoxr-dev libespeak-ng-dev espeak-ng sox libsqlite3-dev
  libpocketsphinx-dev pocketsphinx-en-us libsphinxbase-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The dashboard's browser tests drive Debian's Chromium (playwright-core comes from npm).
  chromium fonts-dejavu-core
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node.js (with npm) fetches the VAD model and builds the dashboard (npm ci in web/dashboard
# and tests/browser, run by the CMake build); any Node.js 20.19+ already there will do.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all system packages present"
fi

as_root bash "$here/fetch-silero-model.sh"
