#pragma once

// Speech-to-speech engines (see <patter/engine.hpp>). OpenAI Realtime hears the carrier's μ-law
// 8 kHz audio and answers in it: the beta v1 API and the GA API (gpt-realtime) both take
// g711 μ-law as it is; with ga_transcode set the GA session runs on PCM16 24 kHz instead and
// the engine converts once at its boundary. The first message is spoken word for word.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <patter/engine.hpp>

namespace patter::realtime {

enum class OpenAiRealtimeApi { beta_v1, ga };

enum class OpenAiTurnDetection { server_vad, semantic_vad };

struct OpenAiRealtimeOptions {
  std::string api_key;   // empty: the environment variable OPENAI_API_KEY
  std::string base_url;  // empty: wss://api.openai.com/v1/realtime
  OpenAiRealtimeApi api = OpenAiRealtimeApi::beta_v1;
  std::string model;  // empty: gpt-realtime-mini (beta v1) or gpt-realtime (GA)
  std::string voice;  // empty: the call's voice, else alloy
  OpenAiTurnDetection turn_detection = OpenAiTurnDetection::server_vad;
  double vad_threshold = 0.5;  // server_vad only
  int prefix_padding_ms = 300;
  int silence_duration_ms = 300;
  std::string eagerness = "auto";  // semantic_vad only: low, medium, high or auto
  std::string transcription_model = "whisper-1";
  std::optional<double> temperature;     // beta v1 only (0.6..1.2); the GA session has none
  std::optional<int> max_output_tokens;  // per response, 1..4096; nullopt: "inf"
  // GA only: run the session on PCM16 24 kHz and convert to and from the carrier's μ-law
  // 8 kHz here, for models that do not take audio/pcmu.
  bool ga_transcode = false;
  // How long to wait for session.updated before the session fails.
  std::chrono::milliseconds session_ready_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(20)};
  // Caller audio kept while the session is being configured; older audio is dropped.
  std::chrono::milliseconds max_pending_audio{std::chrono::seconds(5)};
  // PEM certificates to trust besides the system store (a proxy with a private CA).
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set OPENAI_API_KEY), a base URL
// that is not wss:// or ws://, an eagerness, threshold, temperature or token limit out of range,
// a non-positive timeout.
std::shared_ptr<RealtimeEngine> openai(OpenAiRealtimeOptions options = {});

// ElevenLabs Conversational AI: an agent configured at ElevenLabs (its LLM, knowledge, tools and
// turn-taking) converses with the caller. The first message asks for μ-law 8 kHz both ways so
// the carrier's bytes pass straight through; when the agent runs on PCM the engine converts
// once at its boundary. ConvAI decides interruptions itself, has no way to speak a given text
// word for word (say() reports a non-fatal error) and bills per minute of conversation, so it
// reports no tokens.
struct ElevenLabsConvAiOptions {
  std::string api_key;   // empty: the environment variable ELEVENLABS_API_KEY
  std::string agent_id;  // empty: the environment variable ELEVENLABS_AGENT_ID
  std::string base_url;  // empty: https://api.elevenlabs.io (the socket uses wss:// there)
  // Connect through a signed URL (fetched with the key) instead of sending the key on the
  // socket, for agents that require authentication.
  bool signed_url = false;
  // A premade voice's name ("sarah", "rachel"; any case) or a voice id. Empty: the call's voice
  // when it is an ElevenLabs voice, else the agent's own.
  std::string voice;
  // What the first message overrides in the agent's configuration: the call's instructions,
  // first message (when not empty), language and voice, and the audio formats. Each needs the
  // override allowed in the agent's security settings, or ElevenLabs ends the conversation.
  bool override_prompt = true;
  bool override_first_message = true;
  bool override_language = true;
  bool override_voice = true;
  bool override_audio_formats = true;
  // The agent's dynamic variables ({{name}} in its prompt and first message).
  std::map<std::string, std::string> dynamic_variables;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // From the socket opening to conversation_initiation_metadata.
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(10)};
  // ConvAI marks no end of a response: it ends after this long without agent audio.
  std::chrono::milliseconds response_done_after{500};
  // Caller audio per user_audio_chunk message (20..250 ms).
  std::chrono::milliseconds input_chunk{60};
  // Caller audio kept while the conversation starts; older audio is dropped.
  std::chrono::milliseconds max_pending_audio{std::chrono::seconds(5)};
  // PEM certificates to trust besides the system store.
  std::string extra_ca_pem;
};

// Throws std::invalid_argument naming the problem: no API key (set ELEVENLABS_API_KEY), no
// agent id (set ELEVENLABS_AGENT_ID), an unknown voice name, a base URL that is not http(s), a
// duration out of range.
std::shared_ptr<RealtimeEngine> elevenlabs_convai(ElevenLabsConvAiOptions options = {});

}  // namespace patter::realtime
