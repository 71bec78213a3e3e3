#pragma once

#include <string>
#include <string_view>

#include "net/url.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers {

// POST {base_url}/v1/text-to-speech/{voice_id}/stream?output_format=...: the HTTP streaming URL,
// with optimize_streaming_latency and enable_logging=false when set.
std::string http_stream_url(const ElevenLabsConfig& config);
// {"text", "model_id", "voice_settings"?, "language_code"?}
std::string http_stream_body(const ElevenLabsConfig& config, std::string_view text);

// ws(s)://{host}/v1/text-to-speech/{voice_id}/stream-input, and its query (model_id,
// output_format, inactivity_timeout, auto_mode, ...).
std::string stream_input_url(const ElevenLabsConfig& config);
net::QueryParams stream_input_query(const ElevenLabsConfig& config);
// The first message: a single space (an empty text would end the stream) and voice_settings.
std::string stream_input_start(const ElevenLabsConfig& config);
// The sentence, ending with a space as the server expects, generated at once (flush).
std::string stream_input_text(std::string_view text);
// End of input: the server finishes, sends isFinal and closes.
std::string stream_input_end();

}  // namespace patter::providers
