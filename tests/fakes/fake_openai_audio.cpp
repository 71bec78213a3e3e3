#include "fakes/fake_openai_audio.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <stdexcept>

#include "fakes/fake_openai_audio_parts.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
using std::chrono::milliseconds;

FakeOpenAiAudioReply FakeOpenAiAudioReply::error(int status, std::string type, std::string code,
                                                 std::string message) {
  FakeOpenAiAudioReply reply;
  reply.status = status;
  reply.error_type = std::move(type);
  reply.error_code = std::move(code);
  reply.error_message = std::move(message);
  return reply;
}

FakeOpenAiAudioReply FakeOpenAiAudioReply::rate_limited(int retry_after_seconds) {
  auto reply = error(429, "requests", "rate_limit_exceeded",
                     "Rate limit reached for requests. Please try again later.");
  reply.error_headers = {{"Retry-After", std::to_string(retry_after_seconds)}};
  return reply;
}

FakeOpenAiAudioReply FakeOpenAiAudioReply::server_error(int status) {
  return error(status, "server_error", "",
               "The server had an error while processing your request.");
}

namespace {

std::optional<std::string> find_pair(const std::vector<std::pair<std::string, std::string>>& list,
                                     std::string_view name) {
  for (const auto& [key, value] : list) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FakeTranscriptionSocket::query_param(std::string_view name) const {
  return find_pair(query, name);
}

std::size_t FakeTranscriptionSocket::count_received(std::string_view type) const {
  return static_cast<std::size_t>(std::count(received.begin(), received.end(), type));
}

std::size_t FakeTranscriptionSocket::count_sent(std::string_view type) const {
  return static_cast<std::size_t>(std::count(sent.begin(), sent.end(), type));
}

std::optional<std::string> FakeTranscriptionRequest::field(std::string_view name) const {
  return find_pair(fields, name);
}

FakeOpenAiAudio::FakeOpenAiAudio(FakeOpenAiAudioOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeOpenAiAudioState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  server_.on_websocket("/v1/realtime",
                       [this, state = state_](FakeWebSocket& socket) -> asio::awaitable<void> {
                         co_await openai_audio::serve_transcription_socket(socket, options_, state);
                       });
  server_.on_http("POST", "/v1/audio/transcriptions",
                  [this, state = state_](FakeHttpExchange& exchange) -> asio::awaitable<void> {
                    co_await openai_audio::serve_transcription(exchange, options_, state);
                  });
  server_.on_http("POST", "/v1/audio/speech",
                  [this, state = state_](FakeHttpExchange& exchange) -> asio::awaitable<void> {
                    co_await openai_audio::serve_speech(exchange, options_, state);
                  });
  server_.start();
}

FakeOpenAiAudio::~FakeOpenAiAudio() {
  server_.stop();
}

std::string FakeOpenAiAudio::base_url() const {
  return server_.url("/v1");
}

void FakeOpenAiAudio::enqueue_speech(FakeOpenAiAudioReply reply) {
  state_->locked([&] { state_->speech_queue.push_back(std::move(reply)); });
}

void FakeOpenAiAudio::enqueue_transcription(FakeOpenAiAudioReply reply) {
  state_->locked([&] { state_->transcription_queue.push_back(std::move(reply)); });
}

std::vector<FakeTranscriptionSocket> FakeOpenAiAudio::sockets() const {
  const std::lock_guard lock(state_->mutex);
  return state_->sockets;
}

std::vector<FakeTranscriptionRequest> FakeOpenAiAudio::transcription_requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->transcriptions;
}

std::vector<FakeSpeechRequest> FakeOpenAiAudio::speech_requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->speeches;
}

bool FakeOpenAiAudio::wait_until(const std::function<bool()>& done, milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    std::unique_lock lock(state_->mutex);
    if (state_->changed.wait_until(
            lock, std::min(deadline, std::chrono::steady_clock::now() + milliseconds(20))) ==
            std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= deadline) {
      lock.unlock();
      return done();
    }
  }
  return true;
}

std::size_t FakeOpenAiAudio::characters_spoken() const {
  const std::lock_guard lock(state_->mutex);
  return state_->characters;
}

std::size_t FakeOpenAiAudio::completed_speeches() const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed;
}

std::size_t FakeOpenAiAudio::client_disconnects() const {
  const std::lock_guard lock(state_->mutex);
  return state_->disconnects;
}

std::string FakeOpenAiAudio::speech_audio_for(std::string_view text) const {
  return openai_audio::tone(openai_audio::code_points(openai_audio::trimmed(text)),
                            options_.audio_per_character);
}

std::string FakeOpenAiAudio::speech(const std::vector<std::string>& words, milliseconds word,
                                    milliseconds gap) const {
  std::string audio;
  const auto limit = std::min<std::size_t>(options_.vocabulary.size(), 126);
  for (const auto& spoken : words) {
    const auto found = std::find(options_.vocabulary.begin(), options_.vocabulary.end(), spoken);
    if (found == options_.vocabulary.end() ||
        static_cast<std::size_t>(found - options_.vocabulary.begin()) >= limit) {
      throw std::invalid_argument("the fake OpenAI's vocabulary has no word " + spoken);
    }
    const auto code = static_cast<char>((found - options_.vocabulary.begin()) + 1);
    audio.append(static_cast<std::size_t>(word.count() * 8), code);
    audio += silence(gap);
  }
  return audio;
}

std::string FakeOpenAiAudio::silence(milliseconds length) {
  return std::string(static_cast<std::size_t>(length.count() * 8), '\xFF');
}

}  // namespace patter::fakes
