#include "server/twilio_media_stream.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <type_traits>
#include <variant>

#include "core/error.hpp"
#include "net/asio_clock.hpp"
#include "net/asio_executor.hpp"

namespace patter::server {

namespace twilio = carriers::twilio;

namespace {

constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kUnsupportedData = 1003;
constexpr std::uint16_t kInternalError = 1011;

}  // namespace

boost::asio::awaitable<void> run_twilio_media_stream(std::shared_ptr<net::WebSocket> socket,
                                                     std::string path_call_id,
                                                     TwilioCallFactory factory,
                                                     TwilioCallActions actions,
                                                     MediaStreamOptions options) {
  // Declared first so it outlives the session, whose timers it runs.
  auto clock = std::make_shared<net::AsioClock>(socket->get_executor());
  auto executor = std::make_shared<net::AsioExecutor>(socket->get_executor());
  std::shared_ptr<session::LineCall> call;
  std::string end_reason = "media stream closed";
  bool warned_early_media = false;

  core::Timer start_timer = clock->schedule_after(options.start_timeout, [socket, path_call_id] {
    spdlog::warn("media stream {}: no start message; closing", path_call_id);
    socket->close(kPolicyViolation, "no start message");
  });

  while (true) {
    auto message = co_await socket->receive();
    if (!message) {
      const auto& info = socket->close_info();
      if (info.code != 1000 && info.code != 0) {
        end_reason = "media stream closed (" + std::to_string(info.code) + ")";
      }
      break;
    }
    if (message->binary) {
      spdlog::warn("media stream {}: binary frame; Twilio sends JSON text", path_call_id);
      socket->close(kUnsupportedData, "binary frames are not part of the protocol");
      end_reason = "error: binary frame on the media stream";
      break;
    }
    twilio::MediaMessage parsed;
    try {
      parsed = twilio::parse_media_message(message->data, options.max_message_bytes);
    } catch (const twilio::MediaMessageError& error) {
      spdlog::warn("media stream {}: {}", path_call_id, error.what());
      socket->close(core::ws_close_code(error.code()), std::string(core::errc_name(error.code())));
      end_reason = std::string("error: ") + error.what();
      break;
    }
    bool stop = false;
    std::visit(
        [&](auto& event) {
          using Event = std::decay_t<decltype(event)>;
          if constexpr (std::is_same_v<Event, twilio::Start>) {
            if (call) {
              spdlog::warn("media stream {}: a second start message is ignored", path_call_id);
              return;
            }
            if (event.media_format.encoding != "audio/x-mulaw" || event.media_format.sample_rate != 8000) {
              spdlog::warn("media stream {}: unsupported media format {} at {} Hz", path_call_id,
                           event.media_format.encoding, event.media_format.sample_rate);
              socket->close(kUnsupportedData, "only audio/x-mulaw at 8000 Hz is supported");
              end_reason = "error: unsupported media format";
              stop = true;
              return;
            }
            start_timer.cancel();
            auto line = std::make_shared<TwilioLine>(socket, event.stream_sid, event.call_sid, actions);
            try {
              call = factory(event, line, executor, *clock);
            } catch (const std::exception& error) {
              spdlog::error("call {}: cannot start: {}", event.call_sid, error.what());
            }
            if (!call) {
              socket->close(kInternalError, "the call could not be started");
              stop = true;
              return;
            }
            call->start();
          } else if constexpr (std::is_same_v<Event, twilio::Media>) {
            if (!call) {
              if (!warned_early_media) spdlog::warn("media stream {}: media before start is dropped", path_call_id);
              warned_early_media = true;
              return;
            }
            if (event.track.empty() || event.track == "inbound") call->on_caller_audio(event.payload);
          } else if constexpr (std::is_same_v<Event, twilio::Mark>) {
            if (call) call->on_mark(event.name);
          } else if constexpr (std::is_same_v<Event, twilio::Dtmf>) {
            if (call && !event.digit.empty()) call->on_dtmf(event.digit.front());
          } else if constexpr (std::is_same_v<Event, twilio::Stop>) {
            end_reason = "caller hung up";
            stop = true;
          } else if constexpr (std::is_same_v<Event, twilio::Unknown>) {
            spdlog::debug("media stream {}: ignoring event {}", path_call_id, event.event);
          }
        },
        parsed);
    if (stop || (call && call->ended())) break;
  }
  start_timer.cancel();
  if (call && !call->ended()) call->end(end_reason);
  if (socket->is_open()) socket->close(1000, "call ended");
  call.reset();
  co_return;
}

}  // namespace patter::server
