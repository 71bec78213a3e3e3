#include "providers/stt/cartesia_stt.hpp"

#include <utility>

#include "core/log.hpp"
#include "providers/stt/cartesia_stt_session.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

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

CartesiaStt::CartesiaStt(CartesiaSttConfig config, net::LoopClockFactory clock) {
  validate(config);
  core::register_secret(config.api_key);
  // WebSocket pings hold a parked socket (it expires before Cartesia's idle limit); Cartesia
  // has no keep-alive or close message of its own.
  sockets_ = std::make_unique<SttSockets>(
      "cartesia_stt", std::move(clock), config.extra_ca_pem,
      std::make_shared<ParkedSockets>(config.parked_lifetime, config.parked_lifetime,
                                      ParkedSocketMessages{"", ""}));
  config_ = std::make_shared<const CartesiaSttConfig>(std::move(config));
}

CartesiaStt::~CartesiaStt() = default;

std::string CartesiaStt::parked_key(const StreamContext& context) {
  return context.call_id + "\n" + context.language;
}

std::unique_ptr<SttStream> CartesiaStt::open(const StreamContext& context, SttEvents events) {
  return start_cartesia_stt_session(
      {sockets_->connection(context, parked_key(context), connect_request(*config_, context.language)),
       config_},
      std::move(events));
}

void CartesiaStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  sockets_->open_and_park(context, parked_key(context), connect_request(*config_, context.language),
                          &close_cartesia_stt_socket);
}

double CartesiaStt::billed_audio_seconds() const {
  return sockets_->sent_seconds(config_->input_format);
}

std::size_t CartesiaStt::parked_sockets() const {
  return sockets_->parked_sockets();
}

}  // namespace patter::providers
