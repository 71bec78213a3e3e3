#include "providers/realtime/openai_realtime_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "providers/realtime/engine_delivery.hpp"
#include "providers/realtime/openai_realtime_audio.hpp"
#include "providers/realtime/openai_realtime_failure.hpp"
#include "providers/realtime/openai_realtime_messages.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// The server's answer to a response.cancel that raced with its own end of the response (server
// VAD cancels on speech_started too): expected, not worth an error event.
constexpr std::string_view kCancelNotActive = "response_cancel_not_active";
constexpr std::string_view kActiveResponse = "conversation_already_has_active_response";
constexpr std::size_t kRememberedCancels = 8;

// One Realtime session. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(OpenAiRealtimeSessionSetup setup, EngineEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<EngineDelivery>(std::move(events))),
        bridge_(setup_.carrier, setup_.wire,
                [this](std::span<const std::uint8_t> audio) { deliver_agent_audio(audio); }),
        max_pending_bytes_(std::max<std::size_t>(setup_.carrier.bytes_in(config_.max_pending_audio),
                                                 setup_.carrier.bytes_per_sample())) {}

  [[nodiscard]] const asio::any_io_executor& loop() const { return setup_.loop; }
  [[nodiscard]] const std::shared_ptr<EngineDelivery>& delivery() const { return delivery_; }

  void start() { asio::co_spawn(setup_.loop, connect(shared_from_this()), asio::detached); }

  void on_caller_audio(const std::vector<std::uint8_t>& audio) {
    if (finished() || audio.empty()) return;
    if (!ready_) {
      hold_caller_audio(audio);
      return;
    }
    send_caller_audio(audio);
  }

  void on_user_text(const std::string& text) {
    if (finished()) return;
    send_or_hold(user_text_item(text));
    request_response(response_create());
  }

  void on_tool_result(const std::string& call_id, const std::string& output) {
    if (finished()) return;
    send_or_hold(function_call_output_item(call_id, output));
    request_response(response_create());
  }

  void on_interrupt(milliseconds played) {
    if (finished()) return;
    truncate_playing_item(played);
    cancel_current_response();
  }

  void on_say(const std::string& text) {
    if (finished()) return;
    cancel_current_response();
    request_response(verbatim_response_create(text), true);
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    ready_timer_.cancel();
    if (socket_) socket_->close(1000);
    socket_.reset();
  }

 private:
  [[nodiscard]] bool finished() const { return closing_ || failed_; }

  static asio::awaitable<void> connect(std::shared_ptr<Session> self) {
    std::shared_ptr<net::WebSocket> socket;
    std::optional<std::string> failure;
    try {
      net::WsConnectRequest request = self->setup_.request;
      socket = co_await self->setup_.client->connect(std::move(request));
    } catch (const net::WsHandshakeError& error) {
      failure = handshake_failure(error.status(), error.body());
    } catch (const net::ClientError& error) {
      failure = connect_failure(error);
    } catch (const std::exception& error) {
      failure = "openai_realtime: cannot connect: " + std::string(error.what());
    }
    if (self->finished()) {
      if (socket) socket->close(1000);
      co_return;
    }
    if (failure) {
      self->fail(*failure);
      co_return;
    }
    self->socket_ = std::move(socket);
    const std::weak_ptr<Session> weak = self;
    self->ready_timer_ = self->setup_.clock->schedule_after(
        self->config_.session_ready_timeout, [weak] {
          const auto session = weak.lock();
          if (!session || session->ready_ || session->finished()) return;
          session->fail(ready_timeout_failure(session->config_.session_ready_timeout.count()));
        });
    asio::co_spawn(self->setup_.loop, read(self, self->socket_), asio::detached);
  }

  static asio::awaitable<void> read(std::shared_ptr<Session> self,
                                    std::shared_ptr<net::WebSocket> socket) {
    while (auto message = co_await socket->receive()) {
      if (self->finished()) continue;
      if (message->binary) {
        spdlog::warn("openai_realtime: call {}: ignoring a binary message", self->setup_.call_id);
        continue;
      }
      std::visit([&self](const auto& event) { self->handle(event); },
                 parse_realtime_event(message->data));
    }
    if (self->finished()) co_return;
    const auto& info = socket->close_info();
    self->fail(dropped_failure(info.code, info.reason));
  }

  void send(std::string message) {
    if (socket_) socket_->send_text(std::move(message));
  }

  // Conversation items wait for the session to be configured.
  void send_or_hold(std::string message) {
    if (ready_) {
      send(std::move(message));
    } else {
      held_items_.push_back(std::move(message));
    }
  }

  // One response at a time: a response.create sent while another is in progress is refused.
  void request_response(std::string message, bool first = false) {
    if (first) {
      queued_responses_.push_front(std::move(message));
    } else {
      queued_responses_.push_back(std::move(message));
    }
    send_next_response();
  }

  void send_next_response() {
    if (!ready_ || awaiting_response_ || response_active_ || queued_responses_.empty()) return;
    last_response_request_ = std::move(queued_responses_.front());
    queued_responses_.pop_front();
    awaiting_response_ = true;
    send(last_response_request_);
  }

  void hold_caller_audio(const std::vector<std::uint8_t>& audio) {
    pending_bytes_ += audio.size();
    pending_audio_.push_back(audio);
    while (pending_bytes_ > max_pending_bytes_ && !pending_audio_.empty()) {
      pending_bytes_ -= pending_audio_.front().size();
      pending_audio_.pop_front();
      if (!warned_overflow_) {
        warned_overflow_ = true;
        spdlog::warn("openai_realtime: call {}: session not ready; caller audio older than {} ms "
                     "is dropped",
                     setup_.call_id, config_.max_pending_audio.count());
      }
    }
  }

  void send_caller_audio(std::span<const std::uint8_t> audio) {
    const auto wire = bridge_.caller_to_wire(audio);
    if (!wire.empty()) send(input_audio_append(wire));
  }

  void truncate_playing_item(milliseconds played) {
    if (playing_item_.empty()) return;
    const auto sent_ms = static_cast<std::int64_t>(playing_samples_ * 1000 /
                                                   static_cast<std::uint64_t>(setup_.carrier.sample_rate));
    const auto end_ms = std::clamp<std::int64_t>(played.count(), 0, sent_ms);
    send(item_truncate(playing_item_, end_ms));
    playing_item_.clear();
    playing_samples_ = 0;
  }

  // Stops the response in progress (or the one asked for and not yet started); whatever of its
  // audio still arrives is dropped.
  void cancel_current_response() {
    bridge_.drop_agent_audio();
    if (response_active_) {
      if (!dropped(active_response_)) {
        remember_cancelled(active_response_);
        send(response_cancel());
      }
    } else if (awaiting_response_) {
      cancel_when_created_ = true;
    }
  }

  void deliver_agent_audio(std::span<const std::uint8_t> audio) {
    playing_samples_ += audio.size() / setup_.carrier.bytes_per_sample();
    delivery_->audio(audio);
  }

  [[nodiscard]] bool dropped(const std::string& response_id) const {
    return std::find(cancelled_.begin(), cancelled_.end(), response_id) != cancelled_.end();
  }

  void remember_cancelled(const std::string& response_id) {
    cancelled_.push_back(response_id);
    if (cancelled_.size() > kRememberedCancels) cancelled_.pop_front();
  }

  void fail(const std::string& message) {
    if (failed_ || closing_) return;
    failed_ = true;
    ready_timer_.cancel();
    if (socket_) socket_->close(1000);
    socket_.reset();
    delivery_->error(message, true);
  }

  // ---- server events ----

  void handle(const RealtimeSessionCreated& /*created*/) {
    if (sent_session_update_) return;
    sent_session_update_ = true;
    send(setup_.session_update);
  }

  void handle(const RealtimeSessionUpdated& /*updated*/) {
    if (ready_) return;
    ready_ = true;
    ready_timer_.cancel();
    delivery_->ready();
    if (finished()) return;
    if (!setup_.first_message.empty()) {
      request_response(verbatim_response_create(setup_.first_message), true);
    }
    for (auto& item : std::exchange(held_items_, {})) send(std::move(item));
    for (const auto& audio : std::exchange(pending_audio_, {})) send_caller_audio(audio);
    pending_bytes_ = 0;
    send_next_response();
  }

  void handle(const RealtimeSpeechStarted& /*started*/) { delivery_->user_speech_started(); }
  void handle(const RealtimeSpeechStopped& /*stopped*/) { delivery_->user_speech_stopped(); }

  void handle(const RealtimeInputTranscript& transcript) {
    if (!transcript.transcript.empty()) delivery_->user_transcript(transcript.transcript);
  }

  void handle(const RealtimeInputTranscriptFailed& failed) {
    delivery_->error("openai_realtime: the caller's speech could not be transcribed" +
                         (failed.message.empty() ? "" : ": " + failed.message),
                     false);
  }

  void handle(const RealtimeResponseCreated& created) {
    awaiting_response_ = false;
    response_active_ = true;
    active_response_ = created.response_id;
    if (std::exchange(cancel_when_created_, false)) cancel_current_response();
  }

  void handle(const RealtimeOutputItem& item) {
    if (item.item_type != "function_call") return;
    if (!item.name.empty()) call_names_[item.call_id] = item.name;
    if (item.done) report_tool_call(item.response_id, item.call_id, item.name, item.arguments);
  }

  void handle(const RealtimeAudioDelta& delta) {
    if (dropped(delta.response_id)) return;
    if (delta.item_id != playing_item_) {
      bridge_.end_agent_audio();
      playing_item_ = delta.item_id;
      playing_samples_ = 0;
    }
    bridge_.agent_from_wire(delta.audio);
  }

  void handle(const RealtimeAudioDone& done) {
    if (!dropped(done.response_id)) bridge_.end_agent_audio();
  }

  void handle(const RealtimeTranscriptDelta& delta) {
    if (!dropped(delta.response_id) && !delta.delta.empty()) {
      delivery_->agent_transcript(delta.delta, false);
    }
  }

  void handle(const RealtimeTranscriptDone& done) {
    if (!dropped(done.response_id)) delivery_->agent_transcript(done.transcript, true);
  }

  void handle(const RealtimeFunctionCallDone& call) {
    report_tool_call(call.response_id, call.call_id, call.name, call.arguments);
  }

  void report_tool_call(const std::string& response_id, const std::string& call_id,
                        const std::string& name, const std::string& arguments) {
    if (dropped(response_id) || call_id.empty() || !reported_calls_.insert(call_id).second) return;
    ToolCall call;
    call.id = call_id;
    call.name = name;
    if (call.name.empty()) {
      if (const auto found = call_names_.find(call_id); found != call_names_.end()) {
        call.name = found->second;
      }
    }
    call.arguments = arguments.empty() ? "{}" : arguments;
    call_names_.erase(call_id);
    delivery_->tool_call(call);
  }

  void handle(const RealtimeResponseDone& done) {
    if (!dropped(done.response_id)) bridge_.end_agent_audio();
    if (done.response_id == active_response_ || active_response_.empty()) {
      response_active_ = false;
      active_response_.clear();
    }
    if (done.status == "failed") {
      delivery_->error("openai_realtime: the response failed" +
                           (done.reason.empty() ? "" : ": " + done.reason),
                       false);
    }
    if (done.usage) delivery_->usage(*done.usage);
    delivery_->response_done();
    if (!finished()) send_next_response();
  }

  void handle(const RealtimeItemTruncated& truncated) {
    spdlog::debug("openai_realtime: call {}: item {} truncated at {} ms", setup_.call_id,
                  truncated.item_id, truncated.audio_end_ms);
  }

  void handle(const RealtimeServerError& error) {
    if (error.code == kCancelNotActive) {
      spdlog::debug("openai_realtime: call {}: {}", setup_.call_id, error.message);
      return;
    }
    const auto message = server_error_message(error.code, error.message);
    if (!ready_) {
      fail(message);
      return;
    }
    if (error.code == kActiveResponse && awaiting_response_) {
      // The server had a response of its own going (server VAD): ask again after it.
      awaiting_response_ = false;
      queued_responses_.push_front(std::move(last_response_request_));
      spdlog::debug("openai_realtime: call {}: {}", setup_.call_id, message);
      send_next_response();
      return;
    }
    spdlog::warn("call {}: {}", setup_.call_id, message);
    delivery_->error(message, false);
  }

  void handle(const RealtimeMalformed& malformed) {
    spdlog::warn("openai_realtime: call {}: skipping a malformed server event: {}", setup_.call_id,
                 malformed.detail);
  }

  void handle(const RealtimeOther& other) {
    spdlog::trace("openai_realtime: call {}: ignoring {}", setup_.call_id, other.type);
  }

  OpenAiRealtimeSessionSetup setup_;
  const OpenAiRealtimeConfig& config_;
  std::shared_ptr<EngineDelivery> delivery_;
  RealtimeAudioBridge bridge_;
  std::size_t max_pending_bytes_;

  std::shared_ptr<net::WebSocket> socket_;  // null while connecting and once finished
  bool sent_session_update_ = false;
  bool ready_ = false;
  bool closing_ = false;
  bool failed_ = false;
  core::Timer ready_timer_;

  std::deque<std::vector<std::uint8_t>> pending_audio_;  // caller audio before ready
  std::size_t pending_bytes_ = 0;
  bool warned_overflow_ = false;
  std::vector<std::string> held_items_;  // conversation items before ready

  std::deque<std::string> queued_responses_;  // response.create messages waiting their turn
  std::string last_response_request_;
  bool awaiting_response_ = false;  // a response.create is out, response.created not yet in
  bool response_active_ = false;
  bool cancel_when_created_ = false;
  std::string active_response_;
  std::deque<std::string> cancelled_;  // the last responses cancelled: their late events are dropped

  std::string playing_item_;           // the assistant item whose audio is being delivered
  std::uint64_t playing_samples_ = 0;  // carrier samples of it delivered so far

  std::unordered_map<std::string, std::string> call_names_;  // call id → tool name
  std::set<std::string> reported_calls_;
};

class OpenAiRealtimeSession final : public EngineSession {
 public:
  explicit OpenAiRealtimeSession(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~OpenAiRealtimeSession() override { close(); }
  OpenAiRealtimeSession(const OpenAiRealtimeSession&) = delete;
  OpenAiRealtimeSession& operator=(const OpenAiRealtimeSession&) = delete;

  void push_audio(std::span<const std::uint8_t> audio) override {
    if (!live() || audio.empty()) return;
    post([audio = std::vector<std::uint8_t>(audio.begin(), audio.end())](Session& session) {
      session.on_caller_audio(audio);
    });
  }

  void send_user_text(const std::string& text) override {
    if (!live()) return;
    post([text](Session& session) { session.on_user_text(text); });
  }

  void send_tool_result(const std::string& call_id, const std::string& output) override {
    if (!live()) return;
    post([call_id, output](Session& session) { session.on_tool_result(call_id, output); });
  }

  void interrupt(std::chrono::milliseconds played) override {
    if (!live()) return;
    post([played](Session& session) { session.on_interrupt(played); });
  }

  void say(const std::string& text) override {
    if (!live()) return;
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
  [[nodiscard]] bool live() const { return session_ && !session_->delivery()->stopped(); }

  template <typename Action>
  void post(Action action) {
    asio::dispatch(session_->loop(),
                   [session = session_, action = std::move(action)] { action(*session); });
  }

  std::shared_ptr<Session> session_;
};

}  // namespace

std::unique_ptr<EngineSession> start_openai_realtime_session(OpenAiRealtimeSessionSetup setup,
                                                             EngineEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  const auto loop = session->loop();
  asio::dispatch(loop, [session] { session->start(); });
  return std::make_unique<OpenAiRealtimeSession>(std::move(session));
}

}  // namespace patter::providers
