#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <patter/audio_format.hpp>

#include "net/url.hpp"

namespace patter::providers {

// Everything one ElevenLabs Conversational AI engine needs, resolved: no environment lookups
// happen later.
struct ElevenLabsConvAiConfig {
  std::string api_key;
  std::string api_key_variable = "ELEVENLABS_API_KEY";  // named in messages about the key
  std::string agent_id;
  std::string agent_id_variable = "ELEVENLABS_AGENT_ID";
  // https://api.elevenlabs.io; the conversation socket uses the same host with wss:// (ws:// for
  // http://).
  std::string base_url = "https://api.elevenlabs.io";
  // Fetch a signed URL (GET /v1/convai/conversation/get-signed-url with the key) and connect to
  // it without the key, as agents that require authentication expect.
  bool signed_url = false;
  std::string voice_id;  // empty: the call's voice, mapped to an id; unknown names are not sent

  // Which parts of conversation_config_override the first message carries. Each needs the
  // matching override allowed in the agent's security settings, or ElevenLabs ends the
  // conversation.
  bool override_prompt = true;
  bool override_first_message = true;
  bool override_language = true;
  bool override_voice = true;
  // Ask for the carrier's own format in both directions (tts.output_format, asr.input_format).
  bool override_audio_formats = true;
  std::map<std::string, std::string> dynamic_variables;

  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From the socket opening to conversation_initiation_metadata.
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(10)};
  // ConvAI sends no end of a response: it ends after this long without agent audio.
  std::chrono::milliseconds response_done_after{500};
  // Caller audio gathered into one user_audio_chunk (the carrier sends 20 ms frames).
  std::chrono::milliseconds input_chunk{60};
  // Caller audio kept while the conversation is starting; older audio is dropped.
  std::chrono::milliseconds max_pending_audio{std::chrono::seconds(5)};
  // The longest wait a ping's ping_ms may ask for before its pong.
  std::chrono::milliseconds max_pong_delay{std::chrono::seconds(2)};
  std::string extra_ca_pem;
};

// The audio an agent_output_audio_format / user_input_audio_format names ("ulaw_8000",
// "pcm_16000", ...), or nullopt for one this runtime cannot handle.
std::optional<AudioFormat> convai_audio_format(std::string_view name);

// The format name to ask ConvAI for so that `carrier` passes through unchanged, or pcm_16000
// for a carrier format ConvAI does not speak.
std::string convai_format_name(const AudioFormat& carrier);

// wss://host/v1/convai/conversation (ws:// for an http:// base URL), without the query.
std::string conversation_url(const ElevenLabsConvAiConfig& config);
net::QueryParams conversation_query(const ElevenLabsConvAiConfig& config);
// https://host/v1/convai/conversation/get-signed-url?agent_id=...
std::string signed_url_request_url(const ElevenLabsConvAiConfig& config);

// Throws core::Error: missing_credential for an empty key or agent id (naming their
// environment variables), config_invalid for a base URL that is not http(s) or non-positive
// durations.
void validate(const ElevenLabsConvAiConfig& config);

}  // namespace patter::providers
