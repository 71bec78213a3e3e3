#include "net/http_client.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <limits>

#include "net/http_client_connection.hpp"
#include "net/http_client_pool.hpp"
#include "net/tls_client_context.hpp"

namespace patter::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

milliseconds remaining_until(SteadyTime deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
}

// Errors a server produces by closing a keep-alive connection we were about to reuse.
bool is_stale_connection_error(const beast::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == http::error::end_of_stream ||
         error == http::error::partial_message || error == asio::ssl::error::stream_truncated;
}

// Method, origin and path only: the query may carry credentials.
std::string describe_exchange(std::string_view method, const Endpoint& endpoint) {
  const auto path_end = endpoint.target.find('?');
  return std::string(method) + " " + endpoint.scheme + "://" + detail::describe(endpoint) +
         endpoint.target.substr(0, path_end);
}

detail::OutgoingRequest build_request(const HttpClientRequest& request, const Endpoint& endpoint,
                                      const std::string& user_agent) {
  detail::OutgoingRequest message;
  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    message.method_string(request.method);
  } else {
    message.method(verb);
  }
  message.target(endpoint.target);
  message.version(11);
  for (const auto& [name, value] : request.headers) message.insert(name, value);
  if (message.find(http::field::host) == message.end()) {
    message.set(http::field::host, endpoint.host_header());
  }
  if (message.find(http::field::user_agent) == message.end()) {
    message.set(http::field::user_agent, user_agent);
  }
  message.body() = request.body;
  message.prepare_payload();
  return message;
}

}  // namespace

std::optional<std::string> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) return value;
  }
  return std::nullopt;
}

HttpClientRequest json_request(std::string method, std::string url, std::string json_body) {
  HttpClientRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(json_body);
  return request;
}

HttpClientRequest form_request(std::string url, const QueryParams& fields) {
  HttpClientRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = form_urlencode(fields);
  return request;
}

struct HttpResponseStream::State {
  std::weak_ptr<HttpClientPool> pool;
  std::unique_ptr<detail::HttpClientConnection> connection;
  std::unique_ptr<detail::ResponseParser> parser;
  std::array<char, std::size_t{16} * 1024> buffer{};
  int status = 0;
  HeaderList headers;
  SteadyTime deadline;
  milliseconds idle_read_timeout{};
  std::string context;
  bool cancelled = false;
  bool finished = false;

  void finish() {
    finished = true;
    auto owner = pool.lock();
    if (owner && parser->get().keep_alive() && !connection->has_buffered_bytes()) {
      owner->give_back(std::move(connection));
    } else {
      connection->close();
      connection.reset();
    }
  }
};

HttpResponseStream::HttpResponseStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
HttpResponseStream::HttpResponseStream(HttpResponseStream&&) noexcept = default;
HttpResponseStream& HttpResponseStream::operator=(HttpResponseStream&&) noexcept = default;
HttpResponseStream::~HttpResponseStream() {
  if (state_ && state_->connection) state_->connection->close();
}

int HttpResponseStream::status() const {
  return state_->status;
}
const HeaderList& HttpResponseStream::headers() const {
  return state_->headers;
}
bool HttpResponseStream::cancelled() const {
  return state_->cancelled;
}

void HttpResponseStream::cancel() {
  if (state_->cancelled || state_->finished) return;
  state_->cancelled = true;
  state_->connection->close();
}

asio::awaitable<std::optional<std::string>> HttpResponseStream::next_chunk() {
  auto& state = *state_;
  while (!state.cancelled && !state.finished) {
    if (state.parser->is_done()) {
      state.finish();
      break;
    }
    const auto remaining = remaining_until(state.deadline);
    if (remaining <= milliseconds::zero()) {
      throw ClientError(ClientErrorKind::total_timeout, state.context);
    }
    const bool total_limits = remaining <= state.idle_read_timeout;
    state.connection->tcp().expires_after(total_limits ? remaining : state.idle_read_timeout);
    auto& body = state.parser->get().body();
    body.data = state.buffer.data();
    body.size = state.buffer.size();
    auto error = co_await state.connection->read_some(*state.parser);
    if (state.cancelled) break;
    if (error == http::error::need_buffer) error = {};
    if (error) {
      state.connection->close();
      state.finished = true;
      throw detail::transfer_error(error, state.context + " while reading the body", total_limits);
    }
    const auto received = state.buffer.size() - body.size;
    if (received > 0) co_return std::string(state.buffer.data(), received);
  }
  co_return std::nullopt;
}

asio::awaitable<std::string> HttpResponseStream::read_all(std::size_t max_bytes) {
  std::string body;
  while (auto chunk = co_await next_chunk()) {
    if (body.size() + chunk->size() > max_bytes) {
      throw ClientError(ClientErrorKind::body_too_large, state_->context + ": body larger than " +
                                                             std::to_string(max_bytes) + " bytes");
    }
    body += *chunk;
  }
  co_return body;
}

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      pool_(std::make_shared<HttpClientPool>(options_.max_idle_per_origin,
                                             options_.pool_idle_expiry, options_.clock)) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const {
  return pool_->idle_count();
}

std::shared_ptr<TlsClientContext> HttpClient::tls_context() {
  if (!options_.tls) options_.tls = std::make_shared<TlsClientContext>();
  return options_.tls;
}

asio::awaitable<HttpClientResponse> HttpClient::request(HttpClientRequest request) {
  auto response_stream = co_await start_exchange(request);
  HttpClientResponse response;
  response.status = response_stream.status();
  response.headers = response_stream.headers();
  response.body = co_await response_stream.read_all(options_.max_body_bytes);
  co_return response;
}

asio::awaitable<HttpResponseStream> HttpClient::stream(HttpClientRequest request) {
  co_return co_await start_exchange(request);
}

asio::awaitable<void> HttpClient::warmup(std::string url) {
  Endpoint endpoint;
  try {
    endpoint = parse_endpoint(url);
  } catch (const UrlError& error) {
    throw ClientError(ClientErrorKind::invalid_request, error.what());
  }
  if (pool_->idle_count(endpoint.origin()) > 0) co_return;
  auto* tls = endpoint.secure() ? tls_context().get() : nullptr;
  pool_->give_back(
      co_await detail::HttpClientConnection::open(endpoint, options_.connect_timeout, tls));
}

asio::awaitable<HttpResponseStream> HttpClient::start_exchange(const HttpClientRequest& request) {
  Endpoint endpoint;
  try {
    endpoint = parse_endpoint(request.url);
  } catch (const UrlError& error) {
    throw ClientError(ClientErrorKind::invalid_request, error.what());
  }
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    throw ClientError(ClientErrorKind::invalid_request, "HttpClient needs an http or https URL");
  }
  const auto context = describe_exchange(request.method, endpoint);
  auto message = build_request(request, endpoint, options_.user_agent);
  const auto deadline =
      std::chrono::steady_clock::now() + request.total_timeout.value_or(options_.total_timeout);
  auto* tls = endpoint.secure() ? tls_context().get() : nullptr;

  // A pooled connection the server already dropped fails on first use; one fresh retry.
  for (int attempt = 0;; ++attempt) {
    auto connection = attempt == 0 ? pool_->take(endpoint.origin()) : nullptr;
    const bool reused = connection != nullptr;
    if (!connection) {
      const auto budget = std::min(options_.connect_timeout, remaining_until(deadline));
      if (budget <= milliseconds::zero())
        throw ClientError(ClientErrorKind::total_timeout, context);
      connection = co_await detail::HttpClientConnection::open(endpoint, budget, tls);
    }
    auto parser = std::make_unique<detail::ResponseParser>();
    parser->header_limit(64 * 1024);
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (message.method() == http::verb::head) parser->skip(true);

    auto remaining = remaining_until(deadline);
    connection->tcp().expires_after(remaining);
    auto error = co_await connection->write(message);
    bool total_limits = true;
    if (!error) {
      remaining = remaining_until(deadline);
      total_limits = remaining <= options_.idle_read_timeout;
      connection->tcp().expires_after(total_limits ? remaining : options_.idle_read_timeout);
      error = co_await connection->read_header(*parser);
    }
    if (error) {
      connection->close();
      if (reused && is_stale_connection_error(error)) continue;
      throw detail::transfer_error(error, context, total_limits);
    }

    auto state = std::make_unique<HttpResponseStream::State>();
    state->pool = pool_;
    state->status = static_cast<int>(parser->get().result_int());
    for (const auto& field : parser->get()) {
      state->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    state->connection = std::move(connection);
    state->parser = std::move(parser);
    state->deadline = deadline;
    state->idle_read_timeout = options_.idle_read_timeout;
    state->context = context;
    co_return HttpResponseStream(std::move(state));
  }
}

}  // namespace patter::net
