#include "providers/tts/ws_tts_exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <optional>
#include <utility>

#include "providers/tts/elevenlabs_requests.hpp"
#include "providers/tts/parked_tts_sockets.hpp"
#include "providers/tts/stream_input_message.hpp"
#include "providers/tts/tts_exchange.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

class WsTtsExchange final : public TtsExchange {
 public:
  WsTtsExchange(asio::any_io_executor loop, std::shared_ptr<Executor> relay, WsTtsTarget target,
                std::shared_ptr<const ElevenLabsConfig> config, std::string text,
                TtsEvents events)
      : TtsExchange(std::move(loop), std::move(relay), std::move(events), std::move(config)),
        target_(std::move(target)),
        text_(std::move(text)) {}

 private:
  asio::awaitable<std::optional<TtsFailure>> attempt() override {
    expect(Deadline::first_audio);
    // A parked socket the server has meanwhile given up on fails before any audio; then the
    // sentence goes to a new socket within the same attempt.
    auto socket = take_parked_tts_socket(loop(), target_.owner);
    bool adopted = socket != nullptr;
    for (;;) {
      if (!socket) {
        auto connecting = target_.client->connect(target_.connect);
        try {
          socket = co_await std::move(connecting);
        } catch (const net::WsHandshakeError& refused) {
          disarm();
          co_return failure_from_status(config(), refused.status(), refused.headers(),
                                        refused.body(), std::chrono::system_clock::now());
        }
      }
      socket_ = socket;
      if (stopped()) {
        // Cancelled while connecting: dropped at once, as abort_transport() would have.
        socket->abort();
        co_return std::nullopt;
      }
      auto outcome = co_await converse();
      if (!outcome.stale || !adopted || deadline_passed()) co_return std::move(outcome.failure);
      spdlog::debug("{}: a parked socket had closed; opening another",
                    elevenlabs_provider_name(config().transport));
      adopted = false;
      socket.reset();
      socket_.reset();
    }
  }

  struct Outcome {
    std::optional<TtsFailure> failure;
    bool stale = false;  // failed before any audio: a parked socket may have gone bad
  };

  asio::awaitable<Outcome> converse() {
    const auto socket = socket_;
    const bool sent = socket->send_text(stream_input_start(config())) &&
                      socket->send_text(stream_input_text(text_)) &&
                      socket->send_text(stream_input_end());
    bool got_audio = false;
    while (sent) {
      auto next = socket->receive();
      auto message = co_await std::move(next);
      if (!message) break;
      if (stopped()) continue;  // cancelled: the socket is going down
      if (message->binary) {
        co_return finish(socket, malformed_message(config(), "a binary message"), got_audio);
      }
      StreamInputMessage parsed;
      try {
        parsed = parse_stream_input_message(message->data);
      } catch (const StreamInputFormatError& error) {
        co_return finish(socket, malformed_message(config(), error.what()), got_audio);
      }
      if (!parsed.error.empty()) {
        co_return finish(socket, stream_error(config(), parsed.error, parsed.error_message),
                         got_audio);
      }
      got_audio = got_audio || !parsed.audio.empty();
      audio(parsed.audio);
      if (parsed.is_final) {
        done();
        socket->close(1000, "");
        co_await drain(socket);
        co_return Outcome{};
      }
    }
    if (stopped()) co_return Outcome{};
    const auto& closed = socket->close_info();
    co_return Outcome{closed_early(config(), closed.code, closed.reason), !got_audio};
  }

  // Closes the socket after a failure and lets the close handshake run its course.
  static Outcome finish(const std::shared_ptr<net::WebSocket>& socket, TtsFailure failure,
                        bool got_audio) {
    socket->close(1000, "");
    asio::co_spawn(socket->get_executor(), drain(socket), asio::detached);
    return Outcome{std::move(failure), !got_audio};
  }

  static asio::awaitable<void> drain(std::shared_ptr<net::WebSocket> socket) {
    for (;;) {
      auto next = socket->receive();
      if (!(co_await std::move(next))) break;
    }
  }

  // Dropped rather than closed politely: a server busy speaking would read the close frame
  // only after the whole sentence, while a dropped connection stops it at its next write.
  void abort_transport() override {
    if (socket_) socket_->abort();
  }

  WsTtsTarget target_;
  std::string text_;
  std::shared_ptr<net::WebSocket> socket_;
};

}  // namespace

std::unique_ptr<TtsStream> start_ws_tts(asio::any_io_executor loop,
                                        std::shared_ptr<Executor> relay, WsTtsTarget target,
                                        std::shared_ptr<const ElevenLabsConfig> config,
                                        std::string text, TtsEvents events) {
  auto exchange =
      std::make_shared<WsTtsExchange>(std::move(loop), std::move(relay), std::move(target),
                                      std::move(config), std::move(text), std::move(events));
  exchange->start();
  return make_tts_stream(std::move(exchange));
}

}  // namespace patter::providers
