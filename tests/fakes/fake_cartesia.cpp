#include "fakes/fake_cartesia.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "audio/codec.hpp"
#include "fakes/fake_cartesia_state.hpp"

namespace patter::fakes {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace detail {

namespace {

constexpr double kToneHz = 440.0;
constexpr double kToneAmplitude = 6000.0;
constexpr std::int64_t kMaxCode = 126;

std::optional<audio::Encoding> encoding_named(std::string_view name) {
  if (name == "pcm_mulaw") return audio::Encoding::mulaw;
  if (name == "pcm_alaw") return audio::Encoding::alaw;
  if (name == "pcm_s16le") return audio::Encoding::pcm16_le;
  return std::nullopt;
}

audio::Encoding checked_encoding(std::string_view name) {
  const auto encoding = encoding_named(name);
  if (!encoding)
    throw std::invalid_argument("the fake Cartesia has no encoding " + std::string(name));
  return *encoding;
}

void append_sample(std::string& audio, std::int64_t value, audio::Encoding encoding) {
  if (encoding == audio::Encoding::pcm16_le) {
    const auto sample = static_cast<std::uint16_t>(static_cast<std::int16_t>(value));
    audio.push_back(static_cast<char>(sample & 0xFFU));
    audio.push_back(static_cast<char>(sample >> 8U));
  } else {
    audio.push_back(static_cast<char>(static_cast<std::uint8_t>(value)));
  }
}

}  // namespace

std::string cartesia_error_body(int status, std::string_view message, std::string_view code) {
  return json::serialize(json::object{{"title", status == 401 ? "Unauthorized" : "Error"},
                                      {"message", message},
                                      {"error_code", code},
                                      {"status_code", status},
                                      {"request_id", "fake-request"}});
}

FakeResponse cartesia_error_response(int status, std::string_view message, std::string_view code) {
  return FakeResponse{
      status, {{"Content-Type", "application/json"}}, cartesia_error_body(status, message, code)};
}

std::optional<std::string> cartesia_key_of(const FakeRequest& request) {
  if (auto key = request.header("X-API-Key")) return key;
  return request.query_param("api_key");
}

std::optional<std::string> cartesia_version_of(const FakeRequest& request) {
  if (auto version = request.header("Cartesia-Version")) return version;
  return request.query_param("cartesia_version");
}

std::optional<FakeResponse> check_cartesia_handshake(const FakeRequest& request,
                                                     const FakeCartesiaOptions& options) {
  const auto key = cartesia_key_of(request);
  if (!key) return cartesia_error_response(401, "No API key was provided", "missing_api_key");
  if (*key != options.api_key) {
    return cartesia_error_response(401, "Invalid API key", "invalid_api_key");
  }
  const auto version = cartesia_version_of(request);
  if (!version || std::find(options.versions.begin(), options.versions.end(), *version) ==
                      options.versions.end()) {
    return cartesia_error_response(400, "A valid Cartesia-Version is required", "invalid_version");
  }
  return std::nullopt;
}

std::string_view trimmed_text(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string cartesia_tone(std::string_view text, std::string_view encoding_name, int sample_rate,
                          milliseconds per_character) {
  const auto encoding = checked_encoding(encoding_name);
  const auto characters = trimmed_text(text).size();
  const auto samples =
      static_cast<std::size_t>(characters * per_character.count() * sample_rate / 1000);
  std::vector<std::int16_t> linear(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    linear[i] = static_cast<std::int16_t>(
        std::lround(kToneAmplitude * std::sin(2.0 * std::numbers::pi * kToneHz *
                                              static_cast<double>(i) / sample_rate)));
  }
  std::string bytes(samples * audio::bytes_per_sample(encoding), '\0');
  audio::encode_samples(encoding, linear,
                        {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  return bytes;
}

}  // namespace detail

FakeCartesiaReply FakeCartesiaReply::error(int status, std::string message, std::size_t after) {
  FakeCartesiaReply reply;
  reply.error_status = status;
  reply.error_message = std::move(message);
  reply.error_after = after;
  return reply;
}

std::optional<std::string> FakeCartesiaSttStream::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::size_t FakeCartesiaSttStream::count_command(std::string_view command) const {
  return static_cast<std::size_t>(std::count(commands.begin(), commands.end(), command));
}

std::size_t FakeCartesiaSttStream::count_sent(std::string_view type) const {
  const auto marker = "\"type\":\"" + std::string(type) + "\"";
  return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [&](const auto& m) {
    return m.find(marker) != std::string::npos;
  }));
}

FakeCartesia::FakeCartesia(FakeCartesiaOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeCartesiaState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_websocket("/stt/websocket", [this, state = state_](FakeWebSocket& socket) {
    return detail::serve_cartesia_stt(socket, options_, state);
  });
  server_.on_websocket("/tts/websocket", [this, state = state_](FakeWebSocket& socket) {
    return detail::serve_cartesia_tts(socket, options_, state);
  });
  server_.start();
}

FakeCartesia::~FakeCartesia() {
  server_.stop();
}

std::string FakeCartesia::stt_url() const {
  return server_.ws_url("/stt/websocket");
}

std::string FakeCartesia::tts_url() const {
  return server_.ws_url("/tts/websocket");
}

std::vector<FakeCartesiaSttStream> FakeCartesia::stt_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->stt_streams;
}

std::string FakeCartesia::speech(const std::vector<std::string>& words, milliseconds word,
                                 milliseconds gap, int sample_rate,
                                 std::string_view encoding) const {
  const auto& vocabulary = options_.stt.vocabulary;
  const auto format = detail::checked_encoding(encoding);
  std::string audio;
  const auto word_samples = word.count() * sample_rate / 1000;
  for (const auto& spoken : words) {
    const auto found = std::find(vocabulary.begin(), vocabulary.end(), spoken);
    if (found == vocabulary.end() || found - vocabulary.begin() >= detail::kMaxCode) {
      throw std::invalid_argument("the fake Cartesia's vocabulary has no word " + spoken);
    }
    const auto code = (found - vocabulary.begin()) + 1;
    for (std::int64_t i = 0; i < word_samples; ++i) detail::append_sample(audio, code, format);
    audio += silence(gap, sample_rate, encoding);
  }
  return audio;
}

std::string FakeCartesia::silence(milliseconds length, int sample_rate, std::string_view encoding) {
  const auto format = detail::checked_encoding(encoding);
  std::string audio;
  const auto count = length.count() * sample_rate / 1000;
  for (std::int64_t i = 0; i < count; ++i) {
    detail::append_sample(audio, silence_byte(format), format);
  }
  return audio;
}

void FakeCartesia::enqueue(FakeCartesiaReply reply) {
  const std::lock_guard lock(state_->mutex);
  state_->replies.push_back(std::move(reply));
}

std::string FakeCartesia::audio_for(std::string_view text, std::string_view encoding,
                                    int sample_rate) const {
  return detail::cartesia_tone(text, encoding, sample_rate, options_.tts.audio_per_character);
}

std::vector<FakeCartesiaTtsSocket> FakeCartesia::tts_sockets() const {
  const std::lock_guard lock(state_->mutex);
  return state_->tts_sockets;
}

std::vector<FakeCartesiaContext> FakeCartesia::contexts() const {
  const std::lock_guard lock(state_->mutex);
  return state_->contexts;
}

std::size_t FakeCartesia::characters_spoken() const {
  const std::lock_guard lock(state_->mutex);
  return state_->characters;
}

}  // namespace patter::fakes
