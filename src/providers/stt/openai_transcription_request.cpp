#include "providers/stt/openai_transcription_request.hpp"

#include <boost/json.hpp>

#include "audio/wav.hpp"

namespace patter::providers {

namespace json = boost::json;

namespace {

void add_field(std::string& body, std::string_view boundary, std::string_view name,
               std::string_view value) {
  body += "--";
  body += boundary;
  body += "\r\nContent-Disposition: form-data; name=\"";
  body += name;
  body += "\"\r\n\r\n";
  body += value;
  body += "\r\n";
}

}  // namespace

net::HttpClientRequest transcription_request(const OpenAiTranscribeConfig& config,
                                             std::string_view language,
                                             std::span<const std::int16_t> samples, int sample_rate,
                                             std::string_view boundary) {
  const auto wav = audio::serialize_wav(audio::WavAudio::from_samples(samples, sample_rate));
  std::string body;
  body.reserve(wav.size() + 1024);
  add_field(body, boundary, "model", config.model);
  if (!language.empty()) add_field(body, boundary, "language", language);
  if (!config.prompt.empty()) add_field(body, boundary, "prompt", config.prompt);
  add_field(body, boundary, "response_format", "json");
  body += "--";
  body += boundary;
  body +=
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"utterance.wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\n";
  body.append(reinterpret_cast<const char*>(wav.data()), wav.size());
  body += "\r\n--";
  body += boundary;
  body += "--\r\n";

  net::HttpClientRequest request;
  request.method = "POST";
  request.url = transcriptions_url(config);
  request.headers.emplace_back("Authorization", "Bearer " + config.api_key);
  request.headers.emplace_back("Content-Type",
                               "multipart/form-data; boundary=" + std::string(boundary));
  request.body = std::move(body);
  request.total_timeout = config.request_timeout;
  return request;
}

std::optional<std::string> transcription_text(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  if (error || !parsed.is_object()) return std::nullopt;
  const auto* text = parsed.as_object().if_contains("text");
  if (text == nullptr || !text->is_string()) return std::nullopt;
  return std::string(text->as_string());
}

}  // namespace patter::providers
