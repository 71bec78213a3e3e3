#include "providers/stt/stt_sockets.hpp"

#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <utility>

#include "net/asio_clock.hpp"
#include "net/tls_client_context.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace asio = boost::asio;

SttSockets::SttSockets(std::string provider, net::LoopClockFactory clock,
                       const std::string& extra_ca_pem, std::shared_ptr<ParkedSockets> parked)
    : provider_(std::move(provider)),
      clock_(std::move(clock)),
      sent_bytes_(std::make_shared<std::atomic<std::uint64_t>>(0)),
      loops_(provider_),
      parked_(std::move(parked)) {
  if (!clock_) {
    clock_ = [](const asio::any_io_executor& loop) { return std::make_shared<net::AsioClock>(loop); };
  }
  net::TlsClientOptions options;
  options.extra_ca_pem = extra_ca_pem;
  tls_ = std::make_shared<net::TlsClientContext>(std::move(options));
  client_ = std::make_shared<net::WsClient>(tls_);
}

SttSockets::~SttSockets() = default;

asio::any_io_executor SttSockets::loop(const StreamContext& context) {
  return loops_.route(context).loop;
}

SttConnection SttSockets::connection(const StreamContext& context, std::string parked_key,
                                     net::WsConnectRequest request) {
  SttConnection connection;
  connection.loop = loop(context);
  connection.client = client_;
  connection.clock = clock_(connection.loop);
  connection.parked = parked_;
  connection.parked_key = std::move(parked_key);
  connection.request = std::move(request);
  connection.call_id = context.call_id;
  connection.sent_bytes = sent_bytes_;
  return connection;
}

void SttSockets::open_and_park(const StreamContext& context, std::string parked_key,
                               net::WsConnectRequest request, void (*close)(net::WebSocket&)) {
  const auto on = loop(context);
  asio::co_spawn(on,
                 providers::open_and_park(client_, std::move(request), parked_, std::move(parked_key),
                                          clock_(on), close),
                 [provider = provider_](const std::exception_ptr& error) {
                   log_warmup_failure(provider, error);
                 });
}

double SttSockets::sent_seconds(AudioFormat format) const {
  return static_cast<double>(sent_bytes_->load()) /
         (static_cast<double>(format.sample_rate) * static_cast<double>(format.bytes_per_sample()));
}

std::size_t SttSockets::parked_sockets() const { return parked_->size(); }

}  // namespace patter::providers
