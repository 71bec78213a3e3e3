#include "providers/realtime/elevenlabs_convai_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/json.hpp>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "providers/realtime/convai_audio.hpp"
#include "providers/realtime/convai_failure.hpp"
#include "providers/realtime/convai_messages.hpp"
#include "providers/realtime/engine_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kMaxMessageBytes = std::size_t{4} << 20;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Where a conversation connects, or why it cannot.
struct Target {
  std::string url;
  std::string failure;  // the fatal error; empty when `url` is usable
};

// The signed_url of a get-signed-url answer.
Target signed_url_of(std::string_view body) {
  boost::system::error_code error;
  const auto parsed = json::parse(body, error);
  const auto* object = error ? nullptr : parsed.if_object();
  const auto* url = object != nullptr ? object->if_contains("signed_url") : nullptr;
  if (url == nullptr || !url->is_string()) {
    return {{}, signed_url_failure("no signed_url string in the answer")};
  }
  std::string text(url->as_string());
  try {
    const auto endpoint = net::parse_endpoint(text);
    if (endpoint.scheme != "ws" && endpoint.scheme != "wss") {
      return {{}, signed_url_failure("signed_url is not a ws:// or wss:// URL")};
    }
  } catch (const net::UrlError&) {
    return {{}, signed_url_failure("signed_url is not a URL")};
  }
  return {std::move(text), {}};
}

// One conversation. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ConvAiSessionSetup setup, EngineEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<EngineDelivery>(std::move(events))),
        carrier_(setup_.session.carrier_format) {}

  [[nodiscard]] const asio::any_io_executor& loop() const { return setup_.loop; }
  [[nodiscard]] const std::shared_ptr<EngineDelivery>& delivery() const { return delivery_; }

  void start() { asio::co_spawn(setup_.loop, run(shared_from_this()), asio::detached); }

  void on_audio(const std::vector<std::uint8_t>& bytes) {
    if (closing_ || failed_ || bytes.empty()) return;
    if (!ready_) {
      hold(bytes);
      return;
    }
    send_caller_audio(bytes);
  }

  void on_user_text(const std::string& text) { send_when_ready(user_text_message(text)); }

  void on_tool_result(const std::string& call_id, const std::string& output) {
    send_when_ready(tool_result_message(call_id, output));
  }

  // ConvAI decides interruptions itself and has no message to cancel a response: what is left
  // for us is to stop playing it, and to tell it the caller is active.
  void on_interrupt() {
    if (closing_ || failed_) return;
    cut_response();
    if (ready_) send(user_activity_message());
  }

  void on_say(const std::string& text) {
    if (closing_ || failed_) return;
    cut_response();
    delivery_->error(
        "elevenlabs_convai: say() cannot speak \"" + text.substr(0, 80) +
            "\": ConvAI has no message that speaks a given text word for word (the current "
            "response was cut off)",
        false);
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    cancel_timers();
    if (socket_) socket_->close(1000, "");
    socket_.reset();
  }

 private:
  // ---- connecting ----

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    net::WsConnectRequest request;
    request.connect_timeout = self->config_.connect_timeout;
    request.handshake_timeout = self->config_.connect_timeout;
    // ConvAI pings every few seconds; a ping of ours after 10 s of silence, and the socket
    // counts as dropped 10 s later.
    request.options.idle_timeout = std::chrono::seconds(20);
    request.options.keepalive_pings = true;
    request.options.close_timeout = std::chrono::seconds(2);
    request.options.max_message_bytes = kMaxMessageBytes;
    std::optional<std::string> failure;
    if (self->config_.signed_url) {
      auto target = co_await self->fetch_signed_url();
      if (!target.failure.empty()) failure = std::move(target.failure);
      request.url = std::move(target.url);
    } else {
      request.url = conversation_url(self->config_);
      request.query = conversation_query(self->config_);
      request.headers.emplace_back("xi-api-key", self->config_.api_key);
    }
    std::shared_ptr<net::WebSocket> socket;
    if (!failure) {
      try {
        auto connecting = self->setup_.ws_client->connect(std::move(request));
        socket = co_await std::move(connecting);
      } catch (const net::WsHandshakeError& refused) {
        failure = refused_failure(self->config_, false, refused.status(), refused.body());
      } catch (const net::ClientError& error) {
        failure = convai_connect_failure(error);
      } catch (const std::exception& error) {
        failure = std::string("elevenlabs_convai: connecting failed: ") + error.what();
      }
    }
    if (self->closing_ || self->failed_) {
      if (socket) socket->close(1000, "");
      co_return;
    }
    if (failure) {
      self->fail(*failure);
      co_return;
    }
    self->connected(std::move(socket));
    co_await self->read();
  }

  asio::awaitable<Target> fetch_signed_url() {
    net::HttpClientRequest request;
    request.method = "GET";
    request.url = signed_url_request_url(config_);
    request.headers.emplace_back("xi-api-key", config_.api_key);
    request.total_timeout = config_.connect_timeout;
    try {
      auto requesting = setup_.http_client->request(std::move(request));
      const auto response = co_await std::move(requesting);
      if (!response.ok()) {
        co_return Target{{}, refused_failure(config_, true, response.status, response.body)};
      }
      co_return signed_url_of(response.body);
    } catch (const net::ClientError& error) {
      co_return Target{{}, convai_connect_failure(error)};
    }
  }

  void connected(std::shared_ptr<net::WebSocket> socket) {
    socket_ = std::move(socket);
    send(initiation_message(initiation()));
    const std::weak_ptr<Session> weak = weak_from_this();
    ready_timer_ = setup_.clock->schedule_after(config_.ready_timeout, [weak] {
      if (const auto self = weak.lock(); self && !self->ready_) {
        self->fail(convai_ready_timeout_failure(self->config_.ready_timeout));
      }
    });
  }

  [[nodiscard]] ConvAiInitiation initiation() const {
    const auto& session = setup_.session;
    ConvAiInitiation initiation;
    if (config_.override_prompt) initiation.prompt = session.instructions;
    if (config_.override_first_message) initiation.first_message = session.first_message;
    if (config_.override_language) initiation.language = session.language;
    if (config_.override_voice) initiation.voice_id = setup_.voice_id;
    if (config_.override_audio_formats) initiation.audio_format = convai_format_name(carrier_);
    initiation.dynamic_variables = config_.dynamic_variables;
    return initiation;
  }

  // ---- reading ----

  asio::awaitable<void> read() {
    const auto socket = socket_;
    for (;;) {
      auto next = socket->receive();
      auto message = co_await std::move(next);
      if (!message) break;
      if (closing_ || failed_) continue;
      if (message->binary) {
        spdlog::warn("elevenlabs_convai: call {}: skipping a binary message of {} bytes",
                     setup_.call_id, message->data.size());
        continue;
      }
      auto parsed = parse_convai_message(message->data);
      std::visit([this](auto& decoded) { handle(decoded); }, parsed);
    }
    if (closing_ || failed_) co_return;
    const auto& closed = socket->close_info();
    fail(closed_failure(closed.code, closed.reason));
  }

  void handle(ConvAiMetadata& metadata) {
    if (ready_) {
      spdlog::warn("elevenlabs_convai: call {}: a second conversation_initiation_metadata ignored",
                   setup_.call_id);
      return;
    }
    const auto output = convai_audio_format(metadata.output_format);
    const auto input = convai_audio_format(metadata.input_format);
    if (!output || !input) {
      fail(!output ? unsupported_format_failure("agent_output_audio_format", metadata.output_format)
                   : unsupported_format_failure("user_input_audio_format", metadata.input_format));
      return;
    }
    try {
      audio_in_.emplace(carrier_, *input, config_.input_chunk);
      audio_out_.emplace(
          *output, carrier_,
          [delivery = delivery_](std::span<const std::uint8_t> audio) { delivery->audio(audio); });
    } catch (const std::exception& error) {
      fail(std::string("elevenlabs_convai: cannot convert the agent's audio: ") + error.what());
      return;
    }
    ready_ = true;
    ready_timer_.cancel();
    spdlog::info(
        "elevenlabs_convai: call {}: conversation {} (agent audio {}{}, caller audio {}{})",
        setup_.call_id, metadata.conversation_id, metadata.output_format,
        audio_out_->passes_through() ? "" : ", converted", metadata.input_format,
        *input == carrier_ ? "" : ", converted");
    delivery_->ready();
    if (closing_ || failed_) return;
    for (auto& message : std::exchange(waiting_messages_, {})) send(std::move(message));
    const std::vector<std::uint8_t> held(held_audio_.begin(), held_audio_.end());
    held_audio_.clear();
    if (!held.empty()) send_caller_audio(held);
  }

  void handle(ConvAiAudio& audio) {
    if (!ready_) {
      spdlog::warn("elevenlabs_convai: call {}: skipping audio that came before the metadata",
                   setup_.call_id);
      return;
    }
    if (audio.event_id <= drop_through_) return;
    // Audio newer than an interruption belongs to the next response.
    if (response_open_ && response_interrupted_) finish_response();
    open_response();
    last_audio_event_id_ = std::max(last_audio_event_id_, audio.event_id);
    audio_out_->push(audio.audio);
    arm_response_end();
  }

  void handle(ConvAiAgentResponse& response) {
    if (!ready_) {
      spdlog::warn(
          "elevenlabs_convai: call {}: skipping an agent_response that came before the "
          "metadata",
          setup_.call_id);
      return;
    }
    if (response_open_ && (response_text_ || response_interrupted_)) finish_response();
    open_response();
    response_text_ = trimmed(response.text);
    arm_response_end();
  }

  void handle(ConvAiAgentDelta& delta) { delivery_->agent_transcript(delta.text, false); }

  void handle(ConvAiAgentCorrection& correction) {
    if (!response_open_) {
      spdlog::debug("elevenlabs_convai: call {}: a correction after its response ended",
                    setup_.call_id);
      return;
    }
    response_text_ = trimmed(correction.corrected);
    if (response_interrupted_) finish_response();
  }

  void handle(ConvAiUserTranscript& transcript) {
    auto text = trimmed(transcript.text);
    if (!text.empty()) delivery_->user_transcript(text);
  }

  void handle(ConvAiInterruption& interruption) {
    drop_through_ = std::max(drop_through_, interruption.event_id);
    delivery_->interrupted();
    if (closing_ || failed_) return;
    if (response_open_) interrupt_response();
  }

  void handle(ConvAiPing& ping) {
    const auto delay = std::clamp(milliseconds(ping.ping_ms.value_or(0)), milliseconds::zero(),
                                  config_.max_pong_delay);
    if (delay == milliseconds::zero()) {
      send(pong_message(ping.event_id));
      return;
    }
    std::erase_if(pong_timers_, [](const core::Timer& timer) { return !timer.active(); });
    const std::weak_ptr<Session> weak = weak_from_this();
    pong_timers_.push_back(setup_.clock->schedule_after(delay, [weak, id = ping.event_id] {
      if (const auto self = weak.lock(); self && !self->closing_ && !self->failed_) {
        self->send(pong_message(id));
      }
    }));
  }

  void handle(ConvAiToolCall& call) {
    delivery_->tool_call(ToolCall{call.call_id, call.name, call.parameters_json});
  }

  void handle(ConvAiServerError& error) {
    delivery_->error("elevenlabs_convai: the server reported an error: " + error.message, false);
  }

  void handle(ConvAiIgnored& ignored) {
    spdlog::trace("elevenlabs_convai: call {}: ignoring a {} message", setup_.call_id,
                  ignored.type);
  }

  void handle(ConvAiMalformed& malformed) {
    spdlog::warn("elevenlabs_convai: call {}: skipping a malformed message ({})", setup_.call_id,
                 malformed.detail);
  }

  // ---- responses ----

  void open_response() {
    if (response_open_) return;
    response_open_ = true;
    response_text_.reset();
    response_interrupted_ = false;
  }

  void interrupt_response() {
    response_interrupted_ = true;
    audio_out_->reset();
    // Waits this long for the correction, then ends with the text it has.
    arm_response_end();
  }

  // Our own side stops the response: nothing more of it is played.
  void cut_response() {
    drop_through_ = std::max(drop_through_, last_audio_event_id_);
    if (response_open_ && ready_) interrupt_response();
  }

  void arm_response_end() {
    const std::weak_ptr<Session> weak = weak_from_this();
    response_timer_ = setup_.clock->schedule_after(config_.response_done_after, [weak] {
      if (const auto self = weak.lock(); self && !self->closing_ && !self->failed_) {
        self->finish_response();
      }
    });
  }

  void finish_response() {
    if (!response_open_) return;
    response_timer_.cancel();
    if (!response_interrupted_) audio_out_->finish();
    const auto text = std::exchange(response_text_, std::nullopt);
    response_open_ = false;
    response_interrupted_ = false;
    if (text && !text->empty()) delivery_->agent_transcript(*text, true);
    delivery_->response_done();
  }

  // ---- sending ----

  void hold(const std::vector<std::uint8_t>& bytes) {
    held_audio_.insert(held_audio_.end(), bytes.begin(), bytes.end());
    const auto limit = carrier_.bytes_in(config_.max_pending_audio);
    if (held_audio_.size() <= limit) return;
    auto excess = held_audio_.size() - limit;
    excess += (carrier_.bytes_per_sample() - excess % carrier_.bytes_per_sample()) %
              carrier_.bytes_per_sample();
    held_audio_.erase(
        held_audio_.begin(),
        held_audio_.begin() + static_cast<std::ptrdiff_t>(std::min(excess, held_audio_.size())));
    if (!warned_overflow_) {
      warned_overflow_ = true;
      spdlog::warn(
          "elevenlabs_convai: call {}: the conversation is still starting; caller audio "
          "older than {} ms is dropped",
          setup_.call_id, config_.max_pending_audio.count());
    }
  }

  void send_caller_audio(std::span<const std::uint8_t> bytes) {
    for (const auto& chunk : audio_in_->push(bytes)) send(user_audio_chunk_message(chunk));
    if (!audio_in_->has_partial()) {
      flush_timer_.cancel();
      return;
    }
    if (flush_timer_.active()) return;
    const std::weak_ptr<Session> weak = weak_from_this();
    flush_timer_ = setup_.clock->schedule_after(config_.input_chunk, [weak] {
      const auto self = weak.lock();
      if (!self || self->closing_ || self->failed_ || !self->audio_in_) return;
      const auto partial = self->audio_in_->take_partial();
      if (!partial.empty()) self->send(user_audio_chunk_message(partial));
    });
  }

  void send_when_ready(std::string message) {
    if (closing_ || failed_) return;
    if (!ready_) {
      waiting_messages_.push_back(std::move(message));
      return;
    }
    send(std::move(message));
  }

  void send(std::string message) {
    if (socket_) socket_->send_text(std::move(message));
  }

  // ---- ending ----

  void fail(const std::string& message) {
    if (failed_ || closing_) return;
    failed_ = true;
    cancel_timers();
    if (socket_) socket_->close(1000, "");
    socket_.reset();
    spdlog::warn("call {}: {}", setup_.call_id, message);
    delivery_->error(message, true);
  }

  void cancel_timers() {
    ready_timer_.cancel();
    flush_timer_.cancel();
    response_timer_.cancel();
    pong_timers_.clear();
  }

  ConvAiSessionSetup setup_;
  const ElevenLabsConvAiConfig& config_;
  std::shared_ptr<EngineDelivery> delivery_;
  AudioFormat carrier_;

  std::shared_ptr<net::WebSocket> socket_;  // null until connected and after the end
  bool ready_ = false;
  bool closing_ = false;
  bool failed_ = false;
  bool warned_overflow_ = false;
  std::deque<std::uint8_t> held_audio_;        // caller audio from before the metadata
  std::vector<std::string> waiting_messages_;  // user text and tool results from before it
  std::optional<ConvAiAudioIn> audio_in_;
  std::optional<ConvAiAudioOut> audio_out_;

  bool response_open_ = false;
  bool response_interrupted_ = false;
  std::optional<std::string> response_text_;
  std::int64_t last_audio_event_id_ = -1;
  std::int64_t drop_through_ = -1;  // audio events up to this id are not played

  core::Timer ready_timer_;
  core::Timer flush_timer_;
  core::Timer response_timer_;
  std::vector<core::Timer> pong_timers_;
};

class ConvAiSession final : public EngineSession {
 public:
  explicit ConvAiSession(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~ConvAiSession() override { close(); }
  ConvAiSession(const ConvAiSession&) = delete;
  ConvAiSession& operator=(const ConvAiSession&) = delete;

  void push_audio(std::span<const std::uint8_t> audio) override {
    if (audio.empty()) return;
    post([copy = std::vector<std::uint8_t>(audio.begin(), audio.end())](Session& session) {
      session.on_audio(copy);
    });
  }

  void send_user_text(const std::string& text) override {
    post([text](Session& session) { session.on_user_text(text); });
  }

  void send_tool_result(const std::string& call_id, const std::string& output) override {
    post([call_id, output](Session& session) { session.on_tool_result(call_id, output); });
  }

  void interrupt(std::chrono::milliseconds /*played*/) override {
    post([](Session& session) { session.on_interrupt(); });
  }

  void say(const std::string& text) override {
    post([text](Session& session) { session.on_say(text); });
  }

  void close() override {
    if (!session_) return;
    session_->delivery()->stop();
    auto session = std::move(session_);
    const auto loop = session->loop();
    asio::dispatch(loop, [session = std::move(session)] { session->shut_down(); });
  }

 private:
  template <typename Work>
  void post(Work work) {
    if (!session_ || session_->delivery()->stopped()) return;
    asio::dispatch(session_->loop(),
                   [session = session_, work = std::move(work)]() mutable { work(*session); });
  }

  std::shared_ptr<Session> session_;
};

}  // namespace

std::unique_ptr<EngineSession> start_convai_session(ConvAiSessionSetup setup, EngineEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<ConvAiSession>(std::move(session));
}

}  // namespace patter::providers
