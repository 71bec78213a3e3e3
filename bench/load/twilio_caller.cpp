#include "twilio_caller.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <exception>

#include "audio/audio_format.hpp"
#include "carriers/twilio/signature.hpp"
#include "core/error.hpp"
#include "fake_providers.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "net/ws_client.hpp"
#include "sim/simulated_caller.hpp"
#include "sim/twiml_stream.hpp"

namespace patter::load {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t kFrameBytes = 160;  // 20 ms of μ-law at 8 kHz
constexpr Clock::duration kFrame = 20ms;
constexpr std::size_t kMaxErrors = 20;
constexpr Clock::duration kShutdownLimit = 6s;

asio::awaitable<void> sleep_until(Clock::time_point at) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(at);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

}  // namespace

TwilioCaller::TwilioCaller(CallerPlan plan) : plan_(std::move(plan)), pacing_(plan_.lead) {
  ids_.account_sid = "AC00000000000000000000000000000000";
  ids_.call_sid = sim::random_sid("CA");
  ids_.stream_sid = sim::random_sid("MZ");
  writer_ = std::make_unique<sim::TwilioStreamWriter>(ids_);
  result_.call_sid = ids_.call_sid;
}

asio::awaitable<CallerResult> TwilioCaller::run() {
  co_await sleep_until(plan_.dial_at);
  try {
    socket_ = co_await dial();
  } catch (const std::exception& failure) {
    error(std::string("dialling: ") + failure.what());
    result_.ended_at = Clock::now();
    co_return result_;
  }
  result_.connected = true;
  result_.connected_at = Clock::now();
  mark_timer_ = std::make_unique<asio::steady_timer>(socket_->get_executor());
  send(writer_->connected());
  send(writer_->start({}));
  receiving_ = true;
  asio::co_spawn(socket_->get_executor(), receive_loop(),
                 [self = shared_from_this()](const std::exception_ptr& failure) {
                   self->receiving_ = false;
                   if (failure) self->error("the receive loop failed");
                 });
  co_await talk();
  hanging_up_ = true;
  mark_timer_->cancel();
  if (socket_->is_open()) {
    send(writer_->stop());
    socket_->close(1000, "caller hung up");
  }
  const auto give_up = Clock::now() + kShutdownLimit;
  asio::steady_timer poll(socket_->get_executor());
  while (receiving_ && Clock::now() < give_up) {
    poll.expires_after(10ms);
    boost::system::error_code ignored;
    co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (receiving_) {
    socket_->abort();
    error("the stream did not close in time");
  }
  result_.ended_at = Clock::now();
  co_return result_;
}

asio::awaitable<std::shared_ptr<net::WebSocket>> TwilioCaller::dial() {
  const std::string origin = "http://127.0.0.1:" + std::to_string(plan_.port);
  const std::string webhook = origin + "/webhooks/twilio/voice";
  const std::string signed_webhook = "https://" + std::string(kPublicHost) + "/webhooks/twilio/voice";
  const net::QueryParams fields = {{"AccountSid", ids_.account_sid}, {"ApiVersion", "2010-04-01"},
                                   {"CallSid", ids_.call_sid},       {"CallStatus", "ringing"},
                                   {"Called", "+15550002222"},        {"Caller", "+15550001111"},
                                   {"Direction", "inbound"},          {"From", "+15550001111"},
                                   {"To", "+15550002222"}};
  auto request = net::form_request(webhook, fields);
  request.headers.emplace_back("X-Twilio-Signature",
                               carriers::twilio::compute_signature(plan_.auth_token, signed_webhook, fields));
  // GCC 12 miscompiles co_await inside constructor arguments and `co_return co_await`: every
  // awaited value is named first.
  const auto executor = co_await asio::this_coro::executor;
  net::HttpClient http(executor);
  const auto response = co_await http.request(std::move(request));
  if (!response.ok()) {
    throw core::Error(core::Errc::upstream_error, "the voice webhook answered HTTP " + std::to_string(response.status));
  }
  const auto target = sim::parse_stream_twiml(response.body);
  const std::string signed_stream = sim::resolve_stream_url(target.url, signed_webhook);
  net::WsConnectRequest connect;
  connect.url = "ws://127.0.0.1:" + std::to_string(plan_.port) + net::parse_endpoint(signed_stream).target;
  connect.headers.emplace_back("X-Twilio-Signature",
                               carriers::twilio::compute_signature(plan_.auth_token, signed_stream));
  net::WsClient client;
  auto socket = co_await client.connect(std::move(connect));
  co_return socket;
}

asio::awaitable<void> TwilioCaller::talk() {
  const Clock::time_point stream_start = Clock::now();
  phase_started_ = stream_start;
  asio::steady_timer frame_timer(socket_->get_executor());
  // Bounded however the server behaves: the planned end, one more turn, and the shutdown.
  const Clock::time_point give_up = plan_.hang_up_after + 2 * plan_.reply_timeout;
  for (std::uint64_t index = 1; phase_ != Phase::done; ++index) {
    frame_timer.expires_at(stream_start + static_cast<std::int64_t>(index) * kFrame);
    boost::system::error_code ignored;
    co_await frame_timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    const auto now = Clock::now();
    if (!socket_->is_open()) {
      result_.closed_by_server = true;
      error("the server closed the stream (" + std::to_string(socket_->close_info().code) + ")");
      break;
    }
    if (now > give_up) {
      error("the call ran past its time limit");
      break;
    }
    std::array<std::uint8_t, kFrameBytes> frame{};
    frame.fill(audio::silence_byte(audio::Encoding::mulaw));
    if (phase_ == Phase::speaking) {
      const auto& audio = utterance_->audio;
      const std::size_t count = std::min(kFrameBytes, audio.size() - sent_bytes_);
      std::copy_n(audio.begin() + static_cast<std::ptrdiff_t>(sent_bytes_), count, frame.begin());
      sent_bytes_ += count;
    }
    send(writer_->media(frame, (index - 1) * 20));
    ++result_.frames_sent;
    tick(now);
  }
}

void TwilioCaller::tick(Clock::time_point now) {
  switch (phase_) {
    case Phase::speaking:
      if (sent_bytes_ >= utterance_->audio.size()) {
        phase_ = Phase::awaiting_reply;
        phase_started_ = stopped_at_ = now;
        reply_heard_at_.reset();
      }
      return;
    case Phase::awaiting_reply:
      if (reply_heard_at_) {
        plan_.stats->response(*reply_heard_at_ - stopped_at_, *reply_heard_at_);
        phase_ = Phase::hearing_reply;
        phase_started_ = now;
      } else if (now - phase_started_ > plan_.reply_timeout) {
        error("no reply to \"" + utterance_->text + "\"");
        phase_ = Phase::done;
      }
      return;
    case Phase::greeting:
    case Phase::hearing_reply: {
      const auto played_out = pacing_.playout_end();
      if (agent_heard_ && played_out && now >= *played_out + plan_.quiet) {
        if (phase_ == Phase::greeting) {
          result_.greeting_heard = true;
        } else {
          result_.said.push_back(utterance_->text);
        }
        if (now >= plan_.hang_up_after) {
          result_.hung_up = true;
          phase_ = Phase::done;
        } else {
          start_utterance();
        }
      } else if (now - phase_started_ > plan_.reply_timeout) {
        error(phase_ == Phase::greeting ? "the greeting did not play out" : "the reply did not play out");
        phase_ = Phase::done;
      }
      return;
    }
    case Phase::done:
      return;
  }
}

void TwilioCaller::start_utterance() {
  const auto& utterances = *plan_.utterances;
  utterance_ = &utterances[(plan_.index + 5 * turn_) % utterances.size()];
  ++turn_;
  sent_bytes_ = 0;
  agent_heard_ = false;
  pacing_.reset();
  phase_ = Phase::speaking;
}

asio::awaitable<void> TwilioCaller::receive_loop() {
  auto self = shared_from_this();
  while (true) {
    auto message = co_await socket_->receive();
    if (!message) break;
    on_message(*message);
  }
  if (!hanging_up_) {
    const auto& info = socket_->close_info();
    if (info.code != 1000 && info.code != 1005) {
      error("the stream closed with code " + std::to_string(info.code) + " " + info.reason);
    }
  }
}

void TwilioCaller::on_message(const net::WsMessage& message) {
  const auto now = Clock::now();
  if (message.binary) {
    error("the server sent a binary message");
    return;
  }
  sim::AgentMessage parsed;
  try {
    parsed = sim::parse_agent_message(message.data);
  } catch (const core::Error& failure) {
    error(failure.what());
    return;
  }
  if (const auto* media = std::get_if<sim::AgentMedia>(&parsed)) {
    ++result_.frames_received;
    agent_heard_ = true;
    if (phase_ == Phase::awaiting_reply && !reply_heard_at_) reply_heard_at_ = now;
    plan_.stats->frame(pacing_.on_frame(media->mulaw.size(), now), now);
  } else if (auto* mark = std::get_if<sim::AgentMark>(&parsed)) {
    const auto due = std::max(now, pacing_.playout_end().value_or(now));
    marks_.emplace_back(due, std::move(mark->name));
    if (marks_.size() == 1) schedule_marks();
  } else if (std::holds_alternative<sim::AgentClear>(parsed)) {
    pacing_.reset();
    for (auto& [due, name] : marks_) send(writer_->mark(name));
    marks_.clear();
    mark_timer_->cancel();
  }
}

void TwilioCaller::schedule_marks() {
  const auto now = Clock::now();
  while (!marks_.empty() && marks_.front().first <= now) {
    send(writer_->mark(marks_.front().second));
    marks_.pop_front();
  }
  if (marks_.empty() || hanging_up_) return;
  mark_timer_->expires_at(marks_.front().first);
  mark_timer_->async_wait([weak = weak_from_this()](const boost::system::error_code& failure) {
    const auto self = weak.lock();
    if (failure || !self || self->hanging_up_) return;
    self->schedule_marks();
  });
}

void TwilioCaller::send(std::string text) {
  if (!socket_ || !socket_->is_open()) return;
  if (!socket_->send_text(std::move(text))) error("a message was not sent: the send queue is full");
}

void TwilioCaller::error(std::string message) {
  if (result_.errors.size() < kMaxErrors) result_.errors.push_back(std::move(message));
}

}  // namespace patter::load
