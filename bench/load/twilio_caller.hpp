#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load_stats.hpp"
#include "net/websocket.hpp"
#include "pacing_tracker.hpp"
#include "sim/stream_messages.hpp"

namespace patter::load {

// Something a caller says: the words and the μ-law audio the fake Deepgram hears them in.
struct Utterance {
  std::string text;
  std::vector<std::uint8_t> audio;
};

struct CallerPlan {
  std::size_t index = 0;
  std::uint16_t port = 0;
  std::string auth_token;
  const std::vector<Utterance>* utterances = nullptr;  // turn t says (index + 5t) mod size
  Clock::time_point dial_at;
  Clock::time_point hang_up_after;  // the first turn boundary after this ends the call
  Clock::duration quiet{};
  Clock::duration reply_timeout{};
  Clock::duration lead{};
  LoadStats* stats = nullptr;
};

struct CallerResult {
  std::string call_sid;
  bool connected = false;
  bool hung_up = false;           // the caller ended the call as planned
  bool closed_by_server = false;
  std::optional<Clock::time_point> connected_at;
  std::optional<Clock::time_point> ended_at;
  bool greeting_heard = false;
  std::vector<std::string> said;  // utterances answered by a reply that played out
  std::size_t frames_sent = 0;
  std::size_t frames_received = 0;
  std::vector<std::string> errors;
};

// One simulated Twilio call, lean enough for a thousand on one thread: the signed voice
// webhook, the media stream, a 20 ms frame clock carrying scripted speech or silence, agent audio
// measured against its ideal pacing, marks echoed once their audio has played. It talks in
// turns: waits for the greeting, says an utterance, waits for the reply to play out, and so on.
class TwilioCaller : public std::enable_shared_from_this<TwilioCaller> {
 public:
  explicit TwilioCaller(CallerPlan plan);

  // Runs the whole call on the awaiting coroutine's executor; never throws.
  boost::asio::awaitable<CallerResult> run();

 private:
  enum class Phase : std::uint8_t { greeting, speaking, awaiting_reply, hearing_reply, done };

  boost::asio::awaitable<std::shared_ptr<net::WebSocket>> dial();
  boost::asio::awaitable<void> talk();
  boost::asio::awaitable<void> receive_loop();
  void tick(Clock::time_point now);
  void start_utterance();
  void on_message(const net::WsMessage& message);
  void schedule_marks();
  void send(std::string text);
  void error(std::string message);

  CallerPlan plan_;
  sim::StreamIds ids_;
  std::unique_ptr<sim::TwilioStreamWriter> writer_;
  std::shared_ptr<net::WebSocket> socket_;
  CallerResult result_;
  PacingTracker pacing_;

  Phase phase_ = Phase::greeting;
  Clock::time_point phase_started_{};
  std::size_t turn_ = 0;
  const Utterance* utterance_ = nullptr;
  std::size_t sent_bytes_ = 0;
  Clock::time_point stopped_at_{};
  std::optional<Clock::time_point> reply_heard_at_;
  bool agent_heard_ = false;
  bool hanging_up_ = false;
  bool receiving_ = false;

  std::deque<std::pair<Clock::time_point, std::string>> marks_;  // echoed when due
  std::unique_ptr<boost::asio::steady_timer> mark_timer_;
};

}  // namespace patter::load
