#pragma once

#include <span>
#include <string>
#include <string_view>

#include "audio/audio_format.hpp"

namespace patter::session {

// The session's view of the phone line, whatever the carrier. A carrier adapter implements it
// and feeds the session the caller's side (CallSession::on_caller_audio and friends). Every
// method is called on the call's executor and must not block: adapters queue and send.
class CarrierLink {
 public:
  virtual ~CarrierLink() = default;

  [[nodiscard]] virtual std::string name() const = 0;  // "twilio", "telnyx", "text"
  // Format of the audio in both directions (μ-law 8 kHz for the PSTN carriers).
  [[nodiscard]] virtual audio::AudioFormat audio_format() const = 0;
  // Whether the carrier echoes marks once the audio before them has been played; without marks
  // the session paces by playout time alone.
  [[nodiscard]] virtual bool supports_marks() const = 0;

  // One frame of agent audio in audio_format().
  virtual void send_audio(std::span<const std::uint8_t> frame) = 0;
  virtual void send_mark(std::string_view name) = 0;
  // Drops the audio the carrier has buffered but not yet played (barge-in).
  virtual void clear_audio() = 0;
  // A text-only line (no TTS) shows the agent's sentences instead of playing audio.
  virtual void send_text(std::string_view /*sentence*/) {}

  virtual void hang_up() = 0;
  // `target` has been checked: E.164 or a sip:/sips: URI.
  virtual void transfer(std::string_view target) = 0;
  // Throws core::Error (unavailable) where the carrier cannot play DTMF.
  virtual void send_dtmf(std::string_view digits) = 0;
};

}  // namespace patter::session
