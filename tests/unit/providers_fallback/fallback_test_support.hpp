#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <patter/providers.hpp>

#include "core/manual_clock.hpp"
#include "net/asio_executor.hpp"
#include "providers/fallback/fallback_settings.hpp"

namespace patter::providers::testing {

// Every event of one reply, in arrival order.
struct LlmRecorder {
  std::string text;
  std::vector<std::string> deltas;
  std::vector<ToolCall> tool_calls;
  std::vector<LlmUsage> usages;
  std::optional<FinishReason> done;
  std::vector<std::string> errors;
  std::vector<std::string> order;  // "text", "tool", "usage", "done", "error"
  std::function<void()> after_text;
  std::function<void()> on_usage;  // runs as usage arrives (e.g. to read the chain's model)

  LlmEvents events() {
    LlmEvents events;
    events.on_text = [this](std::string_view delta) {
      text += delta;
      deltas.emplace_back(delta);
      order.emplace_back("text");
      if (after_text) after_text();
    };
    events.on_tool_call = [this](const ToolCall& call) {
      tool_calls.push_back(call);
      order.emplace_back("tool");
    };
    events.on_usage = [this](const LlmUsage& usage) {
      usages.push_back(usage);
      order.emplace_back("usage");
      if (on_usage) on_usage();
    };
    events.on_done = [this](FinishReason reason) {
      done = reason;
      order.emplace_back("done");
    };
    events.on_error = [this](const std::string& message) {
      errors.push_back(message);
      order.emplace_back("error");
    };
    return events;
  }
  [[nodiscard]] bool ended() const { return done.has_value() || !errors.empty(); }
  [[nodiscard]] std::string error() const { return errors.empty() ? "" : errors.front(); }
};

// Every event of one sentence.
struct TtsRecorder {
  std::string audio;
  std::size_t chunks = 0;
  bool done = false;
  std::vector<std::string> errors;
  std::vector<std::string> order;  // "audio" (once per run of chunks), "done", "error"
  std::vector<std::string> providers;  // as announced, one per attempt
  std::function<void()> after_audio;

  TtsEvents events() {
    TtsEvents events;
    events.on_provider = [this](const std::string& provider) { providers.push_back(provider); };
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
  [[nodiscard]] std::string error() const { return errors.empty() ? "" : errors.front(); }
};

// Every event of one speech-to-text stream.
struct SttRecorder {
  std::vector<Transcript> interims;
  std::vector<Transcript> finals;
  std::vector<std::string> errors;
  std::size_t speech_started = 0;
  std::vector<std::string> providers;  // "name/model" as announced
  double replayed_seconds = 0.0;

  SttEvents events() {
    SttEvents events;
    events.on_transcript = [this](const Transcript& transcript) {
      (transcript.is_final ? finals : interims).push_back(transcript);
    };
    events.on_speech_started = [this] { ++speech_started; };
    events.on_provider_changed = [this](const std::string& provider, const std::string& model) {
      providers.push_back(provider + "/" + model);
    };
    events.on_audio_replayed = [this](double seconds) { replayed_seconds += seconds; };
    events.on_error = [this](const std::string& message) { errors.push_back(message); };
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
  [[nodiscard]] std::size_t events_seen() const {
    return interims.size() + finals.size() + errors.size() + speech_started;
  }
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Owns the call's event loop, run by the test thread (so every event arrives on the test
// thread), and the manual clock the chains read for recovery.
class FallbackTest : public ::testing::Test {
 protected:
  [[nodiscard]] StreamContext context(std::string call_id = "CA0001") const {
    StreamContext context;
    context.call_id = std::move(call_id);
    context.executor = executor_;
    return context;
  }

  // Defaults of the reference (one retry per provider, 30 s recovery) on the manual clock.
  [[nodiscard]] FallbackSettings settings() const {
    FallbackSettings settings;
    settings.clock = clock_;
    return settings;
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

  // Runs whatever is ready now without waiting.
  void poll() {
    io_.restart();
    io_.poll();
  }

  boost::asio::io_context io_;
  std::shared_ptr<net::AsioExecutor> executor_ =
      std::make_shared<net::AsioExecutor>(io_.get_executor());
  std::shared_ptr<core::ManualClock> clock_ = std::make_shared<core::ManualClock>();
};

}  // namespace patter::providers::testing
