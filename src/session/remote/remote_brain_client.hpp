#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <memory>

#include "net/ssrf_guard.hpp"
#include "session/remote_services.hpp"

namespace patter::net {
class HttpClient;
class WsClient;
}  // namespace patter::net

namespace patter::session {

struct RemoteBrainOptions {
  // http(s): the whole exchange. ws(s): connecting, and the longest silence between frames.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::size_t max_reply_bytes = std::size_t{64} * 1024;  // http(s) reply body
  // Private and loopback hosts are refused unless listed in allowed_hosts.
  net::OutboundUrlPolicy url_policy;
};

// Sends turns to a remote on_message over HTTP(S) (one reply) or WebSocket (streamed
// {"text"} frames until {"done": true}); see docs/brain-protocol.md. Every exchange runs on
// `executor`, which must be single-threaded (a call's event loop or a shared I/O thread);
// ask() and cancel() may be called from any thread. Failures, including refused URLs, reach
// the writer's fail(), never an exception.
class HttpWsRemoteBrainClient final : public RemoteBrainClient {
 public:
  explicit HttpWsRemoteBrainClient(boost::asio::any_io_executor executor,
                                   RemoteBrainOptions options = {});
  ~HttpWsRemoteBrainClient() override;
  HttpWsRemoteBrainClient(const HttpWsRemoteBrainClient&) = delete;
  HttpWsRemoteBrainClient& operator=(const HttpWsRemoteBrainClient&) = delete;

  std::unique_ptr<Cancellable> ask(const OnMessage& remote, const MessageContext& turn,
                                   std::shared_ptr<ReplyWriter> writer) override;

 private:
  boost::asio::any_io_executor executor_;
  RemoteBrainOptions options_;
  // Shared with the exchanges in flight.
  std::shared_ptr<net::HttpClient> http_;
  std::shared_ptr<net::WsClient> ws_;
};

}  // namespace patter::session
