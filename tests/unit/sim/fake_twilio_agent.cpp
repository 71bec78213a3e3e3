#include "fake_twilio_agent.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <numbers>

#include "audio/mulaw.hpp"
#include "carriers/twilio/twiml.hpp"
#include "net/http_message.hpp"

namespace patter::sim::testing {

namespace {

namespace asio = boost::asio;
namespace twilio = carriers::twilio;
using namespace std::chrono_literals;

constexpr std::size_t kFrameBytes = 160;
constexpr int kEndOfSpeechFrames = 10;  // 200 ms of silence ends a caller utterance

SteadyTime now() {
  return std::chrono::steady_clock::now();
}

std::uint64_t sequence_number(std::string_view json) {
  const auto value = boost::json::parse(json);
  const auto* field = value.as_object().if_contains("sequenceNumber");
  if (field == nullptr || !field->is_string()) return 0;
  return std::stoull(std::string(field->as_string()));
}

bool is_speech(const std::vector<std::uint8_t>& payload) {
  return std::any_of(payload.begin(), payload.end(),
                     [](std::uint8_t code) { return code != 0xFF; });
}

}  // namespace

struct FakeTwilioAgent::State {
  FakeAgentOptions options;

  mutable std::mutex mutex;
  std::string webhook_url;
  std::string stream_url;
  std::optional<fakes::FakeRequest> webhook;
  twilio::FormParams webhook_form;
  twilio::SignatureCheck webhook_signature = twilio::SignatureCheck::missing_signature;
  std::optional<twilio::SignatureCheck> stream_signature;
  std::vector<ReceivedMessage> received;
  std::vector<SentEvent> sent;
  std::vector<std::string> errors;

  std::string locked(const std::string& field) const {
    const std::lock_guard lock(mutex);
    return field;
  }

  void record_sent(std::string what) {
    const std::lock_guard lock(mutex);
    sent.push_back(SentEvent{now(), std::move(what)});
  }
};

namespace {

// The agent's side of one media socket: what it has sent and when that would finish playing.
class AgentCall {
 public:
  AgentCall(FakeTwilioAgent::State& state, fakes::FakeWebSocket& socket)
      : state_(state), socket_(socket) {}

  asio::awaitable<void> run() {
    while (auto message = co_await socket_.receive()) {
      std::optional<twilio::MediaMessage> parsed;
      try {
        parsed = twilio::parse_media_message(message->data);
        const std::lock_guard lock(state_.mutex);
        state_.received.push_back(ReceivedMessage{now(), *parsed, sequence_number(message->data)});
      } catch (const std::exception& error) {
        const std::lock_guard lock(state_.mutex);
        state_.errors.push_back(error.what());
      }
      if (!parsed) continue;
      if (const auto* start = std::get_if<twilio::Start>(&*parsed)) {
        stream_sid_ = start->stream_sid;
        if (state_.options.hang_up_after_start) {
          std::string reason = "agent hung up";
          co_await socket_.close(1000, std::move(reason));
          co_return;
        }
        if (state_.options.greeting.count() > 0) {
          const std::string mark = "greeting";
          co_await speak(state_.options.greeting, mark);
        }
      } else if (const auto* media = std::get_if<twilio::Media>(&*parsed)) {
        co_await on_caller_frame(*media);
      } else if (std::holds_alternative<twilio::Stop>(*parsed)) {
        co_return;
      }
    }
  }

 private:
  asio::awaitable<void> on_caller_frame(const twilio::Media& media) {
    if (is_speech(media.payload)) {
      if (!in_speech_ && state_.options.clear_on_barge_in && now() < playing_until_) {
        const auto clear = twilio::clear_json(stream_sid_);
        co_await socket_.send_text(clear);
        state_.record_sent("clear");
        playing_until_ = now();
      }
      in_speech_ = true;
      silent_frames_ = 0;
      co_return;
    }
    if (!in_speech_ || ++silent_frames_ < kEndOfSpeechFrames) co_return;
    in_speech_ = false;
    if (state_.options.reply.count() == 0) co_return;
    co_await fakes::sleep_for(state_.options.reply_delay);
    const std::string mark = "reply";
    co_await speak(state_.options.reply, mark);
  }

  asio::awaitable<void> speak(std::chrono::milliseconds duration, const std::string& mark) {
    const auto tone = mulaw_tone(duration);
    for (std::size_t at = 0; at < tone.size(); at += kFrameBytes) {
      const auto count = std::min(kFrameBytes, tone.size() - at);
      const auto frame = twilio::media_json(stream_sid_, std::span(tone).subspan(at, count));
      co_await socket_.send_text(frame);
    }
    playing_until_ = std::max(now(), playing_until_) + duration;
    const auto mark_message = twilio::mark_json(stream_sid_, mark);
    co_await socket_.send_text(mark_message);
    state_.record_sent("mark:" + mark);
  }

  FakeTwilioAgent::State& state_;
  fakes::FakeWebSocket& socket_;
  std::string stream_sid_;
  SteadyTime playing_until_{};
  bool in_speech_ = false;
  int silent_frames_ = 0;
};

}  // namespace

std::vector<std::uint8_t> mulaw_tone(std::chrono::milliseconds duration) {
  const auto count = static_cast<std::size_t>(duration.count() * 8);
  std::vector<std::uint8_t> tone(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double phase = 2.0 * std::numbers::pi * 440.0 * static_cast<double>(i) / 8000.0;
    tone[i] = audio::mulaw_encode(static_cast<std::int16_t>(8000.0 * std::sin(phase)));
  }
  return tone;
}

FakeTwilioAgent::FakeTwilioAgent(FakeAgentOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  auto state = state_;
  server_.on_http("POST", "/webhooks/twilio/voice",
                  [state](fakes::FakeHttpExchange& exchange) -> asio::awaitable<void> {
                    const auto& request = exchange.request();
                    auto form = net::parse_form_urlencoded(request.body);
                    const auto check = twilio::validate_form_request(
                        state->options.auth_token, state->locked(state->webhook_url), form,
                        request.header("X-Twilio-Signature").value_or(""));
                    {
                      const std::lock_guard lock(state->mutex);
                      state->webhook = request;
                      state->webhook_form = form;
                      state->webhook_signature = check;
                    }
                    fakes::FakeResponse response{403, {}, "signature mismatch"};
                    if (check == twilio::SignatureCheck::ok) {
                      response = fakes::FakeResponse{
                          200,
                          {{"Content-Type", "text/xml"}},
                          twilio::connect_stream_twiml(state->locked(state->stream_url),
                                                       state->options.twiml_parameters)};
                    }
                    co_await exchange.respond(response);
                  });
  server_.on_websocket("/ws/twilio",
                       [state](fakes::FakeWebSocket& socket) -> asio::awaitable<void> {
                         const auto check = twilio::validate_url_request(
                             state->options.auth_token, state->locked(state->stream_url),
                             socket.request().header("X-Twilio-Signature").value_or(""));
                         {
                           const std::lock_guard lock(state->mutex);
                           state->stream_signature = check;
                         }
                         if (check != twilio::SignatureCheck::ok) {
                           const fakes::FakeResponse refusal{403, {}, "signature mismatch"};
                           co_await socket.reject(refusal);
                           co_return;
                         }
                         AgentCall call(*state, socket);
                         co_await call.run();
                       });
  server_.start();
  const std::lock_guard lock(state_->mutex);
  state_->webhook_url = server_.url("/webhooks/twilio/voice");
  state_->stream_url = server_.ws_url("/ws/twilio");
}

FakeTwilioAgent::~FakeTwilioAgent() {
  server_.stop();
}

std::string FakeTwilioAgent::webhook_url() const {
  return state_->locked(state_->webhook_url);
}
std::string FakeTwilioAgent::stream_url() const {
  return state_->locked(state_->stream_url);
}

std::optional<fakes::FakeRequest> FakeTwilioAgent::webhook() const {
  const std::lock_guard lock(state_->mutex);
  return state_->webhook;
}

twilio::FormParams FakeTwilioAgent::webhook_form() const {
  const std::lock_guard lock(state_->mutex);
  return state_->webhook_form;
}

twilio::SignatureCheck FakeTwilioAgent::webhook_signature() const {
  const std::lock_guard lock(state_->mutex);
  return state_->webhook_signature;
}

std::optional<twilio::SignatureCheck> FakeTwilioAgent::stream_signature() const {
  const std::lock_guard lock(state_->mutex);
  return state_->stream_signature;
}

std::vector<ReceivedMessage> FakeTwilioAgent::received() const {
  const std::lock_guard lock(state_->mutex);
  return state_->received;
}

std::vector<SentEvent> FakeTwilioAgent::sent() const {
  const std::lock_guard lock(state_->mutex);
  return state_->sent;
}

std::vector<std::string> FakeTwilioAgent::errors() const {
  const std::lock_guard lock(state_->mutex);
  return state_->errors;
}

}  // namespace patter::sim::testing
