#include "app/agent_config.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <spdlog/fmt/fmt.h>
#include <yaml-cpp/yaml.h>

#include "app/engine_config.hpp"
#include "app/yaml_json.hpp"
#include "audio/resampler.hpp"
#include "providers/embedded/espeak_tts.hpp"
#include "providers/embedded/pocketsphinx_stt.hpp"
#include "providers/embedded/rules_brain.hpp"
#include "providers/fallback/fallback_llm.hpp"
#include "providers/fallback/fallback_stt.hpp"
#include "providers/fallback/fallback_tts.hpp"
#include "providers/llm/anthropic_llm.hpp"
#include "providers/llm/gemini_llm.hpp"
#include "providers/llm/openai_chat_llm.hpp"
#include "providers/stt/cartesia_stt.hpp"
#include "providers/stt/assemblyai_stt.hpp"
#include "providers/stt/deepgram_stt.hpp"
#include "providers/stt/openai_transcribe_stt.hpp"
#include "providers/tts/cartesia_tts.hpp"
#include "providers/tts/elevenlabs_tts.hpp"
#include "providers/tts/elevenlabs_voices.hpp"
#include "providers/tts/elevenlabs_ws_tts.hpp"
#include "providers/tts/openai_speech_tts.hpp"
#include "session/builtin_tools.hpp"

namespace patter::app {

ProviderRuntime::ProviderRuntime(providers::EspeakEngineOptions espeak_options,
                                 std::size_t pocketsphinx_queue_capacity)
    : espeak_options_(std::move(espeak_options)),
      pocketsphinx_queue_capacity_(pocketsphinx_queue_capacity) {}

std::shared_ptr<providers::EspeakEngine> ProviderRuntime::espeak_engine() {
  std::lock_guard lock(mutex_);
  if (!espeak_engine_) {
    espeak_engine_ = std::make_shared<providers::EspeakEngine>(espeak_options_);
  }
  return espeak_engine_;
}

std::shared_ptr<providers::SerialWorker> ProviderRuntime::pocketsphinx_worker() {
  std::lock_guard lock(mutex_);
  if (!pocketsphinx_worker_) {
    pocketsphinx_worker_ = std::make_shared<providers::SerialWorker>(pocketsphinx_queue_capacity_);
  }
  return pocketsphinx_worker_;
}

namespace {

using core::ConfigNode;
using std::chrono::milliseconds;

constexpr std::string_view kOnMessageSecretVariable = "PATTER_ON_MESSAGE_SECRET";

// The file's raw YAML, read again for the values passed on as JSON text: ConfigNode keeps only
// the text of a scalar, not whether it was a number or a quoted string.
struct Source {
  YAML::Node root;
  std::string name;
  const core::EnvLookup& env;
};

std::string mapping_as_json(const YAML::Node& raw, const ConfigNode& parent, std::string_view key,
                            const Source& source) {
  (void)parent.section(key);  // the value must be a mapping
  return yaml_to_json(raw, parent.path() + "." + std::string(key), source.name, source.env);
}

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

milliseconds millis_or(const ConfigNode& node, std::string_view key, milliseconds fallback,
                       std::int64_t max) {
  return milliseconds(node.integer_or(key, fallback.count(), 0, max));
}

bool has_scheme(std::string_view url, std::initializer_list<std::string_view> schemes) {
  return std::any_of(schemes.begin(), schemes.end(), [url](std::string_view scheme) {
    const std::string prefix = std::string(scheme) + "://";
    return url.size() > prefix.size() && url.starts_with(prefix);
  });
}

bool valid_tool_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

bool is_builtin_tool(std::string_view name) {
  return name == session::kEndCallTool || name == session::kTransferCallTool;
}

void require_map(const ConfigNode& item, std::string_view keys) {
  if (!item.is_map()) throw item.error_at("", fmt::format("expected a mapping with {}", keys));
}

// Provider constructors report bad settings without saying where they came from.
template <typename Provider, typename... Args>
std::shared_ptr<Provider> construct(const ConfigNode& section, Args&&... args) {
  try {
    return std::make_shared<Provider>(std::forward<Args>(args)...);
  } catch (const core::Error& e) {
    if (e.code() != core::Errc::config_invalid) throw;
    throw section.error_at("", e.what());
  }
}

// ---- providers ----

struct BuildContext {
  ProviderRuntime& runtime;
  const Source& source;
  const std::vector<Tool>& tools;
  bool builtin_tools;
};

std::shared_ptr<SttProvider> make_pocketsphinx(const ConfigNode& stt, const YAML::Node& /*raw*/,
                                               const BuildContext& context) {
  stt.reject_unknown_keys({"provider", "phrases", "grammar"});
  providers::PocketsphinxSttOptions options;
  for (const auto& item : stt.list("phrases")) {
    auto phrase = item.scalar();
    try {
      (void)providers::PocketsphinxRecognizer::grammar_for({phrase});
    } catch (const core::Error& e) {
      throw item.error_at("", e.what());
    }
    options.recognizer.phrases.push_back(std::move(phrase));
  }
  options.recognizer.jsgf = stt.string_or("grammar", "");
  if (!options.recognizer.jsgf.empty() && !options.recognizer.phrases.empty()) {
    throw stt.error_at("grammar", "give either grammar or phrases, not both");
  }
  options.worker = context.runtime.pocketsphinx_worker();
  return construct<providers::PocketsphinxStt>(stt, std::move(options));
}

// A duration in ms that may also be turned off with `false`.
std::optional<int> millis_or_off(const ConfigNode& node, std::string_view key,
                                 std::optional<int> fallback, std::int64_t min) {
  if (!node.has(key)) return fallback;
  if (node.string_or(key, "") == "false") return std::nullopt;
  return static_cast<int>(node.integer_or(key, min, min, 600'000));
}

std::shared_ptr<SttProvider> make_deepgram(const ConfigNode& stt, const YAML::Node& /*raw*/,
                                           const BuildContext& /*context*/) {
  stt.reject_unknown_keys({"provider", "model", "language", "api_key", "base_url",
                           "endpointing_ms", "utterance_end_ms", "interim_results", "vad_events",
                           "smart_format", "punctuate", "keyterms", "keepalive_ms",
                           "reconnect_attempts", "replay_window_ms"});
  providers::DeepgramConfig config;
  config.api_key = stt.credential("api_key", providers::kDeepgramKeyVariable);
  config.base_url = stt.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"wss", "ws", "https", "http"})) {
    throw stt.error_at("base_url", "expected a wss://, ws:// or https:// URL, got " +
                                       in_quotes(config.base_url));
  }
  config.model = stt.string_or("model", config.model);
  if (config.model.empty()) throw stt.error_at("model", "must not be empty");
  config.language = stt.string_or("language", "");
  config.interim_results = stt.boolean_or("interim_results", config.interim_results);
  config.endpointing_ms = millis_or_off(stt, "endpointing_ms", config.endpointing_ms, 10);
  config.utterance_end_ms = millis_or_off(stt, "utterance_end_ms", config.utterance_end_ms, 1000);
  config.vad_events = stt.boolean_or("vad_events", config.vad_events);
  config.smart_format = stt.boolean_or("smart_format", config.smart_format);
  config.punctuate = stt.boolean_or("punctuate", config.punctuate);
  config.keyterms = stt.strings("keyterms");
  config.keepalive_interval = milliseconds(
      stt.integer_or("keepalive_ms", config.keepalive_interval.count(), 500, 9'000));
  config.reconnect_attempts =
      static_cast<int>(stt.integer_or("reconnect_attempts", config.reconnect_attempts, 0, 20));
  config.replay_window = milliseconds(
      stt.integer_or("replay_window_ms", config.replay_window.count(), 1'000, 60'000));
  return construct<providers::DeepgramStt>(stt, std::move(config));
}

std::shared_ptr<SttProvider> make_assemblyai(const ConfigNode& stt, const YAML::Node& /*raw*/,
                                             const BuildContext& /*context*/) {
  stt.reject_unknown_keys({"provider", "model", "api_key", "base_url", "encoding", "sample_rate",
                           "format_turns", "end_of_turn_confidence_threshold",
                           "min_turn_silence_ms", "max_turn_silence_ms", "keyterms", "chunk_ms",
                           "keepalive_ms", "reconnect_attempts", "replay_window_ms"});
  providers::AssemblyAiConfig config;
  config.api_key = stt.credential("api_key", providers::kAssemblyAiKeyVariable);
  config.base_url = stt.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"wss", "ws", "https", "http"})) {
    throw stt.error_at("base_url", "expected a wss://, ws:// or https:// URL, got " +
                                       in_quotes(config.base_url));
  }
  config.speech_model = stt.string_or("model", config.speech_model);
  if (config.speech_model.empty()) throw stt.error_at("model", "must not be empty");
  const auto encoding = stt.choice_or("encoding", "pcm_mulaw", {"pcm_mulaw", "pcm_s16le"});
  config.input_format.encoding = encoding == "pcm_mulaw" ? Encoding::mulaw : Encoding::pcm16_le;
  config.input_format.sample_rate = static_cast<int>(
      stt.integer_or("sample_rate", encoding == "pcm_mulaw" ? 8000 : 16000, 8000, 48000));
  config.format_turns = stt.boolean_or("format_turns", config.format_turns);
  config.end_of_turn_confidence_threshold = stt.number_or(
      "end_of_turn_confidence_threshold", config.end_of_turn_confidence_threshold, 0.0, 1.0);
  config.min_turn_silence_ms = static_cast<int>(
      stt.integer_or("min_turn_silence_ms", config.min_turn_silence_ms, 0, 10'000));
  config.max_turn_silence_ms = static_cast<int>(
      stt.integer_or("max_turn_silence_ms", config.max_turn_silence_ms, 0, 60'000));
  if (config.max_turn_silence_ms < config.min_turn_silence_ms) {
    throw stt.error_at("max_turn_silence_ms", "must be at least min_turn_silence_ms");
  }
  config.keyterms = stt.strings("keyterms");
  config.chunk = milliseconds(stt.integer_or("chunk_ms", config.chunk.count(), 50, 1'000));
  config.keepalive_interval = milliseconds(
      stt.integer_or("keepalive_ms", config.keepalive_interval.count(), 500, 60'000));
  config.reconnect_attempts =
      static_cast<int>(stt.integer_or("reconnect_attempts", config.reconnect_attempts, 0, 20));
  config.replay_window = milliseconds(
      stt.integer_or("replay_window_ms", config.replay_window.count(), 1'000, 60'000));
  return construct<providers::AssemblyAiStt>(stt, std::move(config));
}

// encoding and sample_rate as Cartesia names them: PCM16 at 16 kHz unless set; μ-law and A-law
// at 8 kHz unless a rate is given.
AudioFormat cartesia_audio_format(const ConfigNode& section, AudioFormat fallback) {
  const auto encoding = section.choice_or("encoding",
                                          std::string(providers::cartesia_encoding(fallback.encoding)),
                                          {"pcm_s16le", "pcm_mulaw", "pcm_alaw"});
  AudioFormat format;
  format.encoding = encoding == "pcm_mulaw"  ? Encoding::mulaw
                    : encoding == "pcm_alaw" ? Encoding::alaw
                                             : Encoding::pcm16_le;
  const int natural = format.encoding == fallback.encoding ? fallback.sample_rate
                      : format.encoding == Encoding::pcm16_le ? 16000
                                                              : 8000;
  format.sample_rate = static_cast<int>(section.integer_or("sample_rate", natural, 8000, 48000));
  return format;
}

std::shared_ptr<SttProvider> make_cartesia_stt(const ConfigNode& stt, const YAML::Node& /*raw*/,
                                               const BuildContext& /*context*/) {
  stt.reject_unknown_keys({"provider", "model", "language", "api_key", "base_url", "version",
                           "encoding", "sample_rate", "min_volume", "max_silence_duration_secs",
                           "keepalive_ms", "reconnect_attempts", "replay_window_ms"});
  providers::CartesiaSttConfig config;
  config.api_key = stt.credential("api_key", providers::kCartesiaKeyVariable);
  config.base_url = stt.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"wss", "ws", "https", "http"})) {
    throw stt.error_at("base_url", "expected a wss://, ws:// or https:// URL, got " +
                                       in_quotes(config.base_url));
  }
  config.model = stt.string_or("model", config.model);
  if (config.model.empty()) throw stt.error_at("model", "must not be empty");
  config.version = stt.string_or("version", config.version);
  config.language = stt.string_or("language", "");
  config.input_format = cartesia_audio_format(stt, config.input_format);
  if (stt.has("min_volume")) config.min_volume = stt.number_or("min_volume", 0.0, 0.0, 1.0);
  if (stt.has("max_silence_duration_secs")) {
    config.max_silence_duration_secs =
        stt.number_or("max_silence_duration_secs", 0.5, 0.05, 10.0);
  }
  config.keepalive_interval = milliseconds(
      stt.integer_or("keepalive_ms", config.keepalive_interval.count(), 1'000, 60'000));
  config.reconnect_attempts =
      static_cast<int>(stt.integer_or("reconnect_attempts", config.reconnect_attempts, 0, 20));
  config.replay_window = milliseconds(
      stt.integer_or("replay_window_ms", config.replay_window.count(), 1'000, 60'000));
  return construct<providers::CartesiaStt>(stt, std::move(config));
}

// `openai` (the Realtime transcription socket unless transport: rest) and `whisper` (REST,
// whisper-1).
std::shared_ptr<SttProvider> make_openai_stt(const ConfigNode& stt, const YAML::Node& /*raw*/,
                                             const BuildContext& /*context*/) {
  const bool whisper = stt.required_string("provider") == "whisper";
  stt.reject_unknown_keys({"provider", "model", "language", "prompt", "api_key", "base_url",
                           "transport", "input_format", "vad_threshold", "prefix_padding_ms",
                           "silence_duration_ms", "noise_reduction", "gate_threshold_dbfs",
                           "gate_min_silence_ms", "reconnect_attempts", "replay_window_ms",
                           "max_attempts", "request_timeout_ms"});
  providers::OpenAiTranscribeConfig config;
  config.api_key = stt.credential("api_key", providers::kOpenAiTranscribeKeyVariable);
  const auto transport =
      whisper ? std::string("rest") : stt.choice_or("transport", "realtime", {"realtime", "rest"});
  if (whisper && stt.has("transport")) {
    throw stt.error_at("transport", "whisper is always REST; use provider openai for realtime");
  }
  config.transport = transport == "rest" ? providers::OpenAiTranscribeTransport::rest
                                         : providers::OpenAiTranscribeTransport::realtime;
  config.base_url = stt.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"https", "http", "wss", "ws"})) {
    throw stt.error_at("base_url",
                       "expected an https:// (or wss://) URL, got " + in_quotes(config.base_url));
  }
  config.model = stt.string_or("model", whisper ? "whisper-1" : config.model);
  if (config.model.empty()) throw stt.error_at("model", "must not be empty");
  config.language = stt.string_or("language", "");
  config.prompt = stt.string_or("prompt", "");
  const auto format =
      stt.choice_or("input_format", "g711_ulaw", {"g711_ulaw", "g711_alaw", "pcm16"});
  config.input_format = format == "g711_alaw" ? kTelephonyAlaw
                        : format == "pcm16"   ? AudioFormat{Encoding::pcm16_le, 24000}
                                              : kTelephonyMulaw;
  config.server_vad.threshold =
      stt.number_or("vad_threshold", config.server_vad.threshold, 0.0, 1.0);
  config.server_vad.prefix_padding_ms = static_cast<int>(
      stt.integer_or("prefix_padding_ms", config.server_vad.prefix_padding_ms, 0, 10'000));
  config.server_vad.silence_duration_ms = static_cast<int>(
      stt.integer_or("silence_duration_ms", config.server_vad.silence_duration_ms, 10, 10'000));
  if (stt.has("noise_reduction")) {
    config.noise_reduction =
        stt.choice_or("noise_reduction", "near_field", {"near_field", "far_field"});
  }
  config.gate.threshold_dbfs = static_cast<float>(
      stt.number_or("gate_threshold_dbfs", config.gate.threshold_dbfs, -90.0, 0.0));
  config.gate.min_silence_ms = static_cast<int>(
      stt.integer_or("gate_min_silence_ms", config.gate.min_silence_ms, 32, 10'000));
  config.reconnect_attempts =
      static_cast<int>(stt.integer_or("reconnect_attempts", config.reconnect_attempts, 0, 20));
  config.replay_window = milliseconds(
      stt.integer_or("replay_window_ms", config.replay_window.count(), 1'000, 60'000));
  config.max_attempts =
      static_cast<int>(stt.integer_or("max_attempts", config.max_attempts, 1, 10));
  config.request_timeout = milliseconds(
      stt.integer_or("request_timeout_ms", config.request_timeout.count(), 1, 600'000));
  return construct<providers::OpenAiTranscribeStt>(stt, std::move(config));
}

std::shared_ptr<TtsProvider> make_espeak(const ConfigNode& tts, const YAML::Node& /*raw*/,
                                         const BuildContext& context) {
  tts.reject_unknown_keys({"provider", "voice", "words_per_minute", "pitch", "sample_rate"});
  providers::EspeakTtsOptions options;
  options.voice = tts.string_or("voice", "");
  options.rate_wpm =
      static_cast<int>(tts.integer_or("words_per_minute", options.rate_wpm, 80, 450));
  options.pitch = static_cast<int>(tts.integer_or("pitch", options.pitch, 0, 100));
  options.sample_rate = static_cast<int>(tts.integer_or(
      "sample_rate", options.sample_rate, audio::Resampler::kMinRate, audio::Resampler::kMaxRate));
  return construct<providers::EspeakTts>(tts, context.runtime.espeak_engine(), std::move(options));
}

std::shared_ptr<TtsProvider> make_elevenlabs(const ConfigNode& tts, const YAML::Node& /*raw*/,
                                             const BuildContext& /*context*/) {
  tts.reject_unknown_keys({"provider", "voice", "model", "api_key", "base_url", "transport",
                           "output_format", "optimize_streaming_latency", "voice_settings",
                           "language_code", "enable_logging", "inactivity_timeout_s",
                           "first_byte_timeout_ms", "request_timeout_ms"});
  providers::ElevenLabsConfig config;
  // The key is read first so a file that lacks it says so before anything else.
  config.api_key = tts.credential("api_key", config.api_key_variable);
  config.transport = tts.choice_or("transport", "http", {"http", "websocket"}) == "websocket"
                         ? providers::ElevenLabsTransport::websocket
                         : providers::ElevenLabsTransport::http;
  if (tts.has("voice")) {
    try {
      config.voice_id = providers::elevenlabs_voice_id(tts.required_string("voice"));
    } catch (const core::Error& e) {
      throw tts.error_at("voice", e.what());
    }
  }
  config.model = tts.string_or("model", config.model);
  config.base_url = tts.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"http", "https"})) {
    throw tts.error_at("base_url",
                       "expected an http:// or https:// URL, got " + in_quotes(config.base_url));
  }
  config.output_format = tts.choice_or(
      "output_format", config.output_format,
      {"ulaw_8000", "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100"});
  if (tts.has("optimize_streaming_latency")) {
    config.optimize_streaming_latency =
        static_cast<int>(tts.integer_or("optimize_streaming_latency", 0, 0, 4));
  }
  if (tts.has("voice_settings")) {
    const auto settings = tts.section("voice_settings");
    settings.reject_unknown_keys(
        {"stability", "similarity_boost", "style", "use_speaker_boost", "speed"});
    auto& out = config.voice_settings;
    if (settings.has("stability")) out.stability = settings.number_or("stability", 0.5, 0.0, 1.0);
    if (settings.has("similarity_boost"))
      out.similarity_boost = settings.number_or("similarity_boost", 0.75, 0.0, 1.0);
    if (settings.has("style")) out.style = settings.number_or("style", 0.0, 0.0, 1.0);
    if (settings.has("use_speaker_boost"))
      out.use_speaker_boost = settings.boolean_or("use_speaker_boost", true);
    if (settings.has("speed")) out.speed = settings.number_or("speed", 1.0, 0.7, 1.2);
  }
  config.language_code = tts.string_or("language_code", "");
  config.enable_logging = tts.boolean_or("enable_logging", config.enable_logging);
  config.inactivity_timeout = std::chrono::seconds(
      tts.integer_or("inactivity_timeout_s", config.inactivity_timeout.count(), 5, 180));
  config.first_byte_timeout = milliseconds(
      tts.integer_or("first_byte_timeout_ms", config.first_byte_timeout.count(), 1, 600'000));
  config.request_timeout = milliseconds(
      tts.integer_or("request_timeout_ms", config.request_timeout.count(), 1, 600'000));
  if (config.transport == providers::ElevenLabsTransport::websocket) {
    return construct<providers::ElevenLabsWsTts>(tts, std::move(config));
  }
  return construct<providers::ElevenLabsTts>(tts, std::move(config));
}

std::shared_ptr<TtsProvider> make_cartesia_tts(const ConfigNode& tts, const YAML::Node& /*raw*/,
                                               const BuildContext& /*context*/) {
  tts.reject_unknown_keys({"provider", "voice", "model", "api_key", "base_url", "version",
                           "language", "encoding", "sample_rate", "speed", "volume", "emotion",
                           "max_buffer_delay_ms", "continue_turns", "turn_gap_ms",
                           "first_byte_timeout_ms", "idle_timeout_ms", "max_attempts"});
  providers::CartesiaTtsConfig config;
  config.api_key = tts.credential("api_key", config.api_key_variable);
  config.base_url = tts.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"wss", "ws", "https", "http"})) {
    throw tts.error_at("base_url", "expected a wss://, ws:// or https:// URL, got " +
                                       in_quotes(config.base_url));
  }
  config.voice_id = tts.string_or("voice", config.voice_id);
  config.model = tts.string_or("model", config.model);
  config.version = tts.string_or("version", config.version);
  config.language = tts.string_or("language", "");
  config.output_format = cartesia_audio_format(tts, config.output_format);
  if (tts.has("speed")) config.speed = tts.number_or("speed", 1.0, 0.6, 1.5);
  if (tts.has("volume")) config.volume = tts.number_or("volume", 1.0, 0.5, 2.0);
  config.emotion = tts.string_or("emotion", "");
  if (tts.has("max_buffer_delay_ms")) {
    config.max_buffer_delay_ms = static_cast<int>(tts.integer_or("max_buffer_delay_ms", 0, 0, 5000));
  }
  config.continue_turns = tts.boolean_or("continue_turns", config.continue_turns);
  config.turn_gap =
      milliseconds(tts.integer_or("turn_gap_ms", config.turn_gap.count(), 1, 60'000));
  config.first_byte_timeout = milliseconds(
      tts.integer_or("first_byte_timeout_ms", config.first_byte_timeout.count(), 1, 600'000));
  config.idle_timeout =
      milliseconds(tts.integer_or("idle_timeout_ms", config.idle_timeout.count(), 1, 600'000));
  config.max_attempts = static_cast<int>(tts.integer_or("max_attempts", config.max_attempts, 1, 5));
  return construct<providers::CartesiaTts>(tts, std::move(config));
}

std::shared_ptr<TtsProvider> make_openai_tts(const ConfigNode& tts, const YAML::Node& /*raw*/,
                                             const BuildContext& /*context*/) {
  tts.reject_unknown_keys({"provider", "model", "voice", "speed", "instructions", "api_key",
                           "base_url", "first_byte_timeout_ms", "request_timeout_ms",
                           "max_attempts"});
  providers::OpenAiSpeechConfig config;
  config.api_key = tts.credential("api_key", providers::kOpenAiSpeechKeyVariable);
  config.base_url = tts.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"http", "https"})) {
    throw tts.error_at("base_url",
                       "expected an http:// or https:// URL, got " + in_quotes(config.base_url));
  }
  config.model = tts.string_or("model", config.model);
  if (config.model.empty()) throw tts.error_at("model", "must not be empty");
  config.voice = tts.string_or("voice", config.voice);
  if (config.voice.empty()) throw tts.error_at("voice", "must not be empty");
  if (tts.has("speed")) config.speed = tts.number_or("speed", 1.0, 0.25, 4.0);
  config.instructions = tts.string_or("instructions", "");
  config.first_byte_timeout = milliseconds(
      tts.integer_or("first_byte_timeout_ms", config.first_byte_timeout.count(), 1, 600'000));
  config.request_timeout = milliseconds(
      tts.integer_or("request_timeout_ms", config.request_timeout.count(), 1, 600'000));
  config.max_attempts =
      static_cast<int>(tts.integer_or("max_attempts", config.max_attempts, 1, 10));
  return construct<providers::OpenAiSpeechTts>(tts, std::move(config));
}

providers::RuleToolCall read_rule_tool(const ConfigNode& tool, const YAML::Node& raw,
                                       const BuildContext& context) {
  tool.reject_unknown_keys({"name", "arguments"});
  providers::RuleToolCall call;
  call.name = tool.required_string("name");
  const bool declared = std::any_of(context.tools.begin(), context.tools.end(),
                                    [&call](const Tool& t) { return t.name == call.name; });
  if (!declared && !(context.builtin_tools && is_builtin_tool(call.name))) {
    throw tool.error_at(
        "name", fmt::format("no tool named {} is declared under agent.tools{}",
                            in_quotes(call.name), context.builtin_tools ? " or built in" : ""));
  }
  if (tool.has("arguments")) {
    call.arguments_json = mapping_as_json(raw["arguments"], tool, "arguments", context.source);
  }
  return call;
}

std::shared_ptr<LlmProvider> make_rules_brain(const ConfigNode& llm, const YAML::Node& raw,
                                              const BuildContext& context) {
  llm.reject_unknown_keys({"provider", "rules", "fallback_reply", "tool_result_reply"});
  providers::RulesBrainOptions options;
  const auto rules = llm.list("rules");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& item = rules[i];
    require_map(item, "keywords, reply and tool");
    item.reject_unknown_keys({"keywords", "reply", "tool"});
    providers::BrainRule rule;
    rule.keywords = item.strings("keywords");
    if (rule.keywords.empty()) throw item.error_at("keywords", "needs at least one keyword");
    rule.reply = item.string_or("reply", "");
    if (item.has("tool")) {
      rule.tool_call = read_rule_tool(item.section("tool"), raw["rules"][i]["tool"], context);
    }
    if (rule.reply.empty() && !rule.tool_call) {
      throw item.error_at("", "needs a reply, a tool or both");
    }
    options.rules.push_back(std::move(rule));
  }
  options.fallback_reply = llm.string_or("fallback_reply", options.fallback_reply);
  options.tool_result_reply = llm.string_or("tool_result_reply", options.tool_result_reply);
  return construct<providers::RulesBrain>(llm, std::move(options));
}

// temperature, max_tokens and the timeouts of a cloud language model.
void read_reply_limits(const ConfigNode& llm, providers::ChatConfig& config,
                       double max_temperature) {
  if (llm.has("temperature")) {
    config.temperature = llm.number_or("temperature", 1.0, 0.0, max_temperature);
  }
  if (llm.has("max_tokens")) {
    config.max_tokens = static_cast<int>(llm.integer_or("max_tokens", 1, 1, 1'000'000));
  }
  config.request_timeout = milliseconds(
      llm.integer_or("request_timeout_ms", config.request_timeout.count(), 1, 600'000));
  config.first_token_timeout = milliseconds(
      llm.integer_or("first_token_timeout_ms", config.first_token_timeout.count(), 1, 600'000));
}

// openai, groq, cerebras and openai_compatible: the Chat Completions clients.
std::shared_ptr<LlmProvider> make_chat_llm(const ConfigNode& llm, const YAML::Node& /*raw*/,
                                           const BuildContext& /*context*/) {
  llm.reject_unknown_keys({"provider", "model", "base_url", "api_key", "temperature", "max_tokens",
                           "organization", "request_timeout_ms", "first_token_timeout_ms"});
  const auto& preset = *providers::find_chat_preset(llm.required_string("provider"));
  auto config = providers::config_for(preset);
  const bool self_hosted = preset.api_key_variable.empty();
  // The key is read first so a file that lacks it says so before anything else.
  config.api_key = self_hosted ? llm.string_or("api_key", "")
                               : llm.credential("api_key", preset.api_key_variable);
  config.base_url =
      self_hosted ? llm.required_string("base_url") : llm.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"http", "https"})) {
    throw llm.error_at("base_url",
                       "expected an http:// or https:// URL, got " + in_quotes(config.base_url));
  }
  config.model = self_hosted ? llm.required_string("model") : llm.string_or("model", config.model);
  if (config.model.empty()) throw llm.error_at("model", "must not be empty");
  read_reply_limits(llm, config, 2.0);
  if (const auto organization = llm.string_or("organization", ""); !organization.empty()) {
    config.headers.emplace_back("OpenAI-Organization", organization);
  }
  return construct<providers::OpenAiChatLlm>(llm, std::move(config));
}

// anthropic and gemini: the Messages API and Gemini API clients.
std::shared_ptr<LlmProvider> make_cloud_llm(const ConfigNode& llm, const YAML::Node& /*raw*/,
                                            const BuildContext& /*context*/) {
  const bool anthropic = llm.required_string("provider") == "anthropic";
  if (anthropic) {
    llm.reject_unknown_keys({"provider", "model", "base_url", "api_key", "temperature",
                             "max_tokens", "prompt_caching", "request_timeout_ms",
                             "first_token_timeout_ms"});
  } else {
    llm.reject_unknown_keys({"provider", "model", "base_url", "api_key", "temperature",
                             "max_tokens", "request_timeout_ms", "first_token_timeout_ms"});
  }
  auto config = anthropic ? providers::anthropic_config() : providers::gemini_config();
  // The key is read first so a file that lacks it says so before anything else. Gemini's key
  // may also come from GOOGLE_API_KEY, which is then the variable to check when it is rejected.
  if (auto key = llm.optional_credential("api_key", config.api_key_variable)) {
    config.api_key = std::move(*key);
  } else if (auto google = anthropic ? std::nullopt
                                     : llm.optional_credential("api_key", "GOOGLE_API_KEY")) {
    config.api_key = std::move(*google);
    config.api_key_variable = "GOOGLE_API_KEY";
  } else {
    config.api_key = llm.credential("api_key", config.api_key_variable);
  }
  config.base_url = llm.string_or("base_url", config.base_url);
  if (!has_scheme(config.base_url, {"http", "https"})) {
    throw llm.error_at("base_url",
                       "expected an http:// or https:// URL, got " + in_quotes(config.base_url));
  }
  config.model = llm.string_or("model", config.model);
  if (config.model.empty()) throw llm.error_at("model", "must not be empty");
  read_reply_limits(llm, config, anthropic ? 1.0 : 2.0);
  if (anthropic) {
    config.prompt_caching = llm.boolean_or("prompt_caching", config.prompt_caching);
    return construct<providers::AnthropicLlm>(llm, std::move(config));
  }
  return construct<providers::GeminiLlm>(llm, std::move(config));
}

template <typename Provider>
struct ProviderEntry {
  std::string_view name;
  std::shared_ptr<Provider> (*make)(const ConfigNode& section, const YAML::Node& raw,
                                    const BuildContext& context);
};

// The providers each section may name; cloud providers join these tables.
constexpr std::array kSttProviders{ProviderEntry<SttProvider>{"pocketsphinx", &make_pocketsphinx},
                                   ProviderEntry<SttProvider>{"deepgram", &make_deepgram},
                                   ProviderEntry<SttProvider>{"assemblyai", &make_assemblyai},
                                   ProviderEntry<SttProvider>{"cartesia", &make_cartesia_stt},
                                   ProviderEntry<SttProvider>{"openai", &make_openai_stt},
                                   ProviderEntry<SttProvider>{"whisper", &make_openai_stt}};
constexpr std::array kTtsProviders{ProviderEntry<TtsProvider>{"espeak", &make_espeak},
                                   ProviderEntry<TtsProvider>{"elevenlabs", &make_elevenlabs},
                                   ProviderEntry<TtsProvider>{"cartesia", &make_cartesia_tts},
                                   ProviderEntry<TtsProvider>{"openai", &make_openai_tts}};
constexpr std::array kLlmProviders{ProviderEntry<LlmProvider>{"rules", &make_rules_brain},
                                   ProviderEntry<LlmProvider>{"openai", &make_chat_llm},
                                   ProviderEntry<LlmProvider>{"groq", &make_chat_llm},
                                   ProviderEntry<LlmProvider>{"cerebras", &make_chat_llm},
                                   ProviderEntry<LlmProvider>{"openai_compatible", &make_chat_llm},
                                   ProviderEntry<LlmProvider>{"anthropic", &make_cloud_llm},
                                   ProviderEntry<LlmProvider>{"gemini", &make_cloud_llm}};

template <typename Provider, std::size_t N>
std::shared_ptr<Provider> build_fallback(const ConfigNode& section, const YAML::Node& raw,
                                         const std::array<ProviderEntry<Provider>, N>& known,
                                         const BuildContext& context);

// One provider section; `chained` is a section inside a fallback's list.
template <typename Provider, std::size_t N>
std::shared_ptr<Provider> build_section(const ConfigNode& section, const YAML::Node& raw,
                                        const std::array<ProviderEntry<Provider>, N>& known,
                                        const BuildContext& context, bool chained) {
  std::string names;
  for (const auto& entry : known) names += (names.empty() ? "" : ", ") + std::string(entry.name);
  if (!chained) names += ", fallback";
  if (!section.has("provider")) {
    throw section.error_at("provider", fmt::format("is required (known providers: {})", names));
  }
  const auto name = section.required_string("provider");
  if (name == "fallback" && !chained) return build_fallback(section, raw, known, context);
  if (name == "fallback") {
    throw section.error_at("provider", "a fallback's providers cannot be fallbacks themselves");
  }
  for (const auto& entry : known) {
    if (entry.name == name) return entry.make(section, raw, context);
  }
  throw section.error_at(
      "provider", fmt::format("unknown provider {} (known providers: {})", in_quotes(name), names));
}

// provider: fallback, with `providers`, a list of ordinary provider sections, tried in order.
template <typename Provider, std::size_t N>
std::shared_ptr<Provider> build_fallback(const ConfigNode& section, const YAML::Node& raw,
                                         const std::array<ProviderEntry<Provider>, N>& known,
                                         const BuildContext& context) {
  constexpr bool kHears = std::is_same_v<Provider, SttProvider>;
  if constexpr (kHears) {
    section.reject_unknown_keys({"provider", "providers", "max_retry_per_provider",
                                 "recovery_interval_s", "warm_standby", "replay_window_ms"});
  } else {
    section.reject_unknown_keys(
        {"provider", "providers", "max_retry_per_provider", "recovery_interval_s", "warm_standby"});
  }
  const auto items = section.list("providers");
  if (items.empty()) throw section.error_at("providers", "needs at least one provider section");
  std::vector<std::shared_ptr<Provider>> chain;
  for (std::size_t i = 0; i < items.size(); ++i) {
    require_map(items[i], "provider and its settings");
    chain.push_back(build_section(items[i], raw["providers"][i], known, context, true));
  }
  providers::FallbackSettings settings;
  settings.max_retry_per_provider = static_cast<int>(
      section.integer_or("max_retry_per_provider", settings.max_retry_per_provider, 0, 10));
  settings.recovery_interval = std::chrono::seconds(section.integer_or(
      "recovery_interval_s",
      std::chrono::duration_cast<std::chrono::seconds>(settings.recovery_interval).count(), 1,
      3600));
  settings.warm_standby = section.boolean_or("warm_standby", settings.warm_standby);
  if constexpr (kHears) {
    settings.replay_window = milliseconds(
        section.integer_or("replay_window_ms", settings.replay_window.count(), 1'000, 60'000));
    return construct<providers::FallbackStt>(section, std::move(chain), std::move(settings));
  } else if constexpr (std::is_same_v<Provider, LlmProvider>) {
    return construct<providers::FallbackLlm>(section, std::move(chain), std::move(settings));
  } else {
    return construct<providers::FallbackTts>(section, std::move(chain), std::move(settings));
  }
}

template <typename Provider, std::size_t N>
std::shared_ptr<Provider> build_provider(const ConfigNode& agent, const YAML::Node& raw_agent,
                                         std::string_view key,
                                         const std::array<ProviderEntry<Provider>, N>& known,
                                         const BuildContext& context) {
  if (!agent.has(key)) return nullptr;
  return build_section(agent.section(key), raw_agent[std::string(key)], known, context, false);
}

// ---- agent sections ----

std::map<std::string, std::string> read_variables(const ConfigNode& agent) {
  std::map<std::string, std::string> variables;
  const auto section = agent.section("variables");
  for (const auto& name : section.keys()) variables[name] = section.string_or(name, "");
  return variables;
}

std::vector<Tool> read_tools(const ConfigNode& agent, const YAML::Node& raw_agent,
                             const Source& source, bool builtin_tools) {
  std::vector<Tool> tools;
  const auto items = agent.list("tools");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    require_map(item, "name, description, parameters and webhook_url");
    item.reject_unknown_keys({"name", "description", "parameters", "webhook_url"});
    Tool tool;
    tool.name = item.required_string("name");
    if (!valid_tool_name(tool.name)) {
      throw item.error_at(
          "name", "expected 1 to 64 letters, digits, '_' or '-', got " + in_quotes(tool.name));
    }
    if (builtin_tools && is_builtin_tool(tool.name)) {
      throw item.error_at(
          "name",
          in_quotes(tool.name) + " is a built-in tool; rename yours or set builtin_tools: false");
    }
    const auto same = std::find_if(tools.begin(), tools.end(),
                                   [&tool](const Tool& t) { return t.name == tool.name; });
    if (same != tools.end()) {
      throw item.error_at("name", fmt::format("{} is already the name of agent.tools[{}]",
                                              in_quotes(tool.name), same - tools.begin()));
    }
    tool.description = item.string_or("description", "");
    if (item.has("parameters")) {
      tool.parameters_json =
          mapping_as_json(raw_agent["tools"][i]["parameters"], item, "parameters", source);
    }
    tool.webhook_url = item.required_string("webhook_url");
    if (!has_scheme(tool.webhook_url, {"http", "https"})) {
      throw item.error_at(
          "webhook_url", "expected an http:// or https:// URL, got " + in_quotes(tool.webhook_url));
    }
    tools.push_back(std::move(tool));
  }
  return tools;
}

std::vector<Guardrail> read_guardrails(const ConfigNode& agent) {
  std::vector<Guardrail> guardrails;
  for (const auto& item : agent.list("guardrails")) {
    require_map(item, "name, blocked_terms and replacement");
    item.reject_unknown_keys({"name", "blocked_terms", "replacement"});
    Guardrail guardrail;
    guardrail.name = item.required_string("name");
    guardrail.blocked_terms = item.strings("blocked_terms");
    if (guardrail.blocked_terms.empty()) {
      throw item.error_at("blocked_terms", "needs at least one term");
    }
    guardrail.replacement = item.string_or("replacement", guardrail.replacement);
    guardrails.push_back(std::move(guardrail));
  }
  return guardrails;
}

VadSettings read_vad(const ConfigNode& agent) {
  const auto section = agent.section("vad");
  section.reject_unknown_keys({"enabled", "activation_threshold", "deactivation_threshold",
                               "min_speech_ms", "min_silence_ms", "model_path"});
  VadSettings vad;
  vad.enabled = section.boolean_or("enabled", vad.enabled);
  vad.activation_threshold =
      section.number_or("activation_threshold", vad.activation_threshold, 0.0, 1.0);
  // Unset, it follows the activation threshold with the same gap as the defaults (0.5 / 0.35).
  vad.deactivation_threshold = section.number_or(
      "deactivation_threshold", std::max(vad.activation_threshold - 0.15, 0.01), 0.0, 1.0);
  if (vad.deactivation_threshold > vad.activation_threshold) {
    throw section.error_at(
        "deactivation_threshold",
        fmt::format("must not exceed activation_threshold ({})", vad.activation_threshold));
  }
  vad.min_speech = millis_or(section, "min_speech_ms", vad.min_speech, 5'000);
  vad.min_silence = millis_or(section, "min_silence_ms", vad.min_silence, 10'000);
  vad.model_path = section.string_or("model_path", "");
  return vad;
}

void read_barge_in(const ConfigNode& agent_node, Agent& agent) {
  const auto section = agent_node.section("barge_in");
  section.reject_unknown_keys(
      {"enabled", "gate_ms", "confirm_ms", "min_words", "resume_after_ms", "threshold_ms"});
  auto& options = agent.barge_in;
  options.enabled = section.boolean_or("enabled", options.enabled);
  options.gate = millis_or(section, "gate_ms", options.gate, 5'000);
  options.confirm_window = millis_or(section, "confirm_ms", options.confirm_window, 10'000);
  if (section.has("min_words")) {
    const auto words = static_cast<std::size_t>(section.integer_or("min_words", 2, 1, 20));
    options.strategies.push_back(std::make_shared<MinWordsStrategy>(words));
  }
  options.resume_after_false_interruption =
      millis_or(section, "resume_after_ms", options.resume_after_false_interruption, 60'000);
  agent.barge_in_threshold_ms =
      static_cast<int>(section.integer_or("threshold_ms", agent.barge_in_threshold_ms, 0, 5'000));
}

TurnCommitOptions read_turn_commit(const ConfigNode& agent) {
  const auto section = agent.section("turn_commit");
  section.reject_unknown_keys({"hallucinations", "duplicate_window_ms", "min_gap_ms"});
  TurnCommitOptions options;
  if (section.has("hallucinations")) options.hallucinations = section.strings("hallucinations");
  options.duplicate_window =
      millis_or(section, "duplicate_window_ms", options.duplicate_window, 60'000);
  options.min_gap = millis_or(section, "min_gap_ms", options.min_gap, 60'000);
  return options;
}

OnMessage read_on_message(const ConfigNode& agent) {
  OnMessage on_message;
  if (!agent.has("on_message")) return on_message;
  const auto section = agent.section("on_message");
  section.reject_unknown_keys({"url", "secret"});
  on_message.url = section.required_string("url");
  if (!has_scheme(on_message.url, {"http", "https", "ws", "wss"})) {
    throw section.error_at(
        "url", "expected an http(s):// or ws(s):// URL, got " + in_quotes(on_message.url));
  }
  on_message.secret = section.optional_credential("secret", kOnMessageSecretVariable).value_or("");
  return on_message;
}

AgentFile read_agent(const ConfigNode& node, const YAML::Node& raw, const Source& source,
                     ProviderRuntime& runtime) {
  node.reject_unknown_keys({"system_prompt", "first_message", "language", "voice", "variables",
                            "stt", "tts", "llm", "on_message", "tools", "builtin_tools",
                            "guardrails", "vad", "barge_in", "turn_commit",
                            "aggressive_first_flush", "max_tool_iterations", "prewarm", "engine"});
  AgentFile file;
  Agent& agent = file.agent;
  agent.system_prompt = node.required_string("system_prompt");
  agent.first_message = node.string_or("first_message", "");
  agent.language = node.string_or("language", agent.language);
  agent.voice = node.string_or("voice", agent.voice);
  agent.variables = read_variables(node);
  agent.builtin_tools = node.boolean_or("builtin_tools", agent.builtin_tools);
  agent.tools = read_tools(node, raw, source, agent.builtin_tools);
  agent.guardrails = read_guardrails(node);
  agent.vad = read_vad(node);
  read_barge_in(node, agent);
  agent.turn_commit = read_turn_commit(node);
  agent.aggressive_first_flush =
      node.boolean_or("aggressive_first_flush", agent.aggressive_first_flush);
  agent.max_tool_iterations = static_cast<std::size_t>(node.integer_or(
      "max_tool_iterations", static_cast<std::int64_t>(agent.max_tool_iterations), 1, 50));
  agent.prewarm = node.boolean_or("prewarm", agent.prewarm);

  if (node.has("llm") && node.has("on_message")) {
    throw node.error_at("on_message",
                        "cannot be combined with agent.llm: answer with a language model (llm) "
                        "or with your own service (on_message), not both");
  }
  file.on_message = read_on_message(node);
  if (node.has("engine")) {
    for (const std::string_view other : {"llm", "on_message"}) {
      if (node.has(other)) {
        throw node.error_at("engine", fmt::format("cannot be combined with agent.{}: a speech-to-speech engine "
                                                  "answers the caller itself; keep agent.engine or agent.{}",
                                                  other, other));
      }
    }
    agent.engine = build_engine(node.section("engine"));
  }

  // The brain first: its settings are checked before any engine starts.
  const BuildContext context{runtime, source, agent.tools, agent.builtin_tools};
  agent.llm = build_provider(node, raw, "llm", kLlmProviders, context);
  agent.stt = build_provider(node, raw, "stt", kSttProviders, context);
  agent.tts = build_provider(node, raw, "tts", kTtsProviders, context);
  return file;
}

}  // namespace

AgentFile parse_agent_yaml(std::string_view yaml, std::string_view source_name,
                           ProviderRuntime& runtime, const core::EnvLookup& env) {
  const auto root = ConfigNode::parse(yaml, std::string(source_name), env);
  // One file may describe the server too (see docs/configuration.md); those sections are read there.
  root.reject_unknown_keys({"agent", "server", "log", "dashboard", "twilio"});
  if (!root.has("agent")) throw root.error_at("agent", "is required");
  const Source source{YAML::Load(std::string(yaml)), std::string(source_name), env};
  const YAML::Node raw_agent = source.root["agent"];
  return read_agent(root.section("agent"), raw_agent, source, runtime);
}

AgentFile load_agent_file(const std::filesystem::path& path, ProviderRuntime& runtime,
                          const core::EnvLookup& env) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw core::Error(core::Errc::config_invalid, path.string() + ": cannot open the file");
  std::ostringstream contents;
  contents << file.rdbuf();
  return parse_agent_yaml(contents.str(), path.string(), runtime, env);
}

}  // namespace patter::app
