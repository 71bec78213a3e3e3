#include "providers/tts/cartesia_tts.hpp"

#include <utility>

#include "core/log.hpp"
#include "net/tls_client_context.hpp"
#include "providers/tts/cartesia_tts_channel.hpp"

namespace patter::providers {

namespace {

CartesiaTtsConfig checked(CartesiaTtsConfig config) {
  validate(config);
  core::register_secret(config.api_key);
  return config;
}

}  // namespace

CartesiaTts::CartesiaTts(CartesiaTtsConfig config)
    : config_(std::make_shared<const CartesiaTtsConfig>(checked(std::move(config)))),
      characters_(std::make_shared<std::atomic<std::uint64_t>>(0)),
      identity_(std::make_shared<int>(0)),
      loops_(std::string(kCartesiaTtsName)) {
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config_->extra_ca_pem;
  client_ =
      std::make_shared<net::WsClient>(std::make_shared<net::TlsClientContext>(std::move(tls)));
  connect_.url = cartesia_tts_url(*config_);
  connect_.headers = {{"X-API-Key", config_->api_key}, {"Cartesia-Version", config_->version}};
  connect_.connect_timeout = config_->connect_timeout;
  connect_.handshake_timeout = config_->connect_timeout;
  // The socket lives as long as the call: a ping after 30 s of silence from the server keeps it
  // (and finds a peer that vanished).
  connect_.options.idle_timeout = std::chrono::seconds(60);
  connect_.options.keepalive_pings = true;
  connect_.options.close_timeout = std::chrono::seconds(2);
}

CartesiaTts::~CartesiaTts() = default;

std::string CartesiaTts::language_for(const StreamContext& context) const {
  if (!config_->language.empty()) return config_->language;
  return context.language.substr(0, context.language.find('-'));
}

std::unique_ptr<TtsStream> CartesiaTts::synthesize(const StreamContext& context, std::string text,
                                                   TtsEvents events) {
  auto route = loops_.route(context);
  CartesiaChannelSetup setup{
      config_,   client_,          connect_,   context.call_id, language_for(context),
      identity_, context.executor, characters_};
  return start_cartesia_sentence(route.loop, std::move(route.relay), std::move(setup),
                                 std::move(text), std::move(events));
}

void CartesiaTts::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = loops_.route(context);
  CartesiaChannelSetup setup{
      config_,   client_,          connect_,   context.call_id, language_for(context),
      identity_, context.executor, characters_};
  warm_cartesia_channel(route.loop, std::move(setup));
}

}  // namespace patter::providers
