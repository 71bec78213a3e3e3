#include "providers/realtime/openai_realtime_messages.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <stdexcept>

#include "core/base64.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

// ---- building ----

std::string beta_format_name(AudioFormat format) {
  if (format.encoding == Encoding::mulaw) return "g711_ulaw";
  if (format.encoding == Encoding::alaw) return "g711_alaw";
  return "pcm16";
}

json::object ga_format(AudioFormat format) {
  if (format.encoding == Encoding::mulaw) return {{"type", "audio/pcmu"}};
  if (format.encoding == Encoding::alaw) return {{"type", "audio/pcma"}};
  return {{"type", "audio/pcm"}, {"rate", kRealtimePcm.sample_rate}};
}

// "en-US" → "en": the transcription models take ISO-639-1 codes.
std::string transcription_language(std::string_view language) {
  std::string code(language.substr(0, language.find_first_of("-_")));
  for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code;
}

json::object transcription(const OpenAiRealtimeConfig& config,
                           const EngineSessionConfig& session) {
  json::object settings{{"model", config.transcription_model}};
  if (auto language = transcription_language(session.language); !language.empty()) {
    settings["language"] = std::move(language);
  }
  return settings;
}

json::object turn_detection(const OpenAiRealtimeConfig& config) {
  json::object detection;
  if (config.turn_detection == OpenAiTurnDetection::semantic_vad) {
    detection = {{"type", "semantic_vad"}, {"eagerness", config.eagerness}};
  } else {
    detection = {{"type", "server_vad"},
                 {"threshold", config.vad_threshold},
                 {"prefix_padding_ms", config.prefix_padding_ms},
                 {"silence_duration_ms", config.silence_duration_ms}};
  }
  detection["create_response"] = true;
  detection["interrupt_response"] = true;
  return detection;
}

json::array tools(const std::vector<ToolSchema>& schemas) {
  json::array listed;
  for (const auto& schema : schemas) {
    json::value parameters = json::object{{"type", "object"}, {"properties", json::object{}}};
    if (!schema.parameters_json.empty()) {
      boost::system::error_code error;
      parameters = json::parse(schema.parameters_json, error);
      if (error || !parameters.is_object()) {
        throw std::invalid_argument("openai_realtime: the parameters of tool '" + schema.name +
                                    "' are not a JSON object");
      }
    }
    listed.push_back(json::object{{"type", "function"},
                                  {"name", schema.name},
                                  {"description", schema.description},
                                  {"parameters", std::move(parameters)}});
  }
  return listed;
}

std::string voice(const OpenAiRealtimeConfig& config, const EngineSessionConfig& session) {
  if (!config.voice.empty()) return config.voice;
  if (!session.voice.empty()) return session.voice;
  return std::string(kDefaultVoice);
}

json::value max_tokens(const OpenAiRealtimeConfig& config) {
  if (config.max_output_tokens) return *config.max_output_tokens;
  return "inf";
}

void add_tools(json::object& settings, const EngineSessionConfig& session) {
  if (session.tools.empty()) return;
  settings["tools"] = tools(session.tools);
  settings["tool_choice"] = "auto";
}

json::object beta_session(const OpenAiRealtimeConfig& config, const EngineSessionConfig& session,
                          AudioFormat wire) {
  json::object settings{{"modalities", json::array{"text", "audio"}},
                        {"instructions", session.instructions},
                        {"voice", voice(config, session)},
                        {"input_audio_format", beta_format_name(wire)},
                        {"output_audio_format", beta_format_name(wire)},
                        {"input_audio_transcription", transcription(config, session)},
                        {"turn_detection", turn_detection(config)}};
  add_tools(settings, session);
  if (config.temperature) settings["temperature"] = *config.temperature;
  settings["max_response_output_tokens"] = max_tokens(config);
  return settings;
}

json::object ga_session(const OpenAiRealtimeConfig& config, const EngineSessionConfig& session,
                        AudioFormat wire) {
  json::object input{{"format", ga_format(wire)},
                     {"transcription", transcription(config, session)},
                     {"turn_detection", turn_detection(config)}};
  json::object output{{"format", ga_format(wire)}, {"voice", voice(config, session)}};
  json::object settings{{"type", "realtime"},
                        {"model", config.model},
                        {"output_modalities", json::array{"audio"}},
                        {"instructions", session.instructions},
                        {"audio", json::object{{"input", std::move(input)},
                                               {"output", std::move(output)}}}};
  add_tools(settings, session);
  settings["max_output_tokens"] = max_tokens(config);
  return settings;
}

// ---- reading ----

class MalformedEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const json::value* field(const json::object& object, std::string_view name) {
  return object.if_contains(name);
}

std::string text_field(const json::object& object, std::string_view name, bool required = false) {
  const auto* value = field(object, name);
  if (value == nullptr || value->is_null()) {
    if (required) throw MalformedEvent("no " + std::string(name));
    return {};
  }
  if (!value->is_string()) throw MalformedEvent(std::string(name) + " is not a string");
  return std::string(value->as_string());
}

std::int64_t int_field(const json::object& object, std::string_view name) {
  const auto* value = field(object, name);
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->as_uint64());
  if (value->is_double()) return static_cast<std::int64_t>(value->as_double());
  throw MalformedEvent(std::string(name) + " is not a number");
}

const json::object& object_field(const json::object& object, std::string_view name) {
  const auto* value = field(object, name);
  if (value == nullptr || !value->is_object()) {
    throw MalformedEvent(std::string(name) + " is not an object");
  }
  return value->as_object();
}

const json::object* optional_object(const json::object& object, std::string_view name) {
  const auto* value = field(object, name);
  return value != nullptr && value->is_object() ? &value->as_object() : nullptr;
}

std::uint64_t count(const json::object* object, std::string_view name) {
  if (object == nullptr) return 0;
  const auto value = int_field(*object, name);
  return value > 0 ? static_cast<std::uint64_t>(value) : 0;
}

EngineUsage usage_of(const json::object& usage) {
  EngineUsage parsed;
  const auto* input = optional_object(usage, "input_token_details");
  const auto* output = optional_object(usage, "output_token_details");
  parsed.input_text_tokens = count(input, "text_tokens");
  parsed.input_audio_tokens = count(input, "audio_tokens");
  parsed.output_text_tokens = count(output, "text_tokens");
  parsed.output_audio_tokens = count(output, "audio_tokens");
  const auto* cached = input != nullptr ? optional_object(*input, "cached_tokens_details") : nullptr;
  if (cached != nullptr) {
    parsed.cached_text_tokens = count(cached, "text_tokens");
    parsed.cached_audio_tokens = count(cached, "audio_tokens");
  } else {
    parsed.cached_text_tokens = count(input, "cached_tokens");
  }
  return parsed;
}

RealtimeOutputItem output_item(const json::object& event, bool done) {
  const auto& item = object_field(event, "item");
  RealtimeOutputItem parsed;
  parsed.done = done;
  parsed.response_id = text_field(event, "response_id");
  parsed.item_id = text_field(item, "id");
  parsed.item_type = text_field(item, "type");
  parsed.call_id = text_field(item, "call_id");
  parsed.name = text_field(item, "name");
  parsed.arguments = text_field(item, "arguments");
  return parsed;
}

RealtimeResponseDone response_done(const json::object& event) {
  const auto& response = object_field(event, "response");
  RealtimeResponseDone parsed;
  parsed.response_id = text_field(response, "id");
  parsed.status = text_field(response, "status");
  if (const auto* details = optional_object(response, "status_details")) {
    parsed.reason = text_field(*details, "reason");
    if (const auto* error = optional_object(*details, "error")) {
      parsed.reason = text_field(*error, "message");
    }
  }
  if (const auto* usage = optional_object(response, "usage")) parsed.usage = usage_of(*usage);
  return parsed;
}

RealtimeEvent audio_delta(const json::object& event) {
  auto audio = core::decode_base64(text_field(event, "delta", true));
  if (!audio) return RealtimeMalformed{"an audio delta is not base64"};
  return RealtimeAudioDelta{text_field(event, "response_id"), text_field(event, "item_id"),
                            std::move(*audio)};
}

RealtimeEvent decode(const std::string& type, const json::object& event) {
  if (type == "session.created") return RealtimeSessionCreated{};
  if (type == "session.updated") return RealtimeSessionUpdated{};
  if (type == "input_audio_buffer.speech_started") {
    return RealtimeSpeechStarted{text_field(event, "item_id"), int_field(event, "audio_start_ms")};
  }
  if (type == "input_audio_buffer.speech_stopped") {
    return RealtimeSpeechStopped{text_field(event, "item_id"), int_field(event, "audio_end_ms")};
  }
  if (type == "conversation.item.input_audio_transcription.completed") {
    return RealtimeInputTranscript{text_field(event, "item_id"), text_field(event, "transcript")};
  }
  if (type == "conversation.item.input_audio_transcription.failed") {
    std::string message;
    if (const auto* error = optional_object(event, "error")) message = text_field(*error, "message");
    return RealtimeInputTranscriptFailed{text_field(event, "item_id"), message};
  }
  if (type == "response.created") {
    return RealtimeResponseCreated{text_field(object_field(event, "response"), "id")};
  }
  if (type == "response.output_item.added") return output_item(event, false);
  if (type == "response.output_item.done") return output_item(event, true);
  if (type == "response.audio.delta" || type == "response.output_audio.delta") {
    return audio_delta(event);
  }
  if (type == "response.audio.done" || type == "response.output_audio.done") {
    return RealtimeAudioDone{text_field(event, "response_id"), text_field(event, "item_id")};
  }
  if (type == "response.audio_transcript.delta" ||
      type == "response.output_audio_transcript.delta") {
    return RealtimeTranscriptDelta{text_field(event, "response_id"), text_field(event, "item_id"),
                                   text_field(event, "delta")};
  }
  if (type == "response.audio_transcript.done" || type == "response.output_audio_transcript.done") {
    return RealtimeTranscriptDone{text_field(event, "response_id"), text_field(event, "item_id"),
                                  text_field(event, "transcript")};
  }
  if (type == "response.function_call_arguments.done") {
    return RealtimeFunctionCallDone{text_field(event, "response_id"), text_field(event, "item_id"),
                                    text_field(event, "call_id", true), text_field(event, "name"),
                                    text_field(event, "arguments")};
  }
  if (type == "response.done") return response_done(event);
  if (type == "conversation.item.truncated") {
    return RealtimeItemTruncated{text_field(event, "item_id"), int_field(event, "audio_end_ms")};
  }
  if (type == "error") {
    const auto& error = object_field(event, "error");
    return RealtimeServerError{text_field(error, "type"), text_field(error, "code"),
                               text_field(error, "message")};
  }
  return RealtimeOther{type};
}

}  // namespace

std::string session_update(const OpenAiRealtimeConfig& config, const EngineSessionConfig& session,
                           AudioFormat wire) {
  auto settings = config.api == OpenAiRealtimeApi::ga ? ga_session(config, session, wire)
                                                      : beta_session(config, session, wire);
  return json::serialize(json::object{{"type", "session.update"}, {"session", std::move(settings)}});
}

std::string input_audio_append(std::span<const std::uint8_t> audio) {
  return json::serialize(
      json::object{{"type", "input_audio_buffer.append"}, {"audio", core::encode_base64(audio)}});
}

std::string response_create() {
  return json::serialize(json::object{{"type", "response.create"}});
}

std::string verbatim_instructions(std::string_view text) {
  return "Say exactly the following text, word for word, and nothing else: \"" +
         std::string(text) + "\"";
}

std::string verbatim_response_create(std::string_view text) {
  return json::serialize(
      json::object{{"type", "response.create"},
                   {"response", json::object{{"instructions", verbatim_instructions(text)}}}});
}

std::string user_text_item(std::string_view text) {
  json::object item{{"type", "message"},
                    {"role", "user"},
                    {"content", json::array{json::object{{"type", "input_text"}, {"text", text}}}}};
  return json::serialize(json::object{{"type", "conversation.item.create"}, {"item", std::move(item)}});
}

std::string function_call_output_item(std::string_view call_id, std::string_view output) {
  json::object item{{"type", "function_call_output"}, {"call_id", call_id}, {"output", output}};
  return json::serialize(json::object{{"type", "conversation.item.create"}, {"item", std::move(item)}});
}

std::string response_cancel() {
  return json::serialize(json::object{{"type", "response.cancel"}});
}

std::string item_truncate(std::string_view item_id, std::int64_t audio_end_ms) {
  return json::serialize(json::object{{"type", "conversation.item.truncate"},
                                      {"item_id", item_id},
                                      {"content_index", 0},
                                      {"audio_end_ms", audio_end_ms}});
}

RealtimeEvent parse_realtime_event(std::string_view text) {
  boost::system::error_code error;
  const auto parsed = json::parse(text, error);
  if (error) return RealtimeMalformed{"not JSON: " + error.message()};
  if (!parsed.is_object()) return RealtimeMalformed{"not a JSON object"};
  const auto& event = parsed.as_object();
  std::string type;
  try {
    type = text_field(event, "type", true);
    return decode(type, event);
  } catch (const MalformedEvent& malformed) {
    return RealtimeMalformed{(type.empty() ? "" : type + ": ") + malformed.what()};
  }
}

}  // namespace patter::providers
