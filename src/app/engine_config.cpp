#include "app/engine_config.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include <patter/realtime.hpp>

#include "core/error.hpp"

namespace patter::app {

namespace {

using core::ConfigNode;
using std::chrono::milliseconds;

constexpr std::string_view kOpenAiKeyVariable = "OPENAI_API_KEY";
constexpr std::string_view kElevenLabsKeyVariable = "ELEVENLABS_API_KEY";
constexpr std::string_view kElevenLabsAgentVariable = "ELEVENLABS_AGENT_ID";

milliseconds millis_or(const ConfigNode& node, std::string_view key, milliseconds fallback,
                       std::int64_t min, std::int64_t max) {
  return milliseconds(node.integer_or(key, fallback.count(), min, max));
}

// The factories check the options as a whole; their message is located at the section.
template <typename Make>
std::shared_ptr<RealtimeEngine> construct(const ConfigNode& section, Make make) {
  try {
    return make();
  } catch (const std::invalid_argument& error) {
    throw section.error_at("", error.what());
  }
}

void read_turn_detection(const ConfigNode& engine, realtime::OpenAiRealtimeOptions& options) {
  if (!engine.has("turn_detection")) return;
  const auto section = engine.section("turn_detection");
  section.reject_unknown_keys({"type", "threshold", "prefix_padding_ms", "silence_duration_ms", "eagerness"});
  const auto type = section.choice_or("type", "server_vad", {"server_vad", "semantic_vad"});
  options.turn_detection = type == "semantic_vad" ? realtime::OpenAiTurnDetection::semantic_vad
                                                  : realtime::OpenAiTurnDetection::server_vad;
  options.vad_threshold = section.number_or("threshold", options.vad_threshold, 0.0, 1.0);
  options.prefix_padding_ms =
      static_cast<int>(section.integer_or("prefix_padding_ms", options.prefix_padding_ms, 0, 5'000));
  options.silence_duration_ms =
      static_cast<int>(section.integer_or("silence_duration_ms", options.silence_duration_ms, 0, 10'000));
  options.eagerness = section.choice_or("eagerness", options.eagerness, {"low", "medium", "high", "auto"});
  if (type == "server_vad" && section.has("eagerness")) {
    throw section.error_at("eagerness", "applies only to type: semantic_vad");
  }
}

std::shared_ptr<RealtimeEngine> make_openai_realtime(const ConfigNode& engine) {
  engine.reject_unknown_keys({"provider", "api_key", "base_url", "api", "model", "voice", "turn_detection",
                              "transcription_model", "temperature", "max_output_tokens", "ga_transcode",
                              "session_ready_timeout_ms"});
  realtime::OpenAiRealtimeOptions options;
  options.api_key = engine.credential("api_key", kOpenAiKeyVariable);
  options.base_url = engine.string_or("base_url", "");
  options.api = engine.choice_or("api", "beta", {"beta", "ga"}) == "ga" ? realtime::OpenAiRealtimeApi::ga
                                                                        : realtime::OpenAiRealtimeApi::beta_v1;
  options.model = engine.string_or("model", "");
  options.voice = engine.string_or("voice", "");
  read_turn_detection(engine, options);
  options.transcription_model = engine.string_or("transcription_model", options.transcription_model);
  if (options.transcription_model.empty()) throw engine.error_at("transcription_model", "must not be empty");
  if (engine.has("temperature")) {
    if (options.api == realtime::OpenAiRealtimeApi::ga) {
      throw engine.error_at("temperature", "the GA API has no temperature; remove it or use api: beta");
    }
    options.temperature = engine.number_or("temperature", 0.8, 0.6, 1.2);
  }
  if (engine.has("max_output_tokens")) {
    options.max_output_tokens = static_cast<int>(engine.integer_or("max_output_tokens", 4096, 1, 4096));
  }
  options.ga_transcode = engine.boolean_or("ga_transcode", options.ga_transcode);
  if (options.ga_transcode && options.api != realtime::OpenAiRealtimeApi::ga) {
    throw engine.error_at("ga_transcode", "applies only to api: ga");
  }
  options.session_ready_timeout =
      millis_or(engine, "session_ready_timeout_ms", options.session_ready_timeout, 1, 120'000);
  return construct(engine, [&] { return realtime::openai(std::move(options)); });
}

std::shared_ptr<RealtimeEngine> make_elevenlabs_convai(const ConfigNode& engine) {
  engine.reject_unknown_keys({"provider", "api_key", "agent_id", "signed_url", "base_url", "voice",
                              "dynamic_variables", "override_prompt", "override_first_message",
                              "override_language", "override_voice", "override_audio_formats"});
  realtime::ElevenLabsConvAiOptions options;
  options.api_key = engine.credential("api_key", kElevenLabsKeyVariable);
  const auto agent_id = engine.optional_credential("agent_id", kElevenLabsAgentVariable);
  if (!agent_id || agent_id->empty()) {
    throw engine.error_at("agent_id", fmt::format("is required: the ElevenLabs agent to talk to (or set {})",
                                                  kElevenLabsAgentVariable));
  }
  options.agent_id = *agent_id;
  options.signed_url = engine.boolean_or("signed_url", options.signed_url);
  options.base_url = engine.string_or("base_url", "");
  options.voice = engine.string_or("voice", "");
  const auto variables = engine.section("dynamic_variables");
  for (const auto& name : variables.keys()) options.dynamic_variables[name] = variables.string_or(name, "");
  options.override_prompt = engine.boolean_or("override_prompt", options.override_prompt);
  options.override_first_message = engine.boolean_or("override_first_message", options.override_first_message);
  options.override_language = engine.boolean_or("override_language", options.override_language);
  options.override_voice = engine.boolean_or("override_voice", options.override_voice);
  options.override_audio_formats = engine.boolean_or("override_audio_formats", options.override_audio_formats);
  return construct(engine, [&] { return realtime::elevenlabs_convai(std::move(options)); });
}

}  // namespace

std::shared_ptr<RealtimeEngine> build_engine(const ConfigNode& engine) {
  if (!engine.has("provider")) {
    throw engine.error_at("provider", "is required (known engines: openai_realtime, elevenlabs_convai)");
  }
  const auto provider = engine.required_string("provider");
  if (provider == "openai_realtime") return make_openai_realtime(engine);
  if (provider == "elevenlabs_convai") return make_elevenlabs_convai(engine);
  throw engine.error_at("provider", fmt::format("unknown engine \"{}\" (known engines: openai_realtime, "
                                                "elevenlabs_convai)",
                                                provider));
}

}  // namespace patter::app
