#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/call_script.hpp"

namespace patter::providers {
class EspeakEngine;
}  // namespace patter::providers

namespace patter::sim {

// 8 kHz μ-law, the caller's side of a Twilio stream.
using MulawAudio = std::vector<std::uint8_t>;

// Any WAV parse_wav accepts, mixed down to mono and resampled. Throws core::Error(config_invalid)
// naming the file when it cannot be read or its rate is unsupported.
[[nodiscard]] MulawAudio load_wav_as_mulaw(const std::filesystem::path& path);

// Speaks `text` with espeak-ng directly at 8 kHz; resumes on the awaiting coroutine's executor.
// Throws core::Error: what the engine throws on submit (config_invalid for bad options,
// rate_limited), upstream_error when synthesis fails or is cancelled.
boost::asio::awaitable<MulawAudio> speak_as_mulaw(providers::EspeakEngine& engine, std::string text,
                                                  CallerVoice voice);

// The caller audio of every step (empty for steps that say nothing), rendered before the call
// so that synthesis never delays it. `engine` may be null when no step speaks text; otherwise
// that is core::Error(config_invalid).
boost::asio::awaitable<std::vector<MulawAudio>> render_caller_audio(
    const CallScript& script, providers::EspeakEngine* engine);

}  // namespace patter::sim
