#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/ssrf_guard.hpp"
#include "session/remote_services.hpp"

namespace patter::net {
class HttpClient;
}  // namespace patter::net

namespace patter::session {

struct ToolWebhookOptions {
  std::chrono::milliseconds attempt_timeout{std::chrono::seconds(10)};
  int max_attempts = 3;
  std::chrono::milliseconds retry_delay{500};
  std::size_t max_response_bytes = std::size_t{1} << 20;  // larger answers fail at once
  // Private and loopback hosts are refused unless listed in allowed_hosts.
  net::OutboundUrlPolicy url_policy;
};

// Calls webhook tools over HTTP(S). Every request runs on `executor`, which must be
// single-threaded (a call's event loop or a shared I/O thread); invoke() and cancel() may be
// called from any thread. Requests still in flight when the client is destroyed run to their
// end.
class HttpToolWebhookClient final : public ToolWebhookClient {
 public:
  explicit HttpToolWebhookClient(boost::asio::any_io_executor executor,
                                 ToolWebhookOptions options = {});
  ~HttpToolWebhookClient() override;
  HttpToolWebhookClient(const HttpToolWebhookClient&) = delete;
  HttpToolWebhookClient& operator=(const HttpToolWebhookClient&) = delete;

  std::unique_ptr<Cancellable> invoke(const Tool& tool, const ToolCall& call,
                                      const CallParties& parties,
                                      std::function<void(std::string result)> done) override;

 private:
  boost::asio::any_io_executor executor_;
  ToolWebhookOptions options_;
  std::shared_ptr<net::HttpClient> http_;  // shared with the requests in flight
};

}  // namespace patter::session
