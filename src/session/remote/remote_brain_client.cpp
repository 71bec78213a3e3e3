#include "session/remote/remote_brain_client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include "net/http_client.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "session/remote/hmac_signature.hpp"
#include "core/exception_text.hpp"

namespace patter::session {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kFrameShownInErrors = 80;

// One turn sent to the remote brain. `ended` decides who ends the reply (the exchange or
// cancel()), so the writer hears nothing once a turn is cancelled.
struct Turn {
  Turn(asio::any_io_executor on, std::shared_ptr<ReplyWriter> sink)
      : executor(std::move(on)), writer(std::move(sink)), silence(executor) {}

  asio::any_io_executor executor;
  std::shared_ptr<ReplyWriter> writer;
  std::atomic<bool> ended{false};
  // The rest is used on the executor only.
  asio::cancellation_signal stop;
  asio::steady_timer silence;  // WebSocket: expires when no frame came for the timeout
  bool timed_out = false;
  std::shared_ptr<net::WebSocket> socket;

  void write(std::string_view text) const {
    if (!ended && !text.empty()) writer->write(text);
  }
  void finish() {
    if (!ended.exchange(true)) writer->finish();
  }
  void fail(std::string message) {
    if (!ended.exchange(true)) writer->fail(std::move(message));
  }
  void stop_network() {
    silence.cancel();
    if (socket && socket->is_open()) socket->abort();
  }
};

class TurnHandle final : public Cancellable {
 public:
  explicit TurnHandle(std::shared_ptr<Turn> turn) : turn_(std::move(turn)) {}

  void cancel() override {
    if (turn_->ended.exchange(true)) return;
    asio::post(turn_->executor, [turn = turn_] {
      turn->stop.emit(asio::cancellation_type::terminal);
      turn->stop_network();
    });
  }

 private:
  std::shared_ptr<Turn> turn_;
};

struct Exchange {
  std::string url;
  std::string where;  // origin and path, for messages: the query may carry credentials
  std::string body;
  std::string signature;  // empty without a secret
  milliseconds timeout{};
  bool websocket = false;
};

Exchange locate(const std::string& url) {
  Exchange exchange;
  exchange.url = url;
  try {
    const auto endpoint = net::parse_endpoint(url);
    exchange.where = endpoint.origin() + endpoint.target.substr(0, endpoint.target.find('?'));
    exchange.websocket = endpoint.scheme == "ws" || endpoint.scheme == "wss";
  } catch (const net::UrlError&) {
    exchange.where = "(invalid URL)";
  }
  return exchange;
}

std::string request_body(const MessageContext& turn) {
  json::array history;
  for (const auto& entry : turn.history) {
    history.push_back(
        json::object{{"role", entry.role}, {"text", entry.text}, {"timestamp", entry.timestamp}});
  }
  json::object body;
  body["text"] = turn.text;
  body["call_id"] = turn.call.call_id;
  body["caller"] = turn.call.caller;
  body["callee"] = turn.call.callee;
  body["history"] = std::move(history);
  return json::serialize(body);
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code error;
  auto value = json::parse(text, error);
  if (error || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

bool is_json_media_type(std::optional<std::string> content_type) {
  if (!content_type) return false;
  auto media = content_type->substr(0, content_type->find(';'));
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json" || media.ends_with("+json");
}

asio::awaitable<void> ask_http(std::shared_ptr<Turn> turn, std::shared_ptr<net::HttpClient> http,
                               Exchange exchange) {
  auto request = net::json_request("POST", exchange.url, exchange.body);
  if (!exchange.signature.empty()) {
    request.headers.emplace_back(kSignatureHeader, exchange.signature);
  }
  request.total_timeout = exchange.timeout;
  auto pending = http->request(std::move(request));
  const auto response = co_await std::move(pending);
  if (!response.ok()) {
    turn->fail("remote on_message at " + exchange.where + " answered HTTP " +
               std::to_string(response.status));
    co_return;
  }
  if (!is_json_media_type(response.header("Content-Type"))) {
    turn->write(response.body);
    turn->finish();
    co_return;
  }
  const auto reply = parse_object(response.body);
  const auto* text = reply ? reply->if_contains("text") : nullptr;
  if (text == nullptr || !text->is_string()) {
    turn->fail("remote on_message at " + exchange.where +
               " replied with JSON that is not an object with a string \"text\"");
    co_return;
  }
  turn->write(text->as_string());
  turn->finish();
}

// Aborts the socket when the silence timer expires; each frame restarts the timer. A wait
// that completed just before a frame moved the expiry is not a timeout.
asio::awaitable<void> watch_silence(std::shared_ptr<Turn> turn) {
  while (!turn->ended) {
    boost::system::error_code error;
    co_await turn->silence.async_wait(asio::redirect_error(asio::use_awaitable, error));
    const bool expired = turn->silence.expiry() <= asio::steady_timer::clock_type::now();
    if (!error && expired && !turn->ended) {
      turn->timed_out = true;
      turn->socket->abort();
      co_return;
    }
  }
}

// A frame is {"text": "..."}, {"done": true}, or both at once.
struct Frame {
  std::optional<std::string> text;
  bool done = false;
};

std::optional<Frame> parse_frame(const net::WsMessage& message) {
  if (message.binary) return std::nullopt;
  const auto object = parse_object(message.data);
  if (!object) return std::nullopt;
  Frame frame;
  if (const auto* text = object->if_contains("text")) {
    if (!text->is_string()) return std::nullopt;
    frame.text = std::string(text->as_string());
  }
  if (const auto* done = object->if_contains("done")) {
    frame.done = done->is_bool() && done->as_bool();
  }
  if (!frame.text && !frame.done) return std::nullopt;
  return frame;
}

asio::awaitable<void> ask_websocket(std::shared_ptr<Turn> turn, std::shared_ptr<net::WsClient> ws,
                                    Exchange exchange) {
  net::WsConnectRequest request;
  request.url = exchange.url;
  if (!exchange.signature.empty()) {
    request.headers.emplace_back(kSignatureHeader, exchange.signature);
  }
  request.connect_timeout = exchange.timeout;
  request.handshake_timeout = exchange.timeout;
  request.options.idle_timeout = milliseconds::zero();  // watch_silence times the replies
  auto pending = ws->connect(std::move(request));
  auto socket = co_await std::move(pending);
  turn->socket = socket;
  if (turn->ended) {
    socket->abort();
    co_return;
  }
  socket->send_text(std::move(exchange.body));
  turn->silence.expires_after(exchange.timeout);
  asio::co_spawn(turn->executor, watch_silence(turn), asio::detached);
  std::uint16_t close_code = 1000;
  for (;;) {
    auto message = co_await socket->receive();
    if (turn->ended) co_return;
    if (!message) {
      if (turn->timed_out) {
        turn->fail("remote on_message at " + exchange.where + " sent nothing for " +
                   std::to_string(exchange.timeout.count()) + " ms (timeout)");
      } else {
        const auto& info = socket->close_info();
        turn->fail("remote on_message at " + exchange.where +
                   " closed the WebSocket before {\"done\": true} (code " +
                   std::to_string(info.code) + (info.reason.empty() ? "" : " " + info.reason) +
                   ")");
      }
      co_return;
    }
    const auto frame = parse_frame(*message);
    if (!frame) {
      turn->fail("remote on_message at " + exchange.where +
                 " sent a frame that is not {\"text\": \"...\"} or {\"done\": true}: " +
                 (message->binary ? "(binary)" : message->data.substr(0, kFrameShownInErrors)));
      close_code = 1008;
      break;
    }
    turn->silence.expires_after(exchange.timeout);
    if (frame->text) turn->write(*frame->text);
    if (frame->done) {
      turn->finish();
      break;
    }
  }
  turn->silence.cancel();
  socket->close(close_code, close_code == 1000 ? "" : "unexpected frame");
  while (co_await socket->receive()) {
  }  // the close handshake completes while a receive is pending
}

asio::awaitable<void> ask_remote(std::shared_ptr<Turn> turn, std::shared_ptr<net::HttpClient> http,
                                 std::shared_ptr<net::WsClient> ws, net::OutboundUrlPolicy policy,
                                 Exchange exchange) {
  const auto check = net::check_outbound_url(exchange.url, policy);
  if (!check.allowed()) {
    turn->fail("remote on_message URL refused: " + check.reason);
    co_return;
  }
  auto pending = exchange.websocket ? ask_websocket(turn, ws, std::move(exchange))
                                    : ask_http(turn, http, std::move(exchange));
  co_await std::move(pending);
}

}  // namespace

HttpWsRemoteBrainClient::HttpWsRemoteBrainClient(asio::any_io_executor executor,
                                                 RemoteBrainOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      ws_(std::make_shared<net::WsClient>()) {
  net::HttpClientOptions http;
  http.connect_timeout = options_.timeout;
  http.total_timeout = options_.timeout;
  http.idle_read_timeout = options_.timeout;
  http.max_body_bytes = options_.max_reply_bytes;
  http_ = std::make_shared<net::HttpClient>(executor_, std::move(http));
}

HttpWsRemoteBrainClient::~HttpWsRemoteBrainClient() = default;

std::unique_ptr<Cancellable> HttpWsRemoteBrainClient::ask(const OnMessage& remote,
                                                          const MessageContext& turn,
                                                          std::shared_ptr<ReplyWriter> writer) {
  auto state = std::make_shared<Turn>(executor_, std::move(writer));
  Exchange exchange = locate(remote.url);
  exchange.body = request_body(turn);
  if (!remote.secret.empty()) exchange.signature = hmac_sha256_hex(remote.secret, exchange.body);
  exchange.timeout = options_.timeout;
  auto where = exchange.where;

  auto work = ask_remote(state, http_, ws_, options_.url_policy, std::move(exchange));
  asio::co_spawn(
      executor_, std::move(work),
      asio::bind_cancellation_slot(
          state->stop.slot(), [state, where = std::move(where)](const std::exception_ptr& error) {
            if (error) {
              state->fail("remote on_message at " + where + " failed: " + core::exception_text(error));
            }
            state->stop_network();
            state->socket.reset();
          }));
  return std::make_unique<TurnHandle>(std::move(state));
}

}  // namespace patter::session
