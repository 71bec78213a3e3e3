#include "providers/stt/openai_transcribe_stt.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/asio_clock.hpp"
#include "net/loop_http_clients.hpp"
#include "net/tls_client_context.hpp"
#include "net/ws_client.hpp"
#include "providers/stt/openai_transcribe_session.hpp"
#include "providers/stt/openai_utterance_session.hpp"
#include "providers/stt/parked_sockets.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

net::WsConnectRequest socket_request(const OpenAiTranscribeConfig& config) {
  net::WsConnectRequest request;
  request.url = transcription_socket_url(config);
  request.query = transcription_socket_query();
  request.headers.emplace_back("Authorization", "Bearer " + config.api_key);
  request.headers.emplace_back("OpenAI-Beta", "realtime=v1");
  request.connect_timeout = config.connect_timeout;
  request.handshake_timeout = config.handshake_timeout;
  // The server says nothing while the caller is silent: a ping after 10 s of quiet, and the
  // socket counts as dropped 10 s later.
  request.options.idle_timeout = std::chrono::seconds(20);
  request.options.keepalive_pings = true;
  request.options.close_timeout = std::chrono::seconds(2);
  request.options.max_queued_messages = 2048;
  request.options.max_queued_bytes = std::size_t{16} << 20;
  return request;
}

}  // namespace

OpenAiTranscribeStt::OpenAiTranscribeStt(OpenAiTranscribeConfig config, LoopClockFactory clock)
    : clock_(std::move(clock)),
      identity_(std::make_shared<int>(0)),
      sent_bytes_(std::make_shared<std::atomic<std::uint64_t>>(0)) {
  validate(config);
  core::register_secret(config.api_key);
  if (!clock_) {
    clock_ = [](const asio::any_io_executor& loop) {
      return std::make_shared<net::AsioClock>(loop);
    };
  }
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config.extra_ca_pem;
  auto tls_context = std::make_shared<net::TlsClientContext>(std::move(tls));
  client_ = std::make_shared<net::WsClient>(tls_context);
  http_options_.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
  http_options_.total_timeout = config.request_timeout;
  http_options_.idle_read_timeout = config.request_timeout;
  http_options_.tls = std::move(tls_context);
  // This API has no keep-alive or close message: WebSocket pings keep the socket.
  parked_ = std::make_shared<ParkedSockets>(config.parked_lifetime, config.parked_lifetime,
                                            ParkedSocketMessages{"", ""});
  config_ = std::make_shared<const OpenAiTranscribeConfig>(std::move(config));
}

OpenAiTranscribeStt::~OpenAiTranscribeStt() = default;

std::string OpenAiTranscribeStt::name() const {
  return std::string(openai_transcribe_name(config_->model));
}

std::string OpenAiTranscribeStt::parked_key(const StreamContext& context) const {
  return context.call_id + "\n" + context.language;
}

std::unique_ptr<SttStream> OpenAiTranscribeStt::open(const StreamContext& context,
                                                     SttEvents events) {
  const auto loop = loops_.route(context).loop;
  const auto language = transcription_language(*config_, context.language);
  if (config_->transport == OpenAiTranscribeTransport::rest) {
    UtteranceSessionSetup setup;
    setup.loop = loop;
    setup.config = config_;
    setup.client = net::loop_http_client(loop, identity_, http_options_);
    setup.language = language;
    setup.call_id = context.call_id;
    setup.sent_bytes = sent_bytes_;
    return start_utterance_session(std::move(setup), std::move(events));
  }
  TranscriptionSessionSetup setup;
  setup.loop = loop;
  setup.config = config_;
  setup.client = client_;
  setup.clock = clock_(loop);
  setup.parked = parked_;
  setup.parked_key = parked_key(context);
  setup.request = socket_request(*config_);
  setup.language = language;
  setup.call_id = context.call_id;
  setup.sent_bytes = sent_bytes_;
  return start_transcription_session(std::move(setup), std::move(events));
}

void OpenAiTranscribeStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto loop = loops_.route(context).loop;
  if (config_->transport == OpenAiTranscribeTransport::rest) {
    auto client = net::loop_http_client(loop, identity_, http_options_);
    asio::co_spawn(loop, client->warmup(transcriptions_url(*config_)),
                   [client](const std::exception_ptr& error) {
                     log_warmup_failure("openai_transcribe", error);
                   });
    return;
  }
  asio::co_spawn(loop,
                 open_and_park(client_, socket_request(*config_), parked_, parked_key(context),
                               clock_(loop), &close_transcription_socket),
                 [](const std::exception_ptr& error) {
                   log_warmup_failure("openai_transcribe", error);
                 });
}

double OpenAiTranscribeStt::billed_audio_seconds() const {
  const auto format = config_->input_format;
  return static_cast<double>(sent_bytes_->load()) /
         (static_cast<double>(format.sample_rate) * static_cast<double>(format.bytes_per_sample()));
}

std::size_t OpenAiTranscribeStt::parked_sockets() const {
  return parked_->size();
}

}  // namespace patter::providers
