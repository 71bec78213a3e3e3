#include "providers/tts/openai_speech_tts.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "core/log.hpp"
#include "net/loop_http_clients.hpp"
#include "net/tls_client_context.hpp"
#include "providers/tts/openai_speech_exchange.hpp"
#include "providers/tts/openai_speech_failure.hpp"

namespace patter::providers {

namespace asio = boost::asio;

namespace {

OpenAiSpeechConfig checked(OpenAiSpeechConfig config) {
  validate(config);
  core::register_secret(config.api_key);
  return config;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

// A sentence refused before any request: one on_error, unless cancelled first.
class RefusedSentence final : public TtsStream {
 public:
  RefusedSentence(const net::CallLoop& route, TtsEvents events, std::string message)
      : state_(std::make_shared<State>(std::move(events))) {
    auto deliver = [state = state_, message = std::move(message)] {
      if (!state->ended.exchange(true) && state->events.on_error) state->events.on_error(message);
    };
    if (route.relay) {
      route.relay->post(std::move(deliver));
    } else {
      asio::post(route.loop, std::move(deliver));
    }
  }
  void cancel() override { state_->ended = true; }

 private:
  struct State {
    explicit State(TtsEvents events) : events(std::move(events)) {}
    TtsEvents events;
    std::atomic<bool> ended{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace

OpenAiSpeechTts::OpenAiSpeechTts(OpenAiSpeechConfig config)
    : config_(std::make_shared<const OpenAiSpeechConfig>(checked(std::move(config)))),
      url_(speech_url(*config_)),
      identity_(std::make_shared<int>(0)),
      characters_(std::make_shared<std::atomic<std::size_t>>(0)) {
  http_options_.connect_timeout = std::min(config_->connect_timeout, config_->request_timeout);
  http_options_.total_timeout = config_->request_timeout;
  http_options_.idle_read_timeout = config_->request_timeout;
  http_options_.max_idle_per_origin = config_->max_idle_connections;
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config_->extra_ca_pem;
  http_options_.tls = std::make_shared<net::TlsClientContext>(std::move(tls));
}

OpenAiSpeechTts::~OpenAiSpeechTts() = default;

std::string OpenAiSpeechTts::name() const {
  return std::string(openai_speech_name(config_->model));
}

std::unique_ptr<TtsStream> OpenAiSpeechTts::synthesize(const StreamContext& context,
                                                       std::string text, TtsEvents events) {
  auto route = loops_.route(context);
  const auto characters = code_points(text);
  if (characters > kOpenAiSpeechMaxInput) {
    const auto refusal = speech_rejected_input(
        "the sentence has " + std::to_string(characters) + " characters, more than the " +
        std::to_string(kOpenAiSpeechMaxInput) + " /audio/speech takes");
    return std::make_unique<RefusedSentence>(route, std::move(events), refusal.message);
  }
  characters_->fetch_add(characters);
  auto request = net::json_request("POST", url_, speech_body(*config_, text));
  request.headers.emplace_back("Authorization", "Bearer " + config_->api_key);
  request.total_timeout = config_->request_timeout;
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  return start_speech_exchange(route.loop, std::move(route.relay), std::move(client), config_,
                               std::move(request), std::move(events));
}

void OpenAiSpeechTts::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = loops_.route(context);
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  asio::co_spawn(route.loop, client->warmup(url_), [client](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const net::ClientError& failure) {
      spdlog::info("openai_tts: warmup failed ({})", net::to_string(failure.kind()));
    } catch (const std::exception&) {
      spdlog::info("openai_tts: warmup failed");
    }
  });
}

}  // namespace patter::providers
