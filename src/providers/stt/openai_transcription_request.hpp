#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "providers/stt/openai_transcribe_config.hpp"

namespace patter::providers {

// POST {base}/audio/transcriptions for one utterance: a multipart/form-data body with the audio
// as a mono PCM16 WAV file ("utterance.wav", audio/wav), model, language and prompt when set,
// and response_format json. `boundary` must not occur in the WAV (callers pick a random one).
net::HttpClientRequest transcription_request(const OpenAiTranscribeConfig& config,
                                             std::string_view language,
                                             std::span<const std::int16_t> samples, int sample_rate,
                                             std::string_view boundary);

// The text of a 200 response ({"text":"..."}), or nullopt when the body is not that.
std::optional<std::string> transcription_text(std::string_view body);

}  // namespace patter::providers
