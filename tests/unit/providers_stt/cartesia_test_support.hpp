#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <patter/providers.hpp>

#include "core/manual_clock.hpp"
#include "deepgram_test_support.hpp"
#include "fakes/fake_cartesia.hpp"
#include "net/asio_executor.hpp"
#include "providers/stt/cartesia_stt.hpp"

namespace patter::providers::testing {

// Owns the call's event loop, run by the test thread (so events arrive on the test thread), and
// a manual clock for reconnect delays and the client's idea of quiet time.
class CartesiaSttTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kFrame = 640;  // 20 ms of PCM16 at 16 kHz

  [[nodiscard]] StreamContext context(std::string call_id = "CA0001",
                                      std::string language = "en") const {
    StreamContext context;
    context.call_id = std::move(call_id);
    context.language = std::move(language);
    context.executor = executor_;
    return context;
  }

  [[nodiscard]] static CartesiaSttConfig config_for(const fakes::FakeCartesia& fake) {
    CartesiaSttConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.stt_url();
    config.extra_ca_pem = fake.certificate_pem();
    return config;
  }

  [[nodiscard]] std::unique_ptr<CartesiaStt> provider(CartesiaSttConfig config) const {
    return std::make_unique<CartesiaStt>(
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

  // Pushes `audio` in frames, letting the loop run between frames.
  void push(SttStream& stream, const std::string& audio, std::size_t frame = kFrame) {
    for (std::size_t at = 0; at < audio.size(); at += frame) {
      const auto size = std::min(frame, audio.size() - at);
      stream.push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), size});
      poll();
    }
  }

  // Runs the loop until the fake accepted `count` streams.
  bool connected(const fakes::FakeCartesia& fake, std::size_t count = 1) {
    return run_until([&] {
      const auto streams = fake.stt_streams();
      return streams.size() >= count && streams[count - 1].accepted;
    });
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
};

// Compares audio without printing it: the sizes and the first byte that differs.
inline ::testing::AssertionResult same_bytes(const std::string& actual,
                                             const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  return ::testing::AssertionFailure() << "got " << actual.size() << " bytes, expected "
                                       << expected.size() << "; they differ from byte " << at;
}

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace patter::providers::testing
