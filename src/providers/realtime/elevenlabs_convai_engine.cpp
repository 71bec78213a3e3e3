#include "providers/realtime/elevenlabs_convai_engine.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "net/asio_clock.hpp"
#include "net/loop_http_clients.hpp"
#include "net/tls_client_context.hpp"
#include "net/ws_client.hpp"
#include "providers/realtime/elevenlabs_convai_session.hpp"
#include "providers/tts/elevenlabs_voices.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

ElevenLabsConvAiConfig checked(ElevenLabsConvAiConfig config) {
  validate(config);
  core::register_secret(config.api_key);
  return config;
}

// The call's voice as an ElevenLabs voice id, or empty when it names none (a voice meant for
// another engine): the agent's own voice speaks then.
std::string voice_id_for(const std::string& voice, const std::string& call_id) {
  if (voice.empty()) return {};
  try {
    return elevenlabs_voice_id(voice);
  } catch (const core::Error&) {
    spdlog::info(
        "elevenlabs_convai: call {}: \"{}\" is not an ElevenLabs voice; the agent's own "
        "voice speaks",
        call_id, voice);
    return {};
  }
}

void log_warmup_failure(const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const net::ClientError& failure) {
    spdlog::info("elevenlabs_convai: warmup failed ({})", net::to_string(failure.kind()));
  } catch (const std::exception&) {
    spdlog::info("elevenlabs_convai: warmup failed");
  }
}

asio::awaitable<void> open_connection(std::shared_ptr<net::HttpClient> client, std::string url) {
  co_await client->warmup(std::move(url));
}

}  // namespace

ElevenLabsConvAiEngine::ElevenLabsConvAiEngine(ElevenLabsConvAiConfig config,
                                               net::LoopClockFactory clock)
    : config_(std::make_shared<const ElevenLabsConvAiConfig>(checked(std::move(config)))),
      clock_(std::move(clock)),
      identity_(std::make_shared<int>(0)) {
  if (!clock_) {
    clock_ = [](const asio::any_io_executor& loop) {
      return std::make_shared<net::AsioClock>(loop);
    };
  }
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config_->extra_ca_pem;
  tls_ = std::make_shared<net::TlsClientContext>(std::move(tls));
  ws_client_ = std::make_shared<net::WsClient>(tls_);
}

ElevenLabsConvAiEngine::~ElevenLabsConvAiEngine() = default;

std::unique_ptr<EngineSession> ElevenLabsConvAiEngine::open(const StreamContext& context,
                                                            EngineSessionConfig config,
                                                            EngineEvents events) {
  ConvAiSessionSetup setup;
  setup.loop = loops_.route(context).loop;
  setup.config = config_;
  setup.ws_client = ws_client_;
  net::HttpClientOptions http;
  http.connect_timeout = config_->connect_timeout;
  http.tls = tls_;
  setup.http_client = net::loop_http_client(setup.loop, identity_, http);
  setup.clock = clock_(setup.loop);
  setup.call_id = context.call_id;
  setup.voice_id =
      config_->voice_id.empty() ? voice_id_for(config.voice, context.call_id) : config_->voice_id;
  setup.session = std::move(config);
  return start_convai_session(std::move(setup), std::move(events));
}

void ElevenLabsConvAiEngine::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto loop = loops_.route(context).loop;
  net::HttpClientOptions http;
  http.connect_timeout = config_->connect_timeout;
  http.tls = tls_;
  asio::co_spawn(loop,
                 open_connection(net::loop_http_client(loop, identity_, http), config_->base_url),
                 log_warmup_failure);
}

}  // namespace patter::providers
