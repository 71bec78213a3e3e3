#pragma once

#include <functional>

#include <patter/brain.hpp>
#include <patter/events.hpp>

namespace patter {

// What user code hears about each call. Every callback runs on a worker thread, in the order the
// events happened on the call; an exception is logged and changes nothing on the call.
struct CallCallbacks {
  std::function<void(const CallStartEvent&)> on_call_start;
  std::function<void(const CallEndEvent&)> on_call_end;
  std::function<void(const TranscriptEvent&)> on_transcript;
  std::function<void(const MetricsEvent&)> on_metrics;
  // Answers the caller instead of the agent's language model.
  OnMessage on_message;
  SpeechEdgeCallbacks speech_edges;
};

}  // namespace patter
