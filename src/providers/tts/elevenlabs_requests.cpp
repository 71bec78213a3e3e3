#include "providers/tts/elevenlabs_requests.hpp"

#include <boost/json.hpp>

namespace patter::providers {

namespace json = boost::json;

namespace {

json::object voice_settings_json(const ElevenLabsVoiceSettings& settings) {
  json::object object;
  if (settings.stability) object["stability"] = *settings.stability;
  if (settings.similarity_boost) object["similarity_boost"] = *settings.similarity_boost;
  if (settings.style) object["style"] = *settings.style;
  if (settings.use_speaker_boost) object["use_speaker_boost"] = *settings.use_speaker_boost;
  if (settings.speed) object["speed"] = *settings.speed;
  return object;
}

std::string voice_path(const ElevenLabsConfig& config, std::string_view endpoint) {
  return "v1/text-to-speech/" + config.voice_id + "/" + std::string(endpoint);
}

}  // namespace

std::string http_stream_url(const ElevenLabsConfig& config) {
  net::QueryParams query{{"output_format", config.output_format}};
  if (config.optimize_streaming_latency) {
    query.emplace_back("optimize_streaming_latency",
                       std::to_string(*config.optimize_streaming_latency));
  }
  if (!config.enable_logging) query.emplace_back("enable_logging", "false");
  return net::append_query(net::join_url(config.base_url, voice_path(config, "stream")), query);
}

std::string http_stream_body(const ElevenLabsConfig& config, std::string_view text) {
  json::object body{{"text", text}, {"model_id", config.model}};
  if (!config.voice_settings.empty())
    body["voice_settings"] = voice_settings_json(config.voice_settings);
  if (!config.language_code.empty()) body["language_code"] = config.language_code;
  return json::serialize(body);
}

std::string stream_input_url(const ElevenLabsConfig& config) {
  std::string base = config.base_url;
  if (base.starts_with("https://")) {
    base.replace(0, 5, "wss");
  } else if (base.starts_with("http://")) {
    base.replace(0, 4, "ws");
  }
  return net::join_url(base, voice_path(config, "stream-input"));
}

net::QueryParams stream_input_query(const ElevenLabsConfig& config) {
  net::QueryParams query{{"model_id", config.model},
                         {"output_format", config.output_format},
                         {"inactivity_timeout", std::to_string(config.inactivity_timeout.count())},
                         {"auto_mode", "true"}};
  if (!config.language_code.empty()) query.emplace_back("language_code", config.language_code);
  if (!config.enable_logging) query.emplace_back("enable_logging", "false");
  return query;
}

std::string stream_input_start(const ElevenLabsConfig& config) {
  json::object message{{"text", " "}};
  if (!config.voice_settings.empty())
    message["voice_settings"] = voice_settings_json(config.voice_settings);
  return json::serialize(message);
}

std::string stream_input_text(std::string_view text) {
  std::string spoken(text);
  if (spoken.empty() || spoken.back() != ' ') spoken += ' ';
  return json::serialize(json::object{{"text", spoken}, {"flush", true}});
}

std::string stream_input_end() {
  return R"({"text":""})";
}

}  // namespace patter::providers
