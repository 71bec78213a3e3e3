// The REST endpoints of FakeOpenAiAudio: /v1/audio/transcriptions and /v1/audio/speech.

#include <algorithm>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <variant>

#include "audio/mulaw.hpp"
#include "audio/wav.hpp"
#include "fakes/fake_openai_audio_parts.hpp"

namespace patter::fakes::openai_audio {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxInput = 4096;

// ---- POST /v1/audio/transcriptions ----

struct FormPart {
  std::string name;
  std::optional<std::string> file_name;
  std::string content_type;
  std::string content;
};

std::string header_parameter(std::string_view header, std::string_view name) {
  const auto key = std::string(name) + "=\"";
  const auto at = header.find(key);
  if (at == std::string_view::npos) return {};
  const auto start = at + key.size();
  const auto end = header.find('"', start);
  return std::string(header.substr(start, end == std::string_view::npos ? 0 : end - start));
}

// The parts of a multipart/form-data body, or why it is not one.
std::variant<std::vector<FormPart>, std::string> parse_form(std::string_view body,
                                                            std::string_view boundary) {
  const auto delimiter = "--" + std::string(boundary);
  auto at = body.find(delimiter);
  if (at != 0) return std::string("the body does not start with the boundary");
  std::vector<FormPart> parts;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;
    if (body.substr(at, 2) != "\r\n") return std::string("a boundary not followed by CRLF");
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return std::string("a part without headers");
    FormPart part;
    auto headers = body.substr(at, headers_end - at);
    while (!headers.empty()) {
      const auto line_end = headers.find("\r\n");
      const auto line = headers.substr(0, line_end);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (name == "content-disposition") {
          part.name = header_parameter(value, "name");
          if (value.find("filename=") != std::string_view::npos) {
            part.file_name = header_parameter(value, "filename");
          }
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      headers =
          line_end == std::string_view::npos ? std::string_view{} : headers.substr(line_end + 2);
    }
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return std::string("a part that never ends");
    part.content = std::string(body.substr(content_start, next - content_start));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

std::vector<std::string> words_in_wav(const FakeOpenAiAudioOptions& options,
                                      const audio::WavAudio& wav) {
  WordListener listener(options, wav.sample_rate);
  if (wav.encoding == audio::Encoding::mulaw || wav.encoding == audio::Encoding::alaw) {
    for (const auto byte : wav.data) listener.feed(byte);
  } else {
    for (const auto sample : wav.samples()) listener.feed(audio::mulaw_encode(sample));
  }
  return listener.take();
}

struct Refusal {
  FakeResponse response;
  std::string why;
};

// Fills `record` from the request; the WAV it carries, or why the real service would refuse it.
std::variant<audio::WavAudio, Refusal> check_transcription(const FakeRequest& request,
                                                           const FakeOpenAiAudioOptions& options,
                                                           FakeTranscriptionRequest& record) {
  if (auto refusal = check_key(request, options.api_key)) return Refusal{*refusal, "wrong key"};
  const auto boundary_at = record.content_type.find("boundary=");
  if (!record.content_type.starts_with("multipart/form-data") || boundary_at == std::string::npos) {
    return Refusal{invalid_request("Expected a multipart/form-data body with a boundary."),
                   "not multipart"};
  }
  auto parsed = parse_form(request.body, record.content_type.substr(boundary_at + 9));
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    return Refusal{invalid_request("Could not parse multipart form: " + *problem), *problem};
  }
  const FormPart* file = nullptr;
  for (const auto& part : std::get<std::vector<FormPart>>(parsed)) {
    if (part.file_name) {
      if (part.name == "file") file = &part;
      continue;
    }
    record.fields.emplace_back(part.name, part.content);
  }
  if (file == nullptr) {
    return Refusal{invalid_request("Missing required parameter: 'file'.", "file"), "no file"};
  }
  record.file_name = *file->file_name;
  record.file_content_type = file->content_type;
  record.file = file->content;
  const auto model = record.field("model").value_or("");
  if (model.empty()) {
    return Refusal{invalid_request("Missing required parameter: 'model'.", "model"), "no model"};
  }
  if (model != "whisper-1" && model != "gpt-4o-transcribe" && model != "gpt-4o-mini-transcribe") {
    return Refusal{
        invalid_request("The model '" + model + "' does not exist.", "model", "model_not_found"),
        "unknown model " + model};
  }
  const auto format = record.field("response_format").value_or("json");
  if (format != "json" && format != "text") {
    return Refusal{
        invalid_request("This fake answers response_format json or text.", "response_format"),
        "response_format " + format};
  }
  audio::WavAudio wav;
  try {
    wav = audio::parse_wav(
        {reinterpret_cast<const std::uint8_t*>(record.file.data()), record.file.size()});
  } catch (const audio::WavError& error) {
    return Refusal{
        invalid_request("Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', "
                        "'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']",
                        "file", "invalid_value"),
        error.what()};
  }
  record.wav_sample_rate = wav.sample_rate;
  record.wav_channels = wav.channels;
  record.wav_encoding = std::string(audio::to_string(wav.encoding));
  record.duration_ms = static_cast<double>(wav.frame_count()) * 1000.0 / wav.sample_rate;
  if (record.duration_ms < 100.0) {
    return Refusal{invalid_request("Audio file is too short. Minimum audio length is 0.1 seconds.",
                                   "file", "audio_too_short"),
                   "too short"};
  }
  return wav;
}

}  // namespace

asio::awaitable<void> serve_transcription(FakeHttpExchange& exchange,
                                          const FakeOpenAiAudioOptions& options,
                                          const std::shared_ptr<State>& state) {
  const auto& request = exchange.request();
  FakeTranscriptionRequest record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.content_type = request.header("Content-Type").value_or("");
  auto checked = check_transcription(request, options, record);
  if (auto* refusal = std::get_if<Refusal>(&checked)) {
    record.rejection = refusal->why;
    state->locked([&] { state->transcriptions.push_back(record); });
    co_await exchange.respond(std::move(refusal->response));
    co_return;
  }
  const auto& wav = std::get<audio::WavAudio>(checked);
  const auto format = record.field("response_format").value_or("json");
  const auto reply = state->locked([&] {
    if (state->transcription_queue.empty()) return options.default_transcription_reply;
    auto next = std::move(state->transcription_queue.front());
    state->transcription_queue.pop_front();
    return next;
  });
  co_await pause(reply.time_to_first_byte);
  if (reply.status != 200) {
    state->locked([&] { state->transcriptions.push_back(record); });
    co_await exchange.respond(json_response(
        reply.status, error_body(reply.error_type, reply.error_code, reply.error_message),
        reply.error_headers));
    co_return;
  }
  if (reply.disconnect_after == 0U) {
    state->locked([&] { state->transcriptions.push_back(record); });
    exchange.disconnect();
    co_return;
  }
  if (reply.malformed_after == 0U) {
    state->locked([&] { state->transcriptions.push_back(record); });
    auto cut_short = json_response(200, R"({"text": "cut short)");
    co_await exchange.respond(std::move(cut_short));
    co_return;
  }
  record.transcript = transcript_for(options, *state, words_in_wav(options, wav));
  const auto body = format == "text" ? record.transcript + "\n"
                                     : json::serialize(json::object{{"text", record.transcript}});
  state->locked([&] { state->transcriptions.push_back(record); });
  auto answer = format == "text" ? FakeResponse{200, {{"Content-Type", "text/plain"}}, body}
                                 : json_response(200, body);
  co_await exchange.respond(std::move(answer));
}

// ---- POST /v1/audio/speech ----

namespace {

// The speech request's fields, or why the real service would answer 400.
std::optional<FakeResponse> check_speech(FakeSpeechRequest& record) {
  boost::system::error_code parse_error;
  const auto parsed = json::parse(record.body, parse_error);
  if (parse_error || !parsed.is_object()) {
    return invalid_request("We could not parse the JSON body of your request.");
  }
  const auto& body = parsed.as_object();
  const auto text = [&](std::string_view key) -> std::optional<std::string> {
    const auto* value = body.if_contains(key);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return std::string(value->as_string());
  };
  record.model = text("model").value_or("");
  record.voice = text("voice").value_or("");
  record.input = text("input").value_or("");
  record.response_format = text("response_format").value_or("mp3");
  record.instructions = text("instructions").value_or("");
  if (const auto* speed = body.if_contains("speed"); speed && speed->is_number()) {
    record.speed = speed->to_number<double>();
  }
  if (record.model.empty()) return invalid_request("Missing required parameter: 'model'.", "model");
  if (record.model != "tts-1" && record.model != "tts-1-hd" && record.model != "gpt-4o-mini-tts") {
    return invalid_request("The model '" + record.model + "' does not exist.", "model",
                           "model_not_found");
  }
  static const std::vector<std::string> kVoices = {"alloy", "ash",     "ballad", "coral",
                                                   "echo",  "fable",   "onyx",   "nova",
                                                   "sage",  "shimmer", "verse"};
  if (std::find(kVoices.begin(), kVoices.end(), record.voice) == kVoices.end()) {
    return invalid_request("Invalid value for 'voice': '" + record.voice + "'.", "voice",
                           "invalid_value");
  }
  if (trimmed(record.input).empty()) {
    return invalid_request("Missing required parameter: 'input'.", "input");
  }
  if (code_points(record.input) > kMaxInput) {
    return invalid_request("'input' is too long: at most 4096 characters.", "input",
                           "string_above_max_length");
  }
  if (record.response_format != "pcm") {
    return invalid_request("This fake only produces response_format 'pcm'.", "response_format");
  }
  if (record.speed && (*record.speed < 0.25 || *record.speed > 4.0)) {
    return invalid_request("'speed' must be between 0.25 and 4.0.", "speed", "invalid_value");
  }
  if (!record.instructions.empty() && record.model != "gpt-4o-mini-tts") {
    return invalid_request("Instructions are not supported for " + record.model + ".",
                           "instructions", "invalid_value");
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<void> serve_speech(FakeHttpExchange& exchange,
                                   const FakeOpenAiAudioOptions& options,
                                   const std::shared_ptr<State>& state) {
  const auto& request = exchange.request();
  FakeSpeechRequest record;
  record.connection_id = request.connection_id;
  record.authorization = request.header("Authorization").value_or("");
  record.body = request.body;
  auto refusal = check_key(request, options.api_key);
  if (!refusal) refusal = check_speech(record);
  if (refusal) {
    record.rejection = refusal->body;
    state->locked([&] { state->speeches.push_back(record); });
    co_await exchange.respond(std::move(*refusal));
    co_return;
  }
  const auto spoken = std::string(trimmed(record.input));
  const auto reply = state->locked([&] {
    state->speeches.push_back(record);
    if (state->speech_queue.empty()) return options.default_speech_reply;
    auto next = std::move(state->speech_queue.front());
    state->speech_queue.pop_front();
    return next;
  });
  if (reply.status != 200) {
    co_await exchange.respond(json_response(
        reply.status, error_body(reply.error_type, reply.error_code, reply.error_message),
        reply.error_headers));
    co_return;
  }
  state->locked([&] { state->characters += code_points(spoken); });
  const auto audio = tone(code_points(spoken), options.audio_per_character);
  FakeHeaders headers{{"Content-Type", "audio/pcm"}};
  co_await exchange.begin_chunked(200, std::move(headers));
  bool complete = false;
  bool client_left = false;
  try {
    std::size_t sent = 0;
    for (std::size_t offset = 0;; offset += reply.chunk_bytes, ++sent) {
      if (sent == reply.disconnect_after) {
        exchange.disconnect();
        break;
      }
      if (sent == reply.malformed_after) {
        constexpr std::string_view kBroken = "zz-not-a-chunk-size\r\n\r\n";
        co_await exchange.write_raw(kBroken);
        exchange.disconnect();
        break;
      }
      if (sent == reply.stall_after) {
        co_await exchange.stall();
        client_left = true;
        break;
      }
      if (offset >= audio.size()) {
        co_await exchange.end_chunked();
        complete = true;
        break;
      }
      co_await pause(sent == 0 ? reply.time_to_first_byte : reply.chunk_interval);
      co_await exchange.send_chunk(std::string_view(audio).substr(offset, reply.chunk_bytes));
    }
  } catch (const boost::system::system_error&) {
    client_left = true;
  }
  state->locked([&] {
    if (complete) ++state->completed;
    if (client_left) ++state->disconnects;
  });
}

}  // namespace patter::fakes::openai_audio
