#!/usr/bin/env bash
# Regenerates the small audio clips under tests/data/vad/ (mono PCM16 WAV) with espeak-ng and sox.
# The clips are committed; run this only to change them, then rerun make-reference.mjs.
set -euo pipefail

readonly out_dir="$(cd "$(dirname "$0")/../.." && pwd)/tests/data/vad"
readonly sentence="Hello, how can I help you today?"
work_dir="$(mktemp -d)"
trap 'rm -rf "${work_dir}"' EXIT
mkdir -p "${out_dir}"

espeak-ng -v en-us -s 160 -w "${work_dir}/speech.wav" "${sentence}"
# Half a second of silence either side, so the clip has speech edges to detect.
sox "${work_dir}/speech.wav" -r 16000 -b 16 -c 1 "${out_dir}/speech_16k.wav" pad 0.5 0.5
sox "${work_dir}/speech.wav" -r 8000 -b 16 -c 1 "${out_dir}/speech_8k.wav" pad 0.5 0.5
sox -n -r 16000 -b 16 -c 1 "${out_dir}/silence_16k.wav" trim 0 0.5
sox -n -r 16000 -b 16 -c 1 "${out_dir}/noise_16k.wav" synth 1.5 whitenoise vol 0.3
sox -n -r 8000 -b 16 -c 1 "${work_dir}/noise_8k.wav" synth 10 whitenoise vol 0.05
sox -m "${out_dir}/speech_8k.wav" "${work_dir}/noise_8k.wav" -b 16 "${out_dir}/speech_noise_8k.wav" \
  trim 0 "$(soxi -D "${out_dir}/speech_8k.wav")"
ls -l "${out_dir}"/*.wav
