#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/websocket.hpp"
#include "session/carrier_link.hpp"

namespace patter::server {

// What a Twilio call does through the REST API; run off the call's loop, errors logged.
struct TwilioCallActions {
  std::function<void(const std::string& call_sid)> hang_up;
  std::function<void(const std::string& call_sid, const std::string& target)> transfer;
};

// A Twilio media stream as the session's phone line: agent audio, marks and clear go out on the
// WebSocket; hang-up and transfer go through the REST API.
class TwilioLine final : public session::CarrierLink {
 public:
  TwilioLine(std::shared_ptr<net::WebSocket> socket, std::string stream_sid, std::string call_sid,
             TwilioCallActions actions);

  [[nodiscard]] std::string name() const override { return "twilio"; }
  [[nodiscard]] audio::AudioFormat audio_format() const override { return audio::kTelephonyMulaw; }
  [[nodiscard]] bool supports_marks() const override { return true; }
  void send_audio(std::span<const std::uint8_t> frame) override;
  void send_mark(std::string_view name) override;
  void clear_audio() override;
  void hang_up() override;
  void transfer(std::string_view target) override;
  void send_dtmf(std::string_view digits) override;

 private:
  std::shared_ptr<net::WebSocket> socket_;
  std::string stream_sid_;
  std::string call_sid_;
  TwilioCallActions actions_;
};

}  // namespace patter::server
