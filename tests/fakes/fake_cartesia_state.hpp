#pragma once

// Internal to the fake Cartesia: what its handlers share.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_cartesia.hpp"

namespace patter::fakes::detail {

struct FakeCartesiaState {
  mutable std::mutex mutex;
  std::vector<FakeCartesiaSttStream> stt_streams;
  std::vector<FakeCartesiaTtsSocket> tts_sockets;
  std::vector<FakeCartesiaContext> contexts;
  std::deque<FakeCartesiaReply> replies;
  std::size_t characters = 0;

  // Runs `change` on the state under the lock.
  template <typename Fn>
  auto update(Fn change) {
    const std::lock_guard lock(mutex);
    return change(*this);
  }

  FakeCartesiaReply next_reply(const FakeCartesiaReply& fallback) {
    return update([&](FakeCartesiaState& state) {
      if (state.replies.empty()) return fallback;
      auto reply = std::move(state.replies.front());
      state.replies.pop_front();
      return reply;
    });
  }
};

// Cartesia's error body (the newer shape): {"title","message","error_code","status_code",
// "request_id"}.
std::string cartesia_error_body(int status, std::string_view message, std::string_view code);
FakeResponse cartesia_error_response(int status, std::string_view message, std::string_view code);

// The key and version checks both endpoints make before the upgrade; nullopt when they pass.
std::optional<FakeResponse> check_cartesia_handshake(const FakeRequest& request,
                                                     const FakeCartesiaOptions& options);
std::optional<std::string> cartesia_version_of(const FakeRequest& request);
std::optional<std::string> cartesia_key_of(const FakeRequest& request);

// A deterministic 440 Hz tone, `per_character` of audio per character of the trimmed text.
std::string cartesia_tone(std::string_view text, std::string_view encoding, int sample_rate,
                          std::chrono::milliseconds per_character);
std::string_view trimmed_text(std::string_view text);

boost::asio::awaitable<void> serve_cartesia_stt(FakeWebSocket& socket,
                                                const FakeCartesiaOptions& options,
                                                std::shared_ptr<FakeCartesiaState> state);
boost::asio::awaitable<void> serve_cartesia_tts(FakeWebSocket& socket,
                                                const FakeCartesiaOptions& options,
                                                std::shared_ptr<FakeCartesiaState> state);

}  // namespace patter::fakes::detail
