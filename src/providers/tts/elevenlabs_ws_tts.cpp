#include "providers/tts/elevenlabs_ws_tts.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/tls_client_context.hpp"
#include "providers/tts/elevenlabs_requests.hpp"
#include "providers/tts/parked_tts_sockets.hpp"
#include "providers/tts/ws_tts_exchange.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

ElevenLabsConfig checked(ElevenLabsConfig config) {
  config.transport = ElevenLabsTransport::websocket;
  validate(config);
  core::register_secret(config.api_key);
  return config;
}

asio::awaitable<void> open_and_park(asio::any_io_executor loop,
                                    std::shared_ptr<net::WsClient> client,
                                    net::WsConnectRequest request,
                                    std::weak_ptr<const void> owner,
                                    std::chrono::milliseconds ttl) {
  auto connecting = client->connect(std::move(request));
  auto socket = co_await std::move(connecting);
  if (const auto alive = owner.lock()) {
    park_tts_socket(loop, alive, std::move(socket), ttl);
  } else {
    socket->close(1000, "");
  }
}

}  // namespace

ElevenLabsWsTts::ElevenLabsWsTts(ElevenLabsConfig config)
    : config_(std::make_shared<const ElevenLabsConfig>(checked(std::move(config)))),
      format_(*elevenlabs_audio_format(config_->output_format)),
      identity_(std::make_shared<int>(0)),
      loops_(std::string(elevenlabs_provider_name(ElevenLabsTransport::websocket))) {
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config_->extra_ca_pem;
  client_ = std::make_shared<net::WsClient>(std::make_shared<net::TlsClientContext>(std::move(tls)));
  connect_.url = stream_input_url(*config_);
  connect_.query = stream_input_query(*config_);
  connect_.headers = {{"xi-api-key", config_->api_key}};
  connect_.connect_timeout = config_->connect_timeout;
  connect_.handshake_timeout = config_->connect_timeout;
  // Deadlines of a sentence are the exchange's; the socket itself only guards against a peer
  // that vanished while it sat parked.
  connect_.options.idle_timeout = config_->inactivity_timeout;
}

ElevenLabsWsTts::~ElevenLabsWsTts() = default;

std::string ElevenLabsWsTts::name() const {
  return std::string(elevenlabs_provider_name(ElevenLabsTransport::websocket));
}

std::unique_ptr<TtsStream> ElevenLabsWsTts::synthesize(const StreamContext& context,
                                                       std::string text, TtsEvents events) {
  auto route = loops_.route(context);
  return start_ws_tts(route.loop, std::move(route.relay), WsTtsTarget{client_, connect_, identity_},
                      config_, std::move(text), std::move(events));
}

void ElevenLabsWsTts::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = loops_.route(context);
  const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(config_->inactivity_timeout) / 2;
  asio::co_spawn(route.loop, open_and_park(route.loop, client_, connect_, identity_, ttl),
                 [](const std::exception_ptr& error) {
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const net::WsHandshakeError& refused) {
                     spdlog::info("elevenlabs_ws: warmup failed (HTTP {})", refused.status());
                   } catch (const net::ClientError& failure) {
                     spdlog::info("elevenlabs_ws: warmup failed ({})",
                                  net::to_string(failure.kind()));
                   } catch (const std::exception&) {
                     spdlog::info("elevenlabs_ws: warmup failed");
                   }
                 });
}

}  // namespace patter::providers
