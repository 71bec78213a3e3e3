#include "providers/stt/openai_transcribe_stt.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/loop_http_clients.hpp"
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

OpenAiTranscribeStt::OpenAiTranscribeStt(OpenAiTranscribeConfig config, net::LoopClockFactory clock)
    : identity_(std::make_shared<int>(0)) {
  validate(config);
  core::register_secret(config.api_key);
  // This API has no keep-alive or close message: WebSocket pings keep the socket.
  sockets_ = std::make_unique<SttSockets>(
      "openai_transcribe", std::move(clock), config.extra_ca_pem,
      std::make_shared<ParkedSockets>(config.parked_lifetime, config.parked_lifetime,
                                      ParkedSocketMessages{"", ""}));
  http_options_.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
  http_options_.total_timeout = config.request_timeout;
  http_options_.idle_read_timeout = config.request_timeout;
  http_options_.tls = sockets_->tls();
  config_ = std::make_shared<const OpenAiTranscribeConfig>(std::move(config));
}

OpenAiTranscribeStt::~OpenAiTranscribeStt() = default;

std::string OpenAiTranscribeStt::name() const {
  return std::string(openai_transcribe_name(config_->model));
}

std::string OpenAiTranscribeStt::parked_key(const StreamContext& context) {
  return context.call_id + "\n" + context.language;
}

std::unique_ptr<SttStream> OpenAiTranscribeStt::open(const StreamContext& context,
                                                     SttEvents events) {
  const auto language = transcription_language(*config_, context.language);
  if (config_->transport == OpenAiTranscribeTransport::rest) {
    const auto loop = sockets_->loop(context);
    UtteranceSessionSetup setup;
    setup.loop = loop;
    setup.config = config_;
    setup.client = net::loop_http_client(loop, identity_, http_options_);
    setup.language = language;
    setup.call_id = context.call_id;
    setup.sent_bytes = sockets_->sent_bytes();
    return start_utterance_session(std::move(setup), std::move(events));
  }
  return start_transcription_session(
      {sockets_->connection(context, parked_key(context), socket_request(*config_)), config_,
       language},
      std::move(events));
}

void OpenAiTranscribeStt::warmup(const StreamContext& context) {
  if (!context.executor) return;
  if (config_->transport == OpenAiTranscribeTransport::realtime) {
    sockets_->open_and_park(context, parked_key(context), socket_request(*config_),
                            &close_transcription_socket);
    return;
  }
  const auto loop = sockets_->loop(context);
  auto client = net::loop_http_client(loop, identity_, http_options_);
  asio::co_spawn(loop, client->warmup(transcriptions_url(*config_)),
                 [client](const std::exception_ptr& error) {
                   log_warmup_failure("openai_transcribe", error);
                 });
}

double OpenAiTranscribeStt::billed_audio_seconds() const {
  return sockets_->sent_seconds(config_->input_format);
}

std::size_t OpenAiTranscribeStt::parked_sockets() const {
  return sockets_->parked_sockets();
}

}  // namespace patter::providers
