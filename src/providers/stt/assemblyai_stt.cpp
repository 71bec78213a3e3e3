#include "providers/stt/assemblyai_stt.hpp"

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/warm_connection.hpp"
#include "providers/stt/assemblyai_session.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

net::WsConnectRequest connect_request(const AssemblyAiConfig& config) {
  net::WsConnectRequest request;
  request.url = streaming_url(config);
  request.query = streaming_query(config);
  request.headers.emplace_back("Authorization", config.api_key);
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

AssemblyAiStt::AssemblyAiStt(AssemblyAiConfig config, net::LoopClockFactory clock) {
  validate(config);
  core::register_secret(config.api_key);
  sockets_ = std::make_unique<SttSockets>(
      "assemblyai", std::move(clock), config.extra_ca_pem,
      std::make_shared<ParkedSockets>(
          config.parked_lifetime, config.keepalive_interval,
          ParkedSocketMessages{R"({"type":"KeepAlive"})", R"({"type":"Terminate"})"}));
  config_ = std::make_shared<const AssemblyAiConfig>(std::move(config));
}

AssemblyAiStt::~AssemblyAiStt() = default;

std::string AssemblyAiStt::parked_key(const StreamContext& context) {
  return context.call_id;
}

std::unique_ptr<SttStream> AssemblyAiStt::open(const StreamContext& context, SttEvents events) {
  return start_assemblyai_session(
      {sockets_->connection(context, parked_key(context), connect_request(*config_)), config_},
      std::move(events));
}

void AssemblyAiStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  if (config_->warmup_opens_session) {
    sockets_->open_and_park(context, parked_key(context), connect_request(*config_),
                            &close_assemblyai_socket);
    return;
  }
  asio::co_spawn(sockets_->loop(context),
                 net::warm_endpoint(net::parse_endpoint(streaming_url(*config_)), sockets_->tls(),
                                    config_->connect_timeout),
                 [](const std::exception_ptr& error) { log_warmup_failure("assemblyai", error); });
}

double AssemblyAiStt::billed_audio_seconds() const {
  return sockets_->sent_seconds(config_->input_format);
}

std::size_t AssemblyAiStt::parked_sockets() const {
  return sockets_->parked_sockets();
}

}  // namespace patter::providers
