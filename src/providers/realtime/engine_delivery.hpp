#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>

#include <patter/engine.hpp>

namespace patter::providers {

// Hands an engine session's events to the call and serialises them against close(), from any
// thread: once stop() returns nothing more is delivered. Recursive, so a handler may close its
// own session. A fatal error is the last event.
class EngineDelivery {
 public:
  explicit EngineDelivery(EngineEvents events) : events_(std::move(events)) {}

  void ready();
  void audio(std::span<const std::uint8_t> audio);
  void agent_transcript(const std::string& text, bool final);
  void response_done();
  void user_speech_started();
  void user_speech_stopped();
  void user_transcript(const std::string& text);
  void interrupted();
  void tool_call(const ToolCall& call);
  void usage(const EngineUsage& usage);
  void error(const std::string& message, bool fatal);
  void stop();

  [[nodiscard]] bool stopped() const { return stopped_.load(); }

 private:
  template <typename Handler, typename... Args>
  void deliver(Handler EngineEvents::*handler, Args&&... args);

  std::recursive_mutex mutex_;
  std::atomic<bool> stopped_{false};
  int depth_ = 0;  // deliveries running, under the mutex
  EngineEvents events_;
};

}  // namespace patter::providers
