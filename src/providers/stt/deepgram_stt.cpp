#include "providers/stt/deepgram_stt.hpp"

#include <utility>

#include "core/log.hpp"
#include "providers/stt/deepgram_session.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace {

net::WsConnectRequest connect_request(const DeepgramConfig& config, const std::string& language) {
  net::WsConnectRequest request;
  request.url = listen_url(config);
  request.query = listen_query(config, language);
  request.headers.emplace_back("Authorization", "Token " + config.api_key);
  request.connect_timeout = config.connect_timeout;
  request.handshake_timeout = config.handshake_timeout;
  // A ping after 10 s of silence from the server, and the socket counts as dropped 10 s later.
  request.options.idle_timeout = std::chrono::seconds(20);
  request.options.keepalive_pings = true;
  request.options.close_timeout = std::chrono::seconds(2);
  request.options.max_queued_messages = 2048;
  request.options.max_queued_bytes = std::size_t{8} << 20;
  return request;
}

}  // namespace

DeepgramStt::DeepgramStt(DeepgramConfig config, net::LoopClockFactory clock) {
  validate(config);
  core::register_secret(config.api_key);
  sockets_ = std::make_unique<SttSockets>(
      "deepgram", std::move(clock), config.extra_ca_pem,
      std::make_shared<ParkedSockets>(config.parked_lifetime, config.keepalive_interval));
  config_ = std::make_shared<const DeepgramConfig>(std::move(config));
}

DeepgramStt::~DeepgramStt() = default;

std::string DeepgramStt::parked_key(const StreamContext& context) {
  return context.call_id + "\n" + context.language;
}

std::unique_ptr<SttStream> DeepgramStt::open(const StreamContext& context, SttEvents events) {
  return start_deepgram_session(
      {sockets_->connection(context, parked_key(context), connect_request(*config_, context.language)),
       config_},
      std::move(events));
}

void DeepgramStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  sockets_->open_and_park(context, parked_key(context), connect_request(*config_, context.language),
                          &close_deepgram_socket);
}

double DeepgramStt::billed_audio_seconds() const {
  return sockets_->sent_seconds(config_->input_format);
}

std::size_t DeepgramStt::parked_sockets() const {
  return sockets_->parked_sockets();
}

}  // namespace patter::providers
