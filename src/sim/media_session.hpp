#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/websocket.hpp"
#include "sim/far_end_playout.hpp"
#include "sim/stream_messages.hpp"

namespace patter::sim {

// Caller speech queued on a session; the sender fills in where it went on the timeline.
struct CallerUtterance {
  std::vector<std::uint8_t> mulaw;
  std::size_t sent = 0;
  SamplePos start = -1;  // first sample, once sending began
  SamplePos end = -1;    // just past the last sample, once all of it was sent

  [[nodiscard]] bool finished() const { return end >= 0; }
};

// A clear from the server, and when the next agent media message came after it.
struct ClearSeen {
  SamplePos at = 0;
  std::optional<SamplePos> next_media;
};

// Twilio's side of one Media Streams WebSocket. A sender sends one 160-byte μ-law frame every
// 20 ms in real time (queued caller speech, else silence), and a receiver plays the agent's
// audio into a FarEndPlayout, echoing marks once their audio has played and honouring clear.
//
// Everything runs on the socket's executor; `clock` must tick in real time (the sender's
// deadlines come from it) and outlive the session. Create with std::make_shared.
class MediaSession : public std::enable_shared_from_this<MediaSession> {
 public:
  static constexpr std::size_t kFrameBytes = 160;

  MediaSession(std::shared_ptr<net::WebSocket> socket, StreamIds ids, const core::Clock& clock);

  // Sends connected and start (the stream's time zero), then starts sending and receiving.
  void start(const std::map<std::string, std::string>& custom_parameters);

  // Queues speech to follow anything queued before it, starting on a frame boundary.
  std::shared_ptr<const CallerUtterance> say(std::vector<std::uint8_t> mulaw);
  void send_dtmf(char digit);
  // Sends stop and closes the socket when it is still open, then waits until the sender and
  // the receiver have ended (aborting the socket if the close takes too long).
  boost::asio::awaitable<void> finish();

  [[nodiscard]] SamplePos now() const;
  // False once the server closed the stream, the socket failed or finish() began.
  [[nodiscard]] bool open() const { return !stopping_ && socket_->is_open(); }
  [[nodiscard]] bool closed_by_server() const { return closed_by_server_; }
  [[nodiscard]] const FarEndPlayout& playout() const { return playout_; }
  [[nodiscard]] const std::vector<std::int16_t>& caller_samples() const { return caller_samples_; }
  [[nodiscard]] std::size_t frames_sent() const { return frames_sent_; }
  [[nodiscard]] std::size_t frames_received() const { return frames_received_; }
  [[nodiscard]] const std::vector<std::string>& marks_echoed() const { return marks_echoed_; }
  [[nodiscard]] std::size_t clears_received() const { return clears_.size(); }
  [[nodiscard]] const std::vector<ClearSeen>& clears() const { return clears_; }
  [[nodiscard]] const std::vector<std::string>& errors() const { return errors_; }

 private:
  boost::asio::awaitable<void> send_loop();
  boost::asio::awaitable<void> receive_loop();
  void send_frame(std::uint64_t index);
  void handle_message(const net::WsMessage& message);
  void echo(std::vector<std::string> marks);
  void send(std::string text);
  void add_error(std::string message);
  void stop_loops();
  boost::asio::awaitable<bool> wait_for_loops(core::Duration limit);

  std::shared_ptr<net::WebSocket> socket_;
  TwilioStreamWriter writer_;
  const core::Clock& clock_;
  core::TimePoint stream_start_{};
  boost::asio::steady_timer frame_timer_;
  FarEndPlayout playout_;
  std::deque<std::shared_ptr<CallerUtterance>> speech_;
  std::vector<std::int16_t> caller_samples_;
  std::size_t frames_sent_ = 0;
  std::size_t frames_received_ = 0;
  std::vector<std::string> marks_echoed_;
  std::vector<ClearSeen> clears_;
  std::vector<std::string> errors_;
  bool stopping_ = false;
  bool closed_by_server_ = false;
  int loops_running_ = 0;
};

}  // namespace patter::sim
