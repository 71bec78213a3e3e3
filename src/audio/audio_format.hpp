#pragma once

#include <patter/audio_format.hpp>

#include "core/clock.hpp"

// The audio layer works in the public API's format types.
namespace patter::audio {
using patter::AudioFormat;
using patter::bytes_per_sample;
using patter::Encoding;
using patter::kPcm16k;
using patter::kTelephonyAlaw;
using patter::kTelephonyMulaw;
using patter::silence_byte;
using patter::to_string;
}  // namespace patter::audio
