#include "fakes/fake_elevenlabs.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <numbers>
#include <tuple>
#include <utility>
#include <variant>

#include "audio/codec.hpp"

namespace patter::fakes {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

FakeElevenLabsReply FakeElevenLabsReply::http_error(int status, std::string error_status,
                                                    std::string message) {
  FakeElevenLabsReply reply;
  reply.status = status;
  reply.error_status = std::move(error_status);
  reply.error_message = std::move(message);
  return reply;
}

FakeElevenLabsReply FakeElevenLabsReply::rate_limited(int retry_after_seconds) {
  auto reply = http_error(429, "too_many_concurrent_requests",
                          "Too many concurrent requests. Your plan allows 2 at a time.");
  reply.error_headers = {{"Retry-After", std::to_string(retry_after_seconds)}};
  return reply;
}

FakeElevenLabsReply FakeElevenLabsReply::server_error(int status) {
  return http_error(status, "internal_error", "An internal server error occurred.");
}

std::optional<std::string> FakeTtsRequest::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string> FakeTtsRequest::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

namespace detail {

struct FakeElevenLabsState {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::deque<FakeElevenLabsReply> queue;
  std::vector<FakeTtsRequest> requests;
  std::size_t characters = 0;
  std::size_t completed = 0;
  std::size_t disconnects = 0;

  FakeElevenLabsReply next_reply(const FakeElevenLabsReply& fallback) {
    const std::lock_guard lock(mutex);
    if (queue.empty()) return fallback;
    auto reply = std::move(queue.front());
    queue.pop_front();
    return reply;
  }
  std::size_t record(FakeTtsRequest request) {
    const std::lock_guard lock(mutex);
    requests.push_back(std::move(request));
    changed.notify_all();
    return requests.size() - 1;
  }
  template <typename Fn>
  void update(std::size_t index, Fn change) {
    const std::lock_guard lock(mutex);
    change(requests[index]);
    changed.notify_all();
  }
  void spoke(std::size_t index, std::string_view text) {
    const std::lock_guard lock(mutex);
    requests[index].text += text;
    characters += text.size();
  }
  void ended(bool complete, bool client_left) {
    const std::lock_guard lock(mutex);
    if (complete) ++completed;
    if (client_left) ++disconnects;
    changed.notify_all();
  }
};

}  // namespace detail

namespace {

using State = detail::FakeElevenLabsState;

constexpr double kToneHz = 440.0;
constexpr double kToneAmplitude = 6000.0;

struct OutputFormat {
  audio::Encoding encoding = audio::Encoding::mulaw;
  int sample_rate = 8000;
};

std::optional<OutputFormat> parse_output_format(std::string_view name) {
  if (name == "ulaw_8000") return OutputFormat{audio::Encoding::mulaw, 8000};
  if (name == "alaw_8000") return OutputFormat{audio::Encoding::alaw, 8000};
  for (const int rate : {8000, 16000, 22050, 24000, 44100}) {
    if (name == "pcm_" + std::to_string(rate)) return OutputFormat{audio::Encoding::pcm16_le, rate};
  }
  return std::nullopt;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string tone(std::string_view text, OutputFormat format, milliseconds per_character) {
  const auto characters = trimmed(text).size();
  const auto samples = static_cast<std::size_t>(characters * per_character.count() *
                                                format.sample_rate / 1000);
  std::vector<std::int16_t> linear(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    linear[i] = static_cast<std::int16_t>(
        std::lround(kToneAmplitude * std::sin(2.0 * std::numbers::pi * kToneHz *
                                              static_cast<double>(i) / format.sample_rate)));
  }
  std::string bytes(samples * audio::bytes_per_sample(format.encoding), '\0');
  audio::encode_samples(format.encoding, linear,
                        {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
  return bytes;
}

std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                  reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()));
  return text;
}

std::string error_body(std::string_view status, std::string_view message) {
  return json::serialize(
      json::object{{"detail", json::object{{"status", status}, {"message", message}}}});
}

std::string validation_body(std::string_view where, std::string_view field, std::string_view msg) {
  return json::serialize(json::object{
      {"detail", json::array{json::object{{"loc", json::array{where, field}},
                                          {"msg", msg},
                                          {"type", "value_error"}}}}});
}

FakeResponse json_response(int status, std::string body, FakeHeaders headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return FakeResponse{status, std::move(headers), std::move(body)};
}

std::string voice_of(std::string_view path) {
  constexpr std::string_view kPrefix = "/v1/text-to-speech/";
  const auto rest = path.substr(kPrefix.size());
  return std::string(rest.substr(0, rest.find('/')));
}

// A rejection before any audio: the status and ElevenLabs' body.
struct Rejection {
  FakeResponse response;
  std::string reason;
};

std::optional<Rejection> check_key(const FakeRequest& request, const std::string& api_key,
                                   bool key_may_follow) {
  const auto key = request.header("xi-api-key");
  if (!key && key_may_follow) return std::nullopt;
  if (!key) {
    return Rejection{json_response(401, error_body("needs_authorization",
                                                   "Neither authorization header nor xi-api-key "
                                                   "received, please provide one.")),
                     "no xi-api-key"};
  }
  if (*key != api_key) {
    return Rejection{json_response(401, error_body("invalid_api_key", "Invalid API key")),
                     "wrong xi-api-key"};
  }
  return std::nullopt;
}

std::optional<Rejection> check_output_format(const FakeRequest& request) {
  const auto format = request.query_param("output_format").value_or("mp3_44100_128");
  if (parse_output_format(format)) return std::nullopt;
  return Rejection{json_response(422, validation_body("query", "output_format",
                                                      "this fake speaks ulaw_8000, alaw_8000 and "
                                                      "pcm_* only, not " +
                                                          format)),
                   "unsupported output_format " + format};
}

std::optional<Rejection> check_voice_settings(const json::value* settings) {
  if (settings == nullptr || settings->is_null()) return std::nullopt;
  auto invalid = [](std::string_view field, std::string_view msg) {
    return Rejection{json_response(422, validation_body("body", field, msg)),
                     std::string(field) + ": " + std::string(msg)};
  };
  if (!settings->is_object()) return invalid("voice_settings", "must be an object");
  for (const auto& [key, low, high] : {std::tuple{"stability", 0.0, 1.0},
                                       std::tuple{"similarity_boost", 0.0, 1.0},
                                       std::tuple{"style", 0.0, 1.0}, std::tuple{"speed", 0.7, 1.2}}) {
    const auto* value = settings->as_object().if_contains(key);
    if (value == nullptr) continue;
    if (!value->is_number() || value->to_number<double>() < low || value->to_number<double>() > high)
      return invalid(key, "out of range");
  }
  if (const auto* boost = settings->as_object().if_contains("use_speaker_boost");
      boost != nullptr && !boost->is_bool()) {
    return invalid("use_speaker_boost", "must be a boolean");
  }
  return std::nullopt;
}

// The JSON body of an HTTP request; the text to speak on success.
std::variant<std::string, Rejection> check_http_body(const FakeRequest& request) {
  auto invalid = [](std::string_view field, std::string_view msg) {
    return Rejection{json_response(422, validation_body("body", field, msg)),
                     std::string(field) + ": " + std::string(msg)};
  };
  boost::system::error_code parse_error;
  const auto parsed = json::parse(request.body, parse_error);
  if (parse_error || !parsed.is_object()) return invalid("body", "Expecting a JSON object");
  const auto& body = parsed.as_object();
  const auto* text = body.if_contains("text");
  if (text == nullptr || !text->is_string()) return invalid("text", "Field required");
  if (trimmed(text->as_string()).empty()) return invalid("text", "must not be empty");
  if (const auto* model = body.if_contains("model_id"); model != nullptr && !model->is_string())
    return invalid("model_id", "must be a string");
  if (auto rejection = check_voice_settings(body.if_contains("voice_settings")))
    return *rejection;
  if (const auto latency = request.query_param("optimize_streaming_latency")) {
    if (latency->size() != 1 || (*latency)[0] < '0' || (*latency)[0] > '4')
      return invalid("optimize_streaming_latency", "must be 0..4");
  }
  return std::string(text->as_string());
}

asio::awaitable<void> pause(milliseconds delay) {
  if (delay > milliseconds::zero()) co_await sleep_for(delay);
}

// Sends `audio` as chunks through `send`, obeying the reply's pacing and faults. `sent` counts
// chunks across the whole synthesis. Returns false when a fault ended the stream.
template <typename Send, typename Fault>
asio::awaitable<bool> stream_chunks(const FakeElevenLabsReply& reply, std::string_view audio,
                                    std::size_t& sent, Send send, Fault fault) {
  for (std::size_t offset = 0; offset < audio.size(); offset += reply.chunk_bytes, ++sent) {
    if (sent == reply.disconnect_after || sent == reply.malformed_after ||
        sent == reply.stall_after) {
      co_await fault(sent);
      co_return false;
    }
    co_await pause(sent == 0 ? reply.time_to_first_byte : reply.chunk_interval);
    const auto chunk = audio.substr(offset, reply.chunk_bytes);
    co_await send(chunk, offset);
  }
  co_return true;
}

asio::awaitable<void> serve_http(FakeHttpExchange& exchange, const std::shared_ptr<State>& state,
                                 const FakeElevenLabsOptions& options) {
  const auto& request = exchange.request();
  FakeTtsRequest record{request.connection_id, false, voice_of(request.path), request.query,
                        request.headers, request.body, {}, {}, {}};
  std::optional<Rejection> rejection = check_key(request, options.api_key, false);
  if (!rejection) rejection = check_output_format(request);
  std::string text;
  if (!rejection) {
    auto checked = check_http_body(request);
    if (auto* failure = std::get_if<Rejection>(&checked)) {
      rejection = std::move(*failure);
    } else {
      text = std::get<std::string>(std::move(checked));
    }
  }
  if (rejection) {
    record.rejection = rejection->reason;
    state->record(std::move(record));
    co_await exchange.respond(std::move(rejection->response));
    co_return;
  }
  const auto index = state->record(std::move(record));
  const auto reply = state->next_reply(options.default_reply);
  if (reply.status != 200) {
    auto answer = json_response(reply.status, error_body(reply.error_status, reply.error_message),
                                reply.error_headers);
    co_await exchange.respond(std::move(answer));
    co_return;
  }
  const auto format = *parse_output_format(*request.query_param("output_format"));
  const auto audio = tone(text, format, options.audio_per_character);
  state->spoke(index, std::string(trimmed(text)));
  const bool mulaw = format.encoding == audio::Encoding::mulaw;
  FakeHeaders headers{{"Content-Type", mulaw ? "audio/basic" : "application/octet-stream"},
                      {"request-id", "req_fake_" + std::to_string(index)}};
  co_await exchange.begin_chunked(200, std::move(headers));
  bool complete = false;
  bool client_left = false;
  try {
    std::size_t sent = 0;
    auto send = [&exchange](std::string_view chunk, std::size_t) -> asio::awaitable<void> {
      co_await exchange.send_chunk(chunk);
    };
    auto fault = [&exchange, &reply,
                  &client_left](std::size_t sent_so_far) -> asio::awaitable<void> {
      if (sent_so_far == reply.disconnect_after) {
        exchange.disconnect();
      } else if (sent_so_far == reply.malformed_after) {
        constexpr std::string_view kBroken = "zz-not-a-chunk-size\r\n\r\n";
        co_await exchange.write_raw(kBroken);
        exchange.disconnect();
      } else {
        co_await exchange.stall();
        client_left = true;
      }
    };
    complete = co_await stream_chunks(reply, audio, sent, send, fault);
    if (complete) co_await exchange.end_chunked();
  } catch (const boost::system::system_error&) {
    client_left = true;
  }
  state->ended(complete, client_left);
}

// ---- stream-input WebSocket ----

// Shared by the socket's handler and its inactivity watchdog (both on the server's thread).
struct SocketClock {
  explicit SocketClock(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  bool busy = false;        // the handler is speaking
  bool finished = false;    // the handler is done with the socket
  bool timed_out = false;   // the watchdog closed the socket
  bool closing = false;     // the watchdog is writing
  bool watching = true;
};

std::string error_message(std::string_view error, std::string_view message) {
  return json::serialize(json::object{{"message", message}, {"error", error}, {"code", 1008}});
}

asio::awaitable<void> watch_inactivity(FakeWebSocket& ws, std::shared_ptr<SocketClock> clock,
                                       milliseconds timeout) {
  while (!clock->finished) {
    const auto now = std::chrono::steady_clock::now();
    if (!clock->busy && now >= clock->last_activity + timeout) break;
    clock->timer.expires_at(clock->busy ? now + timeout : clock->last_activity + timeout);
    boost::system::error_code ec;
    co_await clock->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (clock->finished) {
    clock->watching = false;
    co_return;
  }
  clock->closing = true;
  try {
    const auto message = error_message(
        "input_timeout_exceeded",
        "Have not received a new text input within the timeout of " +
            std::to_string(timeout.count() / 1000) + " seconds. Closing the connection.");
    co_await ws.send_text(message);
    std::string reason = "input_timeout_exceeded";
    co_await ws.close(1008, std::move(reason));
  } catch (const boost::system::system_error&) {
    // The client left at the same moment.
  }
  clock->closing = false;
  clock->timed_out = true;
  clock->watching = false;
}

json::object alignment(std::string_view text, std::size_t first, std::size_t count,
                       milliseconds per_character) {
  json::array chars;
  json::array starts;
  json::array durations;
  for (std::size_t i = first; i < first + count && i < text.size(); ++i) {
    chars.emplace_back(std::string(1, text[i]));
    starts.emplace_back(static_cast<std::int64_t>(i) * per_character.count());
    durations.emplace_back(per_character.count());
  }
  return json::object{{"chars", std::move(chars)},
                      {"charStartTimesMs", std::move(starts)},
                      {"charDurationsMs", std::move(durations)}};
}

class StreamInputSession {
 public:
  StreamInputSession(FakeWebSocket& ws, std::shared_ptr<State> state,
                     const FakeElevenLabsOptions& options, FakeElevenLabsReply reply,
                     std::size_t index, OutputFormat format, bool auto_mode)
      : ws_(ws),
        state_(std::move(state)),
        options_(options),
        reply_(std::move(reply)),
        index_(index),
        format_(format),
        auto_mode_(auto_mode) {}

  // Runs the conversation; returns whether it reached isFinal.
  asio::awaitable<bool> run(std::shared_ptr<SocketClock> clock, bool key_in_header) {
    bool first = true;
    for (;;) {
      auto next = ws_.receive();
      auto message = co_await std::move(next);
      if (!message || clock->closing || clock->timed_out) co_return false;
      clock->last_activity = std::chrono::steady_clock::now();
      state_->update(index_, [&](FakeTtsRequest& r) { r.messages.push_back(message->data); });
      boost::system::error_code parse_error;
      const auto parsed = message->binary ? json::value() : json::parse(message->data, parse_error);
      const auto* object = parse_error ? nullptr : parsed.if_object();
      const auto* text = object != nullptr ? object->if_contains("text") : nullptr;
      if (text == nullptr || !text->is_string()) {
        const std::string why = "Invalid message: expected a JSON object with a text string";
        co_await refuse("invalid_input_message", why);
        co_return false;
      }
      if (first) {
        first = false;
        if (!key_in_header) {
          const auto* key = object->if_contains("xi-api-key");
          if (key == nullptr || !key->is_string() || key->as_string() != options_.api_key) {
            const std::string why = "Invalid API key";
            co_await refuse("invalid_api_key", why);
            co_return false;
          }
        }
        if (text->as_string().empty()) {
          co_await ws_.close(1000);
          co_return false;
        }
        if (text->as_string() != " ") {
          const std::string why = "The first message must have a single space as its text";
          co_await refuse("invalid_input_message", why);
          co_return false;
        }
        continue;
      }
      const std::string_view piece = text->as_string();
      const auto* flush = object->if_contains("flush");
      const bool flushing = flush != nullptr && flush->is_bool() && flush->as_bool();
      buffer_ += piece;
      const bool scheduled = !auto_mode_ && buffer_.size() >= kFirstScheduleStep;
      if (piece.empty() || flushing || scheduled) {
        clock->busy = true;
        const bool spoken = co_await speak();
        clock->busy = false;
        clock->last_activity = std::chrono::steady_clock::now();
        if (!spoken) co_return false;
      }
      if (piece.empty()) {
        if (!reply_.ws_error.empty()) {
          const std::string why = "The request could not be completed: " + reply_.ws_error;
          co_await refuse(reply_.ws_error, why);
          co_return false;
        }
        co_await ws_.send_text(R"({"isFinal":true})");
        co_await ws_.close(1000);
        co_return true;
      }
    }
  }

 private:
  static constexpr std::size_t kFirstScheduleStep = 120;

  asio::awaitable<void> refuse(std::string_view error, const std::string& message) {
    state_->update(index_, [&](FakeTtsRequest& r) { r.rejection = std::string(error); });
    const auto text = error_message(error, message);
    co_await ws_.send_text(text);
    std::string reason(error);
    co_await ws_.close(1008, std::move(reason));
  }

  // Speaks the buffered text; false when a fault ended the socket.
  asio::awaitable<bool> speak() {
    const std::string text(trimmed(buffer_));
    buffer_.clear();
    if (text.empty()) co_return true;
    state_->spoke(index_, text);
    const auto audio = tone(text, format_, options_.audio_per_character);
    const std::size_t total = audio.size();
    auto send = [this, &text, total](std::string_view chunk,
                                     std::size_t offset) -> asio::awaitable<void> {
      const auto first_char = total == 0 ? 0 : offset * text.size() / total;
      const auto last_char = total == 0 ? 0 : (offset + chunk.size()) * text.size() / total;
      const auto aligned =
          alignment(text, first_char, last_char - first_char, options_.audio_per_character);
      const auto text_message = json::serialize(json::object{{"audio", base64(chunk)},
                                                             {"isFinal", nullptr},
                                                             {"normalizedAlignment", aligned},
                                                             {"alignment", aligned}});
      co_await ws_.send_text(text_message);
    };
    auto fault = [this](std::size_t sent_so_far) -> asio::awaitable<void> {
      if (sent_so_far == reply_.disconnect_after) {
        faulted_ = true;
        ws_.disconnect();
      } else if (sent_so_far == reply_.malformed_after) {
        faulted_ = true;
        co_await ws_.send_text(R"({"audio":"AAAA","isFinal":nul)");
        co_await ws_.close(1000);
      } else {
        while (co_await ws_.receive()) {
        }
      }
    };
    co_return co_await stream_chunks(reply_, audio, sent_, send, fault);
  }

  FakeWebSocket& ws_;
  std::shared_ptr<State> state_;
  const FakeElevenLabsOptions& options_;
  FakeElevenLabsReply reply_;
  std::size_t index_;
  OutputFormat format_;
  bool auto_mode_;
  std::string buffer_;
  std::size_t sent_ = 0;
  bool faulted_ = false;  // the reply's own disconnect or malformed message ended it

 public:
  [[nodiscard]] bool faulted() const { return faulted_; }
};

milliseconds inactivity_of(const FakeRequest& request, const FakeElevenLabsOptions& options) {
  if (options.inactivity_timeout) return *options.inactivity_timeout;
  const auto seconds = request.query_param("inactivity_timeout").value_or("20");
  try {
    return std::chrono::seconds(std::clamp(std::stoi(seconds), 1, 180));
  } catch (const std::exception&) {
    return std::chrono::seconds(20);
  }
}

asio::awaitable<void> serve_stream_input(FakeWebSocket& ws, const std::shared_ptr<State>& state,
                                         const FakeElevenLabsOptions& options) {
  const auto& request = ws.request();
  FakeTtsRequest record{request.connection_id, true, voice_of(request.path), request.query,
                        request.headers, {}, {}, {}, {}};
  std::optional<Rejection> rejection = check_key(request, options.api_key, true);
  if (!rejection) rejection = check_output_format(request);
  if (!rejection && request.query_param("model_id") == "eleven_v3") {
    rejection = Rejection{json_response(400, error_body("unsupported_model",
                                                        "eleven_v3 is not supported over "
                                                        "WebSocket streaming")),
                          "eleven_v3"};
  }
  if (rejection) {
    record.rejection = rejection->reason;
    state->record(std::move(record));
    co_await ws.reject(std::move(rejection->response));
    co_return;
  }
  const auto index = state->record(std::move(record));
  const auto reply = state->next_reply(options.default_reply);
  if (reply.status != 200) {
    auto answer = json_response(reply.status, error_body(reply.error_status, reply.error_message),
                                reply.error_headers);
    co_await ws.reject(std::move(answer));
    co_return;
  }
  co_await ws.accept();
  const auto executor = co_await asio::this_coro::executor;
  auto clock = std::make_shared<SocketClock>(executor);
  asio::co_spawn(executor, watch_inactivity(ws, clock, inactivity_of(request, options)),
                 asio::detached);
  StreamInputSession session(ws, state, options, reply, index,
                             *parse_output_format(*request.query_param("output_format")),
                             request.query_param("auto_mode") == "true");
  bool complete = false;
  bool client_left = false;
  try {
    complete = co_await session.run(clock, request.header("xi-api-key").has_value());
    // Whatever ended an unfinished stream that was neither the fake's own fault nor its
    // inactivity timeout was the client leaving (a close frame, or the connection dropped).
    client_left = !complete && !clock->timed_out && !session.faulted();
  } catch (const boost::system::system_error&) {
    client_left = true;
  }
  clock->finished = true;
  clock->timer.cancel();
  // The watchdog may be writing to the socket: it must be done before the socket goes away.
  while (clock->watching) co_await sleep_for(milliseconds(1));
  state->ended(complete, client_left);
}

}  // namespace

FakeElevenLabs::FakeElevenLabs(FakeElevenLabsOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<detail::FakeElevenLabsState>()),
      server_(FakeServerOptions{options_.tls, {"127.0.0.1", "localhost"}}) {
  for (const auto& voice : options_.voice_ids) {
    const auto base = "/v1/text-to-speech/" + voice;
    server_.on_http("POST", base + "/stream",
                    [state = state_, options = options_](FakeHttpExchange& exchange) {
                      return serve_http(exchange, state, options);
                    });
    server_.on_websocket(base + "/stream-input",
                         [state = state_, options = options_](FakeWebSocket& ws) {
                           return serve_stream_input(ws, state, options);
                         });
  }
  server_.start();
}

FakeElevenLabs::~FakeElevenLabs() {
  server_.stop();
}

std::string FakeElevenLabs::base_url() const {
  return server_.url("");
}

void FakeElevenLabs::enqueue(FakeElevenLabsReply reply) {
  const std::lock_guard lock(state_->mutex);
  state_->queue.push_back(std::move(reply));
}

std::string FakeElevenLabs::audio_for(std::string_view text, std::string_view output_format) const {
  const auto format = parse_output_format(output_format);
  if (!format) throw std::invalid_argument("the fake cannot speak " + std::string(output_format));
  return tone(text, *format, options_.audio_per_character);
}

std::vector<FakeTtsRequest> FakeElevenLabs::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool FakeElevenLabs::wait_for_requests(std::size_t count, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->requests.size() >= count; });
}

std::size_t FakeElevenLabs::characters_spoken() const {
  const std::lock_guard lock(state_->mutex);
  return state_->characters;
}

std::size_t FakeElevenLabs::completed_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed;
}

std::size_t FakeElevenLabs::client_disconnects() const {
  const std::lock_guard lock(state_->mutex);
  return state_->disconnects;
}

bool FakeElevenLabs::wait_for_client_disconnects(std::size_t count, milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->disconnects >= count; });
}

}  // namespace patter::fakes
