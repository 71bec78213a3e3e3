#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <patter/engine.hpp>

#include "core/manual_clock.hpp"
#include "fakes/fake_openai_realtime.hpp"
#include "net/asio_executor.hpp"
#include "providers/realtime/openai_realtime_engine.hpp"
#include "providers/realtime/openai_realtime_messages.hpp"

namespace patter::providers::testing {

// Every event of one engine session, in arrival order.
struct EngineRecorder {
  std::vector<std::string> order;  // "ready", "audio", "agent", "agent_final", "done", ...
  std::string audio;               // all agent audio, concatenated
  std::vector<std::size_t> audio_chunks;
  std::vector<std::string> agent_deltas;
  std::vector<std::string> agent_finals;
  std::vector<std::string> user_transcripts;
  std::vector<ToolCall> tool_calls;
  std::vector<EngineUsage> usages;
  std::vector<std::pair<std::string, bool>> errors;
  std::size_t responses_done = 0;
  std::function<void()> after_event;  // runs after each event (a test's own reaction)

  EngineEvents events() {
    EngineEvents events;
    events.on_ready = [this] { note("ready"); };
    events.on_audio = [this](std::span<const std::uint8_t> bytes) {
      audio.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      audio_chunks.push_back(bytes.size());
      note("audio");
    };
    events.on_agent_transcript = [this](const std::string& text, bool final) {
      (final ? agent_finals : agent_deltas).push_back(text);
      note(final ? "agent_final" : "agent");
    };
    events.on_response_done = [this] {
      ++responses_done;
      note("done");
    };
    events.on_user_speech_started = [this] { note("speech_started"); };
    events.on_user_speech_stopped = [this] { note("speech_stopped"); };
    events.on_user_transcript = [this](const std::string& text) {
      user_transcripts.push_back(text);
      note("user");
    };
    events.on_tool_call = [this](const ToolCall& call) {
      tool_calls.push_back(call);
      note("tool");
    };
    events.on_usage = [this](const EngineUsage& usage) {
      usages.push_back(usage);
      note("usage");
    };
    events.on_error = [this](const std::string& message, bool fatal) {
      errors.emplace_back(message, fatal);
      note(fatal ? "fatal" : "error");
    };
    return events;
  }

  [[nodiscard]] std::size_t count(std::string_view event) const {
    return static_cast<std::size_t>(std::count(order.begin(), order.end(), event));
  }
  [[nodiscard]] bool has(std::string_view event) const { return count(event) > 0; }
  [[nodiscard]] std::size_t index_of(std::string_view event) const {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), event) - order.begin());
  }

 private:
  void note(const char* event) {
    order.emplace_back(event);
    if (after_event) after_event();
  }
};

// Owns the call's event loop, run by the test thread (so events arrive on the test thread), and
// a manual clock for the readiness timeout.
class RealtimeTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context(std::string call_id = "CA0001") const {
    StreamContext context;
    context.call_id = std::move(call_id);
    context.language = "en";
    context.executor = executor_;
    return context;
  }

  [[nodiscard]] static OpenAiRealtimeConfig config_for(const fakes::FakeOpenAiRealtime& fake,
                                                       OpenAiRealtimeApi api = OpenAiRealtimeApi::beta_v1) {
    OpenAiRealtimeConfig config;
    config.api_key = fake.options().api_key;
    config.base_url = fake.url();
    config.extra_ca_pem = fake.certificate_pem();
    config.api = api;
    if (api == OpenAiRealtimeApi::ga) config.model = "gpt-realtime";
    return config;
  }

  [[nodiscard]] static EngineSessionConfig session_config(std::string first_message = {}) {
    EngineSessionConfig config;
    config.instructions = "You take table bookings.";
    config.first_message = std::move(first_message);
    config.voice = "verse";
    return config;
  }

  [[nodiscard]] std::unique_ptr<OpenAiRealtimeEngine> engine(OpenAiRealtimeConfig config) const {
    return std::make_unique<OpenAiRealtimeEngine>(
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

  // Runs the loop for `length` regardless.
  void run_for(std::chrono::milliseconds length) {
    run_until([] { return false; }, length);
  }

  // Pushes `audio` in 20 ms μ-law frames (160 bytes), letting the loop run between frames.
  void push(EngineSession& session, const std::string& audio, std::size_t frame = 160) {
    for (std::size_t at = 0; at < audio.size(); at += frame) {
      const auto size = std::min(frame, audio.size() - at);
      session.push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), size});
      io_.restart();
      io_.poll();
    }
  }

  // The one connection the fake saw.
  static fakes::FakeRealtimeConnection only(const fakes::FakeOpenAiRealtime& fake) {
    const auto connections = fake.connections();
    EXPECT_EQ(connections.size(), 1U);
    return connections.empty() ? fakes::FakeRealtimeConnection{} : connections.front();
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
};

inline boost::json::value parse_json(const std::string& text) {
  return boost::json::parse(text);
}

}  // namespace patter::providers::testing
