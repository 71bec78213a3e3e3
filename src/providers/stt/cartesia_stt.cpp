#include "providers/stt/cartesia_stt.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/asio_clock.hpp"
#include "net/tls_client_context.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/cartesia_stt_session.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

net::WsConnectRequest connect_request(const CartesiaSttConfig& config,
                                      const std::string& language) {
  net::WsConnectRequest request;
  request.url = cartesia_stt_url(config);
  request.query = cartesia_stt_query(config, language);
  request.headers.emplace_back("X-API-Key", config.api_key);
  request.headers.emplace_back("Cartesia-Version", config.version);
  request.connect_timeout = config.connect_timeout;
  request.handshake_timeout = config.handshake_timeout;
  // Cartesia has no keep-alive message: a ping goes out after keepalive_interval of silence
  // from the server, and the socket counts as dropped one interval later.
  request.options.idle_timeout = 2 * config.keepalive_interval;
  request.options.keepalive_pings = true;
  request.options.close_timeout = std::chrono::seconds(2);
  request.options.max_queued_messages = 2048;
  request.options.max_queued_bytes = std::size_t{8} << 20;
  return request;
}

}  // namespace

CartesiaStt::CartesiaStt(CartesiaSttConfig config, LoopClockFactory clock)
    : clock_(std::move(clock)), sent_bytes_(std::make_shared<std::atomic<std::uint64_t>>(0)) {
  validate(config);
  core::register_secret(config.api_key);
  if (!clock_) {
    clock_ = [](const asio::any_io_executor& loop) {
      return std::make_shared<net::AsioClock>(loop);
    };
  }
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config.extra_ca_pem;
  client_ =
      std::make_shared<net::WsClient>(std::make_shared<net::TlsClientContext>(std::move(tls)));
  // WebSocket pings hold a parked socket (it expires before Cartesia's idle limit); Cartesia
  // has no keep-alive or close message of its own.
  parked_ = std::make_shared<ParkedSockets>(config.parked_lifetime, config.parked_lifetime,
                                            ParkedSocketMessages{"", ""});
  config_ = std::make_shared<const CartesiaSttConfig>(std::move(config));
}

CartesiaStt::~CartesiaStt() = default;

std::string CartesiaStt::parked_key(const StreamContext& context) const {
  return context.call_id + "\n" + context.language;
}

std::unique_ptr<SttStream> CartesiaStt::open(const StreamContext& context, SttEvents events) {
  CartesiaSttSessionSetup setup;
  setup.loop = loops_.route(context).loop;
  setup.config = config_;
  setup.client = client_;
  setup.clock = clock_(setup.loop);
  setup.parked = parked_;
  setup.parked_key = parked_key(context);
  setup.request = connect_request(*config_, context.language);
  setup.call_id = context.call_id;
  setup.sent_bytes = sent_bytes_;
  return start_cartesia_stt_session(std::move(setup), std::move(events));
}

void CartesiaStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto loop = loops_.route(context).loop;
  asio::co_spawn(loop,
                 open_and_park(client_, connect_request(*config_, context.language), parked_,
                               parked_key(context), clock_(loop), &close_cartesia_stt_socket),
                 [](const std::exception_ptr& error) {
                   log_warmup_failure("cartesia_stt", error);
                 });
}

double CartesiaStt::billed_audio_seconds() const {
  const auto format = config_->input_format;
  return static_cast<double>(sent_bytes_->load()) /
         (static_cast<double>(format.sample_rate) * static_cast<double>(format.bytes_per_sample()));
}

std::size_t CartesiaStt::parked_sockets() const {
  return parked_->size();
}

}  // namespace patter::providers
