#include "providers/llm/openai_chat_llm.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "net/asio_executor.hpp"
#include "net/io_pool.hpp"
#include "net/tls_client_context.hpp"
#include "net/url.hpp"
#include "providers/llm/chat_exchange.hpp"
#include "providers/llm/chat_request_body.hpp"
#include "providers/llm/loop_http_clients.hpp"

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

struct OpenAiChatLlm::Route {
  asio::any_io_executor loop;
  std::shared_ptr<Executor> relay;  // null: events are delivered on `loop`
};

OpenAiChatLlm::OpenAiChatLlm(ChatConfig config) : identity_(std::make_shared<int>(0)) {
  validate(config);
  if (!config.api_key.empty()) core::register_secret(config.api_key);
  endpoint_ = net::join_url(config.base_url, "chat/completions");
  http_options_.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
  http_options_.total_timeout = config.request_timeout;
  http_options_.idle_read_timeout = config.request_timeout;
  http_options_.max_idle_per_origin = config.max_idle_connections;
  net::TlsClientOptions tls;
  tls.extra_ca_pem = config.extra_ca_pem;
  http_options_.tls = std::make_shared<net::TlsClientContext>(std::move(tls));
  config_ = std::make_shared<const ChatConfig>(std::move(config));
}

OpenAiChatLlm::~OpenAiChatLlm() = default;

OpenAiChatLlm::Route OpenAiChatLlm::route_for(const StreamContext& context) {
  if (!context.executor) {
    throw std::invalid_argument(config_->provider + ": the stream context has no executor");
  }
  if (const auto* loop = dynamic_cast<const net::AsioExecutor*>(context.executor.get())) {
    return Route{loop->executor(), nullptr};
  }
  const std::lock_guard lock(mutex_);
  if (!own_loop_) {
    own_loop_ = std::make_unique<net::IoPool>(1);
    own_loop_->start();
  }
  return Route{own_loop_->executor(0), context.executor};
}

std::unique_ptr<LlmStream> OpenAiChatLlm::stream(const StreamContext& context, LlmRequest request,
                                                 LlmEvents events) {
  auto route = route_for(context);
  auto http = net::json_request("POST", endpoint_, chat_request_body(*config_, request));
  http.headers.emplace_back("Accept", "text/event-stream");
  if (!config_->api_key.empty())
    http.headers.emplace_back("Authorization", "Bearer " + config_->api_key);
  for (const auto& header : config_->headers) http.headers.push_back(header);
  http.total_timeout = config_->request_timeout;
  auto client = loop_http_client(route.loop, identity_, http_options_);
  return start_chat_exchange(route.loop, std::move(route.relay), std::move(client), config_,
                             std::move(http), std::move(events));
}

void OpenAiChatLlm::warmup(const StreamContext& context) {
  if (!context.executor) return;
  const auto route = route_for(context);
  auto client = loop_http_client(route.loop, identity_, http_options_);
  asio::co_spawn(route.loop, client->warmup(endpoint_),
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
