#pragma once

// Internal to FakeOpenAiAudio: what its endpoints share (the recorded state, OpenAI's error
// shapes, the words the fake hears) and the endpoints themselves.

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fakes/fake_openai_audio.hpp"

namespace patter::fakes::detail {

struct FakeOpenAiAudioState {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<FakeTranscriptionSocket> sockets;
  std::vector<FakeTranscriptionRequest> transcriptions;
  std::vector<FakeSpeechRequest> speeches;
  std::deque<FakeOpenAiAudioReply> speech_queue;
  std::deque<FakeOpenAiAudioReply> transcription_queue;
  std::size_t scripted_used = 0;
  std::size_t characters = 0;
  std::size_t completed = 0;
  std::size_t disconnects = 0;

  template <typename Fn>
  auto locked(Fn fn) {
    const std::lock_guard lock(mutex);
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      changed.notify_all();
    } else {
      auto result = fn();
      changed.notify_all();
      return result;
    }
  }
};

}  // namespace patter::fakes::detail

namespace patter::fakes::openai_audio {

using State = detail::FakeOpenAiAudioState;

// OpenAI's {"error":{"message","type","param","code"}}; an empty code or param is null.
std::string error_body(std::string_view type, std::string_view code, std::string_view message,
                       std::string_view param = {});
FakeResponse json_response(int status, std::string body, FakeHeaders headers = {});
FakeResponse invalid_request(std::string_view message, std::string_view param = {},
                             std::string_view code = {});
// 401 invalid_api_key unless the request carries `Authorization: Bearer <api_key>`.
std::optional<FakeResponse> check_key(const FakeRequest& request, const std::string& api_key);
boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);

// Words from the codes of a sample stream (see FakeOpenAiAudioOptions).
class WordListener {
 public:
  WordListener(const FakeOpenAiAudioOptions& options, int sample_rate)
      : options_(&options),
        min_run_(options.min_word.count() * sample_rate / 1000),
        known_(static_cast<int>(std::min<std::size_t>(options.vocabulary.size(), 126))) {}

  void feed(int code) {
    if (code < 1 || code > known_) code = 0;
    if (code != run_code_) {
      end_run();
      run_code_ = code;
      run_length_ = 0;
      run_taken_ = false;
    }
    ++run_length_;
  }

  // The words heard since the last take(), the one still going on included.
  std::vector<std::string> take() {
    end_run();
    run_taken_ = run_code_ != 0;
    return std::exchange(words_, {});
  }

 private:
  void end_run() {
    if (run_code_ != 0 && !run_taken_ && run_length_ >= min_run_) {
      words_.push_back(options_->vocabulary[static_cast<std::size_t>(run_code_ - 1)]);
      run_taken_ = true;
    }
  }

  const FakeOpenAiAudioOptions* options_;
  std::int64_t min_run_;
  int known_;
  int run_code_ = 0;
  std::int64_t run_length_ = 0;
  bool run_taken_ = false;
  std::vector<std::string> words_;
};

// The next scripted transcript, or the words heard.
std::string transcript_for(const FakeOpenAiAudioOptions& options, State& state,
                           const std::vector<std::string>& words);

// The PCM16 24 kHz tone spoken for `characters`.
std::string tone(std::size_t characters, std::chrono::milliseconds per_character);
std::string_view trimmed(std::string_view text);
std::size_t code_points(std::string_view text);

// The endpoints, each serving one socket or request.
boost::asio::awaitable<void> serve_transcription_socket(FakeWebSocket& socket,
                                                        const FakeOpenAiAudioOptions& options,
                                                        std::shared_ptr<State> state);
boost::asio::awaitable<void> serve_transcription(FakeHttpExchange& exchange,
                                                 const FakeOpenAiAudioOptions& options,
                                                 const std::shared_ptr<State>& state);
boost::asio::awaitable<void> serve_speech(FakeHttpExchange& exchange,
                                          const FakeOpenAiAudioOptions& options,
                                          const std::shared_ptr<State>& state);

}  // namespace patter::fakes::openai_audio
