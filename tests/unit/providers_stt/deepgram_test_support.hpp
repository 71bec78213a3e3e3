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
#include "fakes/fake_deepgram.hpp"
#include "net/asio_executor.hpp"
#include "providers/stt/deepgram_stt.hpp"

namespace patter::providers::testing {

// Every event of one stream, in arrival order.
struct SttRecorder {
  std::vector<Transcript> interims;
  std::vector<Transcript> finals;
  std::vector<std::string> errors;
  std::vector<std::string> order;  // "interim", "final", "started", "ended", "error"
  std::vector<double> replayed;    // seconds of each replay, as reported for billing

  SttEvents events() {
    SttEvents events;
    events.on_transcript = [this](const Transcript& transcript) {
      (transcript.is_final ? finals : interims).push_back(transcript);
      order.emplace_back(transcript.is_final ? "final" : "interim");
    };
    events.on_speech_started = [this] { order.emplace_back("started"); };
    events.on_speech_ended = [this] { order.emplace_back("ended"); };
    events.on_audio_replayed = [this](double seconds) { replayed.push_back(seconds); };
    events.on_error = [this](const std::string& message) {
      errors.push_back(message);
      order.emplace_back("error");
    };
    return events;
  }

  // The texts of the finals that carry words, in order.
  [[nodiscard]] std::vector<std::string> final_texts() const {
    std::vector<std::string> texts;
    for (const auto& final : finals) {
      if (!final.text.empty()) texts.push_back(final.text);
    }
    return texts;
  }
  [[nodiscard]] std::size_t count(std::string_view event) const {
    return static_cast<std::size_t>(std::count(order.begin(), order.end(), event));
  }
};

// Owns the call's event loop, run by the test thread (so events arrive on the test thread), and
// a manual clock for KeepAlive and reconnect delays.
class DeepgramTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context(std::string call_id = "CA0001") const {
    StreamContext context;
    context.call_id = std::move(call_id);
    context.language = "en";
    context.executor = executor_;
    return context;
  }

  [[nodiscard]] static DeepgramConfig config_for(const fakes::FakeDeepgram& fake) {
    DeepgramConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.url();
    config.extra_ca_pem = fake.certificate_pem();
    config.reconnect_backoff = std::chrono::milliseconds(100);
    return config;
  }

  [[nodiscard]] std::unique_ptr<DeepgramStt> provider(DeepgramConfig config) const {
    return std::make_unique<DeepgramStt>(
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

  // Runs the loop until it has no work left; false if work remained after `limit`.
  bool run_until_idle(std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    io_.restart();
    io_.run_for(limit);
    return io_.stopped();
  }

  // Runs whatever is ready now without waiting.
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

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
};

}  // namespace patter::providers::testing
