#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <patter/executor.hpp>

#include "carriers/twilio/media_messages.hpp"
#include "core/clock.hpp"
#include "net/websocket.hpp"
#include "server/twilio_line.hpp"
#include "session/line_call.hpp"

namespace patter::server {

// Builds the call for a media stream once its start message arrives (on the stream's loop);
// returns null, or throws, to refuse it.
using TwilioCallFactory = std::function<std::shared_ptr<session::LineCall>(
    const carriers::twilio::Start& start, std::shared_ptr<session::CarrierLink> line,
    std::shared_ptr<Executor> executor, core::Clock& clock)>;

struct MediaStreamOptions {
  // A stream that has not said `start` by then is closed (1008).
  std::chrono::milliseconds start_timeout{std::chrono::seconds(10)};
  std::size_t max_message_bytes = carriers::twilio::kDefaultMaxMediaMessageBytes;
};

// Serves one Twilio media stream WebSocket for its whole life: creates the call on `start`,
// feeds it caller audio, marks and DTMF, and ends it on `stop` or when the socket goes. A
// malformed or oversized message closes the socket with a precise code and ends the call
// cleanly (its record is kept).
boost::asio::awaitable<void> run_twilio_media_stream(std::shared_ptr<net::WebSocket> socket,
                                                     std::string path_call_id,
                                                     TwilioCallFactory factory,
                                                     TwilioCallActions actions,
                                                     MediaStreamOptions options);

}  // namespace patter::server
