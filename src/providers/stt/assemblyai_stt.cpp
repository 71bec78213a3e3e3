#include "providers/stt/assemblyai_stt.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/asio_clock.hpp"
#include "net/tls_client_context.hpp"
#include "net/warm_connection.hpp"
#include "net/ws_client.hpp"
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

AssemblyAiStt::AssemblyAiStt(AssemblyAiConfig config, LoopClockFactory clock)
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
  tls_ = std::make_shared<net::TlsClientContext>(std::move(tls));
  client_ = std::make_shared<net::WsClient>(tls_);
  parked_ = std::make_shared<ParkedSockets>(
      config.parked_lifetime, config.keepalive_interval,
      ParkedSocketMessages{R"({"type":"KeepAlive"})", R"({"type":"Terminate"})"});
  config_ = std::make_shared<const AssemblyAiConfig>(std::move(config));
}

AssemblyAiStt::~AssemblyAiStt() = default;

std::string AssemblyAiStt::parked_key(const StreamContext& context) const {
  return context.call_id;
}

std::unique_ptr<SttStream> AssemblyAiStt::open(const StreamContext& context, SttEvents events) {
  AssemblyAiSessionSetup setup;
  setup.loop = loops_.route(context).loop;
  setup.config = config_;
  setup.client = client_;
  setup.clock = clock_(setup.loop);
  setup.parked = parked_;
  setup.parked_key = parked_key(context);
  setup.request = connect_request(*config_);
  setup.call_id = context.call_id;
  setup.sent_bytes = sent_bytes_;
  return start_assemblyai_session(std::move(setup), std::move(events));
}

void AssemblyAiStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto loop = loops_.route(context).loop;
  const auto log = [](const std::exception_ptr& error) { log_warmup_failure("assemblyai", error); };
  if (!config_->warmup_opens_session) {
    asio::co_spawn(loop,
                   net::warm_endpoint(net::parse_endpoint(streaming_url(*config_)), tls_,
                                      config_->connect_timeout),
                   log);
    return;
  }
  asio::co_spawn(loop,
                 open_and_park(client_, connect_request(*config_), parked_, parked_key(context),
                               clock_(loop), &close_assemblyai_socket),
                 log);
}

double AssemblyAiStt::billed_audio_seconds() const {
  const auto format = config_->input_format;
  return static_cast<double>(sent_bytes_->load()) /
         (static_cast<double>(format.sample_rate) * static_cast<double>(format.bytes_per_sample()));
}

std::size_t AssemblyAiStt::parked_sockets() const {
  return parked_->size();
}

}  // namespace patter::providers
