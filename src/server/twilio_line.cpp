#include "server/twilio_line.hpp"

#include <spdlog/spdlog.h>

#include "carriers/twilio/media_messages.hpp"
#include "core/error.hpp"

namespace patter::server {

namespace twilio = carriers::twilio;

TwilioLine::TwilioLine(std::shared_ptr<net::WebSocket> socket, std::string stream_sid,
                       std::string call_sid, TwilioCallActions actions)
    : socket_(std::move(socket)),
      stream_sid_(std::move(stream_sid)),
      call_sid_(std::move(call_sid)),
      actions_(std::move(actions)) {}

void TwilioLine::send_audio(std::span<const std::uint8_t> frame) {
  socket_->send_text(twilio::media_json(stream_sid_, frame));
}

void TwilioLine::send_mark(std::string_view name) { socket_->send_text(twilio::mark_json(stream_sid_, name)); }

void TwilioLine::clear_audio() { socket_->send_text(twilio::clear_json(stream_sid_)); }

void TwilioLine::hang_up() {
  if (actions_.hang_up) {
    actions_.hang_up(call_sid_);
  } else {
    spdlog::info("call {}: no Twilio REST access; hanging up by closing the media stream", call_sid_);
  }
  socket_->close(1000, "call ended");
}

void TwilioLine::transfer(std::string_view target) {
  if (!actions_.transfer) {
    spdlog::error("call {}: cannot transfer without Twilio credentials", call_sid_);
    return;
  }
  actions_.transfer(call_sid_, std::string(target));
}

void TwilioLine::send_dtmf(std::string_view) {
  throw core::Error(core::Errc::unavailable, "Twilio media streams cannot send DTMF");
}

}  // namespace patter::server
