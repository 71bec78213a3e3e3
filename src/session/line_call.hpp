#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace patter::session {

// A call as the carrier side drives it, whatever runs the conversation: the pipeline
// (CallSession) or a speech-to-speech engine (RealtimeSession). Every method is called on the
// call's executor.
class LineCall {
 public:
  virtual ~LineCall() = default;

  virtual void start() = 0;
  // The caller's side of the line, as the carrier delivers it.
  virtual void on_caller_audio(std::span<const std::uint8_t> frame) = 0;
  virtual void on_mark(std::string_view name) = 0;
  virtual void on_dtmf(char digit) = 0;
  // Ends the call once: metrics are finalised and on_call_end fires.
  virtual void end(std::string reason) = 0;

  [[nodiscard]] virtual bool ended() const = 0;
  [[nodiscard]] virtual const std::string& call_id() const = 0;
};

}  // namespace patter::session
