#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <patter/engine.hpp>

#include "fakes/fake_elevenlabs_convai.hpp"
#include "net/asio_executor.hpp"
#include "providers/realtime/elevenlabs_convai_engine.hpp"

namespace patter::providers::testing {

// Every event of one conversation, in arrival order, with the agent's audio split by response.
struct ConvAiRecorder {
  std::vector<std::string> order;  // "ready", "audio", "delta", "final", "done", "user",
                                   // "interrupted", "tool", "error", "fatal"
  std::vector<std::size_t> chunk_sizes;
  std::string current_audio;           // the open response's audio so far
  std::vector<std::string> responses;  // each finished response's audio
  std::vector<std::string> agent_finals;
  std::vector<std::string> user_transcripts;
  std::vector<ToolCall> tool_calls;
  std::vector<std::string> errors;  // non-fatal
  std::vector<std::string> fatal;

  EngineEvents events() {
    EngineEvents events;
    events.on_ready = [this] { order.emplace_back("ready"); };
    events.on_audio = [this](std::span<const std::uint8_t> bytes) {
      current_audio.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      chunk_sizes.push_back(bytes.size());
      if (order.empty() || order.back() != "audio") order.emplace_back("audio");
    };
    events.on_agent_transcript = [this](const std::string& text, bool final) {
      if (final) agent_finals.push_back(text);
      order.emplace_back(final ? "final" : "delta");
    };
    events.on_response_done = [this] {
      responses.push_back(std::exchange(current_audio, {}));
      order.emplace_back("done");
    };
    events.on_user_transcript = [this](const std::string& text) {
      user_transcripts.push_back(text);
      order.emplace_back("user");
    };
    events.on_interrupted = [this] { order.emplace_back("interrupted"); };
    events.on_tool_call = [this](const ToolCall& call) {
      tool_calls.push_back(call);
      order.emplace_back("tool");
    };
    events.on_error = [this](const std::string& message, bool is_fatal) {
      (is_fatal ? fatal : errors).push_back(message);
      order.emplace_back(is_fatal ? "fatal" : "error");
    };
    return events;
  }

  [[nodiscard]] std::size_t count(std::string_view event) const {
    return static_cast<std::size_t>(std::count(order.begin(), order.end(), event));
  }
  [[nodiscard]] bool ready() const { return count("ready") > 0; }
};

// Owns the call's event loop, which the test thread runs, so events arrive on the test thread.
class ConvAiTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context() const {
    StreamContext context;
    context.call_id = "CA0001";
    context.language = "en";
    context.executor = executor_;
    return context;
  }

  [[nodiscard]] static ElevenLabsConvAiConfig config_for(const fakes::FakeElevenLabsConvAi& fake) {
    ElevenLabsConvAiConfig config;
    config.api_key = fake.options().api_key;
    config.agent_id = fake.options().agent_id;
    config.base_url = fake.base_url();
    config.extra_ca_pem = fake.certificate_pem();
    config.response_done_after = std::chrono::milliseconds(200);
    return config;
  }

  [[nodiscard]] static EngineSessionConfig session_config(
      std::string first_message = "Hi there, how can I help?") {
    EngineSessionConfig config;
    config.instructions = "You are a test agent.";
    config.first_message = std::move(first_message);
    config.voice = "rachel";
    config.language = "en";
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

  // Runs the loop until the fake's conversations satisfy `done`.
  bool run_until_fake(
      const fakes::FakeElevenLabsConvAi& fake,
      const std::function<bool(const std::vector<fakes::FakeConvAiConversation>&)>& done,
      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return run_until([&] { return done(fake.conversations()); }, limit);
  }

  // Runs the loop for `duration` whatever happens.
  void run_for(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    run_until([deadline] { return std::chrono::steady_clock::now() >= deadline; },
              duration + std::chrono::seconds(1));
  }

  // Pushes μ-law `audio` in 20 ms frames (160 bytes), letting the loop run between frames.
  void push(EngineSession& session, const std::string& audio) {
    constexpr std::size_t kFrame = 160;
    for (std::size_t at = 0; at < audio.size(); at += kFrame) {
      const auto size = std::min(kFrame, audio.size() - at);
      session.push_audio({reinterpret_cast<const std::uint8_t*>(audio.data() + at), size});
      io_.restart();
      io_.poll();
    }
  }

  // What the caller says to end a turn: speech, then enough silence for the fake to answer.
  static std::string caller_turn() {
    using fakes::FakeElevenLabsConvAi;
    return FakeElevenLabsConvAi::caller_speech(std::chrono::milliseconds(300)) +
           FakeElevenLabsConvAi::caller_silence(std::chrono::milliseconds(500));
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
};

}  // namespace patter::providers::testing
