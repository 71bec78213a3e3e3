#include "providers/llm/streaming_llm.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "net/tls_client_context.hpp"
#include "net/url.hpp"
#include "providers/llm/chat_exchange.hpp"
#include "net/loop_http_clients.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

[[noreturn]] void invalid(const ChatConfig& config, const std::string& message) {
  throw core::Error(core::Errc::config_invalid, config.provider + ": " + message);
}

void validate(const ChatConfig& config) {
  if (config.api_key_required && config.api_key.empty()) {
    throw core::Error(core::Errc::missing_credential,
                      config.provider + ": no API key: set the environment variable " +
                          config.api_key_variable + " or pass api_key");
  }
  if (config.base_url.empty()) invalid(config, "base_url is required");
  try {
    const auto endpoint = net::parse_endpoint(config.base_url);
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
      invalid(config, "base_url must be an http:// or https:// URL, got " + config.base_url);
    }
  } catch (const net::UrlError& error) {
    invalid(config, "base_url " + config.base_url + " is not a URL: " + error.what());
  }
  if (config.model.empty()) invalid(config, "model is required");
  if (config.request_timeout <= milliseconds::zero() ||
      config.first_token_timeout <= milliseconds::zero() ||
      config.connect_timeout <= milliseconds::zero()) {
    invalid(config, "timeouts must be positive");
  }
  if (config.max_attempts < 1) invalid(config, "max_attempts must be at least 1");
}

}  // namespace

StreamingLlm::StreamingLlm(ChatConfig config, ReplyDecoderFactory make_decoder)
    : make_decoder_(make_decoder), identity_(std::make_shared<int>(0)), loops_(config.provider) {
  validate(config);
  if (!config.api_key.empty()) core::register_secret(config.api_key);
  http_options_.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
  http_options_.total_timeout = config.request_timeout;
  http_options_.idle_read_timeout = config.request_timeout;
  http_options_.max_idle_per_origin = config.max_idle_connections;
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config.extra_ca_pem;
  http_options_.tls = std::make_shared<net::TlsClientContext>(std::move(tls));
  config_ = std::make_shared<const ChatConfig>(std::move(config));
}

StreamingLlm::~StreamingLlm() = default;

std::unique_ptr<LlmStream> StreamingLlm::stream(const StreamContext& context, LlmRequest request,
                                                LlmEvents events) {
  auto route = loops_.route(context);
  auto http = http_request(request);
  for (const auto& header : config_->headers) http.headers.push_back(header);
  http.total_timeout = config_->request_timeout;
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  return start_chat_exchange(route.loop, std::move(route.relay), std::move(client), config_,
                             std::move(http), make_decoder_, std::move(events));
}

void StreamingLlm::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = loops_.route(context);
  auto client = net::loop_http_client(route.loop, identity_, http_options_);
  asio::co_spawn(route.loop, client->warmup(config_->base_url),
                 [client, provider = config_->provider](const std::exception_ptr& error) {
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const net::ClientError& failure) {
                     spdlog::info("{}: warmup failed ({})", provider,
                                  net::to_string(failure.kind()));
                   } catch (const std::exception&) {
                     spdlog::info("{}: warmup failed", provider);
                   }
                 });
}

}  // namespace patter::providers
