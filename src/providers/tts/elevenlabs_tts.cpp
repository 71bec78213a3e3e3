#include "providers/tts/elevenlabs_tts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/tls_client_context.hpp"
#include "net/loop_http_clients.hpp"
#include "providers/tts/elevenlabs_requests.hpp"
#include "providers/tts/http_tts_exchange.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

ElevenLabsConfig checked(ElevenLabsConfig config) {
  config.transport = ElevenLabsTransport::http;
  validate(config);
  core::register_secret(config.api_key);
  return config;
}

}  // namespace

ElevenLabsTts::ElevenLabsTts(ElevenLabsConfig config)
    : config_(std::make_shared<const ElevenLabsConfig>(checked(std::move(config)))),
      format_(*elevenlabs_audio_format(config_->output_format)),
      url_(http_stream_url(*config_)),
      identity_(std::make_shared<int>(0)),
      loops_(std::string(elevenlabs_provider_name(ElevenLabsTransport::http))) {
  http_options_.connect_timeout = std::min(config_->connect_timeout, config_->request_timeout);
  http_options_.total_timeout = config_->request_timeout;
  http_options_.idle_read_timeout = config_->request_timeout;
  http_options_.max_idle_per_origin = config_->max_idle_connections;
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config_->extra_ca_pem;
  http_options_.tls = std::make_shared<net::TlsClientContext>(std::move(tls));
}

ElevenLabsTts::~ElevenLabsTts() = default;

std::string ElevenLabsTts::name() const {
  return std::string(elevenlabs_provider_name(ElevenLabsTransport::http));
}

std::unique_ptr<TtsStream> ElevenLabsTts::synthesize(const StreamContext& context,
                                                     std::string text, TtsEvents events) {
  auto route = loops_.route(context);
  auto request = net::json_request("POST", url_, http_stream_body(*config_, text));
  request.headers.emplace_back("xi-api-key", config_->api_key);
  request.total_timeout = config_->request_timeout;
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  return start_http_tts(route.loop, std::move(route.relay), std::move(client), config_,
                        std::move(request), std::move(events));
}

void ElevenLabsTts::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = loops_.route(context);
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  asio::co_spawn(route.loop, client->warmup(url_), [client](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const net::ClientError& failure) {
      spdlog::info("elevenlabs: warmup failed ({})", net::to_string(failure.kind()));
    } catch (const std::exception&) {
      spdlog::info("elevenlabs: warmup failed");
    }
  });
}

}  // namespace patter::providers
