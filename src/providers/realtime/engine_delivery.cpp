#include "providers/realtime/engine_delivery.hpp"

#include <utility>

namespace patter::providers {

template <typename Handler, typename... Args>
void EngineDelivery::deliver(Handler EngineEvents::*handler, Args&&... args) {
  const std::lock_guard lock(mutex_);
  if (stopped_.load()) return;
  const auto& function = events_.*handler;
  if (!function) return;
  // A handler that closes the session must not destroy the handler it is running in.
  ++depth_;
  function(std::forward<Args>(args)...);
  if (--depth_ == 0 && stopped_.load()) events_ = {};
}

void EngineDelivery::ready() {
  deliver(&EngineEvents::on_ready);
}

void EngineDelivery::audio(std::span<const std::uint8_t> audio) {
  deliver(&EngineEvents::on_audio, audio);
}

void EngineDelivery::agent_transcript(const std::string& text, bool final) {
  deliver(&EngineEvents::on_agent_transcript, text, final);
}

void EngineDelivery::response_done() {
  deliver(&EngineEvents::on_response_done);
}

void EngineDelivery::user_speech_started() {
  deliver(&EngineEvents::on_user_speech_started);
}

void EngineDelivery::user_speech_stopped() {
  deliver(&EngineEvents::on_user_speech_stopped);
}

void EngineDelivery::user_transcript(const std::string& text) {
  deliver(&EngineEvents::on_user_transcript, text);
}

void EngineDelivery::interrupted() {
  deliver(&EngineEvents::on_interrupted);
}

void EngineDelivery::tool_call(const ToolCall& call) {
  deliver(&EngineEvents::on_tool_call, call);
}

void EngineDelivery::usage(const EngineUsage& usage) {
  deliver(&EngineEvents::on_usage, usage);
}

void EngineDelivery::error(const std::string& message, bool fatal) {
  const std::lock_guard lock(mutex_);
  if (!fatal) {
    deliver(&EngineEvents::on_error, message, false);
    return;
  }
  if (stopped_.exchange(true)) return;
  const EngineEvents last = depth_ == 0 ? std::exchange(events_, {}) : events_;
  if (last.on_error) last.on_error(message, true);
}

void EngineDelivery::stop() {
  const std::lock_guard lock(mutex_);
  stopped_.store(true);
  if (depth_ == 0) events_ = {};
}

}  // namespace patter::providers
