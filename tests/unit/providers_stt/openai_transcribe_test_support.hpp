#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "core/manual_clock.hpp"
#include "deepgram_test_support.hpp"
#include "fakes/fake_openai_audio.hpp"
#include "net/asio_executor.hpp"
#include "providers/stt/openai_transcribe_stt.hpp"

namespace patter::providers::testing {

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Owns the call's event loop, run by the test thread (so events arrive on the test thread), and
// a manual clock for reconnect delays.
class OpenAiTranscribeTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context(std::string call_id = "CA0001") const {
    StreamContext context;
    context.call_id = std::move(call_id);
    context.language = "en-US";
    context.executor = executor_;
    return context;
  }

  [[nodiscard]] static OpenAiTranscribeConfig config_for(
      const fakes::FakeOpenAiAudio& fake,
      OpenAiTranscribeTransport transport = OpenAiTranscribeTransport::realtime) {
    OpenAiTranscribeConfig config;
    config.transport = transport;
    if (transport == OpenAiTranscribeTransport::rest) config.model = "whisper-1";
    config.api_key = fake.options().api_key;
    config.base_url = fake.base_url();
    config.extra_ca_pem = fake.certificate_pem();
    config.reconnect_backoff = std::chrono::milliseconds(100);
    config.max_retry_wait = std::chrono::seconds(1);
    return config;
  }

  [[nodiscard]] std::unique_ptr<OpenAiTranscribeStt> provider(OpenAiTranscribeConfig config) const {
    return std::make_unique<OpenAiTranscribeStt>(
        std::move(config), [clock = clock_](const boost::asio::any_io_executor&) { return clock; });
  }

  // Runs the loop until `finished` holds or `limit` passes.
  bool run_until(const std::function<bool()>& finished,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    io_.restart();
    while (!finished() && std::chrono::steady_clock::now() < deadline) {
      if (io_.run_one_for(std::chrono::milliseconds(5)) == 0 && io_.stopped()) io_.restart();
    }
    return finished();
  }

  // Runs the loop for `span`, so that late events (there should be none) would arrive.
  void run_for(std::chrono::milliseconds span) {
    io_.restart();
    io_.run_for(span);
  }

  void poll() {
    io_.restart();
    io_.poll();
  }

  // Pushes `audio` in 20 ms frames (160 μ-law bytes), letting the loop run between frames.
  void push(SttStream& stream, const std::string& audio, std::size_t frame = 160) {
    for (std::size_t at = 0; at < audio.size(); at += frame) {
      const auto size = std::min(frame, audio.size() - at);
      stream.push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), size});
      poll();
    }
  }

  // The fake's first socket, once it exists.
  static fakes::FakeTranscriptionSocket first_socket(const fakes::FakeOpenAiAudio& fake) {
    const auto sockets = fake.sockets();
    return sockets.empty() ? fakes::FakeTranscriptionSocket{} : sockets.front();
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
};

}  // namespace patter::providers::testing
