#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "fakes/fake_elevenlabs.hpp"
#include "net/asio_executor.hpp"
#include "providers/tts/elevenlabs_config.hpp"

namespace patter::providers::testing {

// Every event of one sentence, in arrival order.
struct Recorder {
  std::string audio;  // all bytes, concatenated
  std::size_t chunks = 0;
  bool done = false;
  std::vector<std::string> errors;
  std::vector<std::string> order;     // "audio", "done", "error"
  std::function<void()> after_audio;  // runs after each chunk (e.g. to cancel)

  TtsEvents events() {
    TtsEvents events;
    events.on_audio = [this](std::span<const std::uint8_t> bytes) {
      audio.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      ++chunks;
      if (order.empty() || order.back() != "audio") order.emplace_back("audio");
      if (after_audio) after_audio();
    };
    events.on_done = [this] {
      done = true;
      order.emplace_back("done");
    };
    events.on_error = [this](const std::string& message) {
      errors.push_back(message);
      order.emplace_back("error");
    };
    return events;
  }
  [[nodiscard]] bool ended() const { return done || !errors.empty(); }
  [[nodiscard]] std::string error() const {
    return errors.empty() ? std::string() : errors.front();
  }
};

// Owns the call's event loop, which the test thread runs, so events arrive on the test thread.
class TtsClientTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context() const {
    StreamContext context;
    context.call_id = "CA0001";
    context.executor = executor_;
    return context;
  }

  // A config for the fake: its URL and key, one attempt, short timeouts.
  [[nodiscard]] static ElevenLabsConfig config_for(const fakes::FakeElevenLabs& fake,
                                                   ElevenLabsTransport transport) {
    ElevenLabsConfig config;
    config.transport = transport;
    config.base_url = fake.base_url();
    config.api_key = fake.options().api_key;
    config.max_attempts = 1;
    config.first_byte_timeout = std::chrono::seconds(5);
    config.request_timeout = std::chrono::seconds(10);
    config.extra_ca_pem = fake.certificate_pem();
    return config;
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

  // Speaks one sentence to its end and returns what arrived.
  Recorder speak(TtsProvider& tts, const std::string& text) {
    Recorder recorder;
    auto stream = tts.synthesize(context(), text, recorder.events());
    EXPECT_TRUE(run_until([&] { return recorder.ended(); }));
    run_for(std::chrono::milliseconds(20));
    return recorder;
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
};

}  // namespace patter::providers::testing
