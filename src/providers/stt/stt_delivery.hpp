#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <utility>

#include <patter/providers.hpp>

namespace patter::providers {

// Hands a stream's events to the call and serialises them against close(), from any thread:
// once stop() returns nothing more is delivered. Recursive, so a handler may close its own
// stream.
class SttDelivery {
 public:
  explicit SttDelivery(SttEvents events) : events_(std::move(events)) {}

  void transcript(const Transcript& transcript);
  void speech_started();
  void speech_ended();
  void audio_replayed(double seconds);
  // The last event: on_error, then nothing.
  void error(const std::string& message);
  void stop();

  [[nodiscard]] bool stopped() const { return stopped_.load(); }

 private:
  std::recursive_mutex mutex_;
  std::atomic<bool> stopped_{false};
  SttEvents events_;
};

}  // namespace patter::providers
