#include "providers/realtime/openai_realtime_engine.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/asio_clock.hpp"
#include "net/tls_client_context.hpp"
#include "net/warm_connection.hpp"
#include "net/ws_client.hpp"
#include "providers/realtime/openai_realtime_messages.hpp"
#include "providers/realtime/openai_realtime_session.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

net::WsConnectRequest connect_request(const OpenAiRealtimeConfig& config) {
  net::WsConnectRequest request;
  request.url = config.base_url;
  request.query = realtime_query(config);
  request.headers = realtime_headers(config);
  request.connect_timeout = config.connect_timeout;
  request.handshake_timeout = config.handshake_timeout;
  // A ping after keepalive_interval of silence from the server; the socket counts as dropped
  // if nothing arrives for as long again.
  request.options.idle_timeout = config.keepalive_interval * 2;
  request.options.keepalive_pings = true;
  request.options.close_timeout = std::chrono::seconds(2);
  request.options.max_message_bytes = std::size_t{8} << 20;
  request.options.max_queued_messages = 4096;
  request.options.max_queued_bytes = std::size_t{16} << 20;
  return request;
}

void log_warmup_failure(const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const net::ClientError& failure) {
    spdlog::info("openai_realtime: warmup failed ({})", net::to_string(failure.kind()));
  } catch (const std::exception&) {
    spdlog::info("openai_realtime: warmup failed");
  }
}

}  // namespace

OpenAiRealtimeEngine::OpenAiRealtimeEngine(OpenAiRealtimeConfig config, net::LoopClockFactory clock)
    : clock_(std::move(clock)) {
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
  config_ = std::make_shared<const OpenAiRealtimeConfig>(std::move(config));
}

OpenAiRealtimeEngine::~OpenAiRealtimeEngine() = default;

std::unique_ptr<EngineSession> OpenAiRealtimeEngine::open(const StreamContext& context,
                                                          EngineSessionConfig config,
                                                          EngineEvents events) {
  OpenAiRealtimeSessionSetup setup;
  setup.loop = loops_.route(context).loop;
  setup.config = config_;
  setup.client = client_;
  setup.clock = clock_(setup.loop);
  setup.request = connect_request(*config_);
  setup.call_id = context.call_id;
  setup.carrier = config.carrier_format;
  setup.wire = session_audio_format(*config_, config.carrier_format);
  if (config.language.empty()) config.language = context.language;
  setup.session_update = session_update(*config_, config, setup.wire);
  setup.first_message = std::move(config.first_message);
  return start_openai_realtime_session(std::move(setup), std::move(events));
}

void OpenAiRealtimeEngine::warmup(const StreamContext& context) {
  if (!context.executor) return;
  net::Endpoint endpoint;
  try {
    endpoint = net::parse_endpoint(config_->base_url);
  } catch (const net::UrlError&) {
    return;
  }
  asio::co_spawn(loops_.route(context).loop, net::warm_endpoint(std::move(endpoint), tls_, config_->connect_timeout),
                 log_warmup_failure);
}

}  // namespace patter::providers
