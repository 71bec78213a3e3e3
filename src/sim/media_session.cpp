#include "sim/media_session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "audio/audio_format.hpp"
#include "audio/mulaw.hpp"
#include "core/error.hpp"

namespace patter::sim {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr core::Duration kFrameDuration = 20ms;
constexpr std::uint64_t kFrameMs = 20;
constexpr std::size_t kMaxErrors = 50;
// Longer than WebSocketOptions::close_timeout, after which the socket drops by itself.
constexpr core::Duration kCloseLimit = 6s;
constexpr core::Duration kAbortLimit = 2s;
constexpr auto kPoll = 10ms;

}  // namespace

MediaSession::MediaSession(std::shared_ptr<net::WebSocket> socket, StreamIds ids,
                           const core::Clock& clock)
    : socket_(std::move(socket)),
      writer_(std::move(ids)),
      clock_(clock),
      frame_timer_(socket_->get_executor()) {}

void MediaSession::start(const std::map<std::string, std::string>& custom_parameters) {
  send(writer_.connected());
  send(writer_.start(custom_parameters));
  stream_start_ = clock_.now();
  loops_running_ = 2;
  auto self = shared_from_this();
  const auto on_end = [self](std::exception_ptr error) {
    --self->loops_running_;
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& failure) {
      self->add_error(std::string("stream loop failed: ") + failure.what());
    }
  };
  asio::co_spawn(socket_->get_executor(), send_loop(), on_end);
  asio::co_spawn(socket_->get_executor(), receive_loop(), on_end);
}

std::shared_ptr<const CallerUtterance> MediaSession::say(std::vector<std::uint8_t> mulaw) {
  auto utterance = std::make_shared<CallerUtterance>();
  utterance->mulaw = std::move(mulaw);
  if (utterance->mulaw.empty()) {
    utterance->start = utterance->end = now();
  } else {
    speech_.push_back(utterance);
  }
  return utterance;
}

void MediaSession::send_dtmf(char digit) {
  send(writer_.dtmf(digit));
}

SamplePos MediaSession::now() const {
  return (clock_.now() - stream_start_).count() * kStreamSampleRate / 1'000'000'000;
}

asio::awaitable<void> MediaSession::finish() {
  if (socket_->is_open()) {
    send(writer_.stop());
    socket_->close(1000, "caller hung up");
  }
  stop_loops();
  // GCC 12 crashed (SIGILL) on `if (!co_await ...)` here, so each result is named first.
  const bool closed = co_await wait_for_loops(kCloseLimit);
  if (closed) co_return;
  socket_->abort();
  const bool aborted = co_await wait_for_loops(kAbortLimit);
  if (!aborted) add_error("the stream did not shut down in time");
}

asio::awaitable<void> MediaSession::send_loop() {
  for (std::uint64_t index = 1; open(); ++index) {
    const auto deadline = stream_start_ + static_cast<std::int64_t>(index) * kFrameDuration;
    frame_timer_.expires_after(std::max(deadline - clock_.now(), core::Duration::zero()));
    boost::system::error_code ignored;
    co_await frame_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (!open()) break;
    send_frame(index);
  }
}

void MediaSession::send_frame(std::uint64_t index) {
  std::array<std::uint8_t, kFrameBytes> frame{};
  frame.fill(audio::silence_byte(audio::Encoding::mulaw));
  const auto frame_start = static_cast<SamplePos>((index - 1) * kFrameBytes);
  if (!speech_.empty()) {
    auto& utterance = *speech_.front();
    if (utterance.sent == 0) utterance.start = frame_start;
    const auto count = std::min(kFrameBytes, utterance.mulaw.size() - utterance.sent);
    const auto from = utterance.mulaw.begin() + static_cast<std::ptrdiff_t>(utterance.sent);
    std::copy(from, from + static_cast<std::ptrdiff_t>(count), frame.begin());
    utterance.sent += count;
    if (utterance.sent == utterance.mulaw.size()) {
      utterance.end = frame_start + static_cast<SamplePos>(count);
      speech_.pop_front();
    }
  }
  caller_samples_.resize(static_cast<std::size_t>(frame_start) + kFrameBytes);
  audio::mulaw_decode(frame,
                      std::span(caller_samples_).subspan(static_cast<std::size_t>(frame_start)));
  send(writer_.media(frame, (index - 1) * kFrameMs));
  ++frames_sent_;
  echo(playout_.take_due_marks(now()));
}

asio::awaitable<void> MediaSession::receive_loop() {
  while (true) {
    auto message = co_await socket_->receive();
    if (!message) break;
    handle_message(*message);
  }
  if (!stopping_) {
    closed_by_server_ = true;
    const auto& info = socket_->close_info();
    if (info.code != 1000 && info.code != 1005) {
      add_error("the stream closed with code " + std::to_string(info.code) +
                (info.reason.empty() ? "" : " (" + info.reason + ")"));
    }
  }
  stop_loops();
}

void MediaSession::handle_message(const net::WsMessage& message) {
  if (message.binary) {
    add_error("the server sent a binary message; Media Streams messages are JSON text");
    return;
  }
  AgentMessage parsed;
  try {
    parsed = parse_agent_message(message.data);
  } catch (const core::Error& error) {
    add_error(error.what());
    return;
  }
  const auto position = now();
  if (const auto* media = std::get_if<AgentMedia>(&parsed)) {
    ++frames_received_;
    if (!clears_.empty() && !clears_.back().next_media) clears_.back().next_media = position;
    playout_.push_audio(position, media->mulaw);
  } else if (auto* mark = std::get_if<AgentMark>(&parsed)) {
    playout_.push_mark(position, std::move(mark->name));
    echo(playout_.take_due_marks(position));
  } else if (std::holds_alternative<AgentClear>(parsed)) {
    clears_.push_back(ClearSeen{position, std::nullopt});
    echo(playout_.clear(position));
  }
}

void MediaSession::echo(std::vector<std::string> marks) {
  for (auto& name : marks) {
    send(writer_.mark(name));
    marks_echoed_.push_back(std::move(name));
  }
}

void MediaSession::send(std::string text) {
  if (!socket_->is_open()) return;
  if (!socket_->send_text(std::move(text))) {
    add_error("a message was not sent: the socket's send queue is full");
  }
}

void MediaSession::add_error(std::string message) {
  if (errors_.size() < kMaxErrors) errors_.push_back(std::move(message));
}

void MediaSession::stop_loops() {
  stopping_ = true;
  frame_timer_.cancel();
}

asio::awaitable<bool> MediaSession::wait_for_loops(core::Duration limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto give_up = clock_.now() + limit;
  while (loops_running_ > 0 && clock_.now() < give_up) {
    timer.expires_after(kPoll);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return loops_running_ == 0;
}

}  // namespace patter::sim
