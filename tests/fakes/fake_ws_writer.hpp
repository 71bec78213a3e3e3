#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "fakes/fake_websocket.hpp"

namespace patter::fakes {

// The sending half of a streaming fake's WebSocket connection: messages, and at most one close
// frame, each sent once its latency has passed, in order, by one writer coroutine. An optional
// idle watchdog closes the socket after a time without activity (see touch()). Lives on the
// connection's coroutine frame: finish() must be awaited before that frame ends.
class FakeWsWriter {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  struct Item {
    SteadyTime due;
    std::string text;                         // the message, or the close frame's reason
    std::optional<std::uint16_t> close_code;  // a close frame instead of a message
  };
  struct IdleClose {
    std::chrono::milliseconds timeout;
    std::uint16_t code = 1000;
    std::string reason;
  };

  // `record` sees each item just before it goes out, so a fake can log what it sent. Take the
  // executor in a statement of its own: GCC 12 destroys the temporaries of a full expression
  // that holds a co_await twice.
  FakeWsWriter(FakeWebSocket& socket, const boost::asio::any_io_executor& executor,
               std::function<void(const Item&)> record, std::optional<IdleClose> idle = {});
  FakeWsWriter(const FakeWsWriter&) = delete;
  FakeWsWriter& operator=(const FakeWsWriter&) = delete;
  ~FakeWsWriter() = default;

  void push(std::string text, std::chrono::milliseconds latency);
  // Queues the close frame; later calls are ignored.
  void close(std::uint16_t code, std::string reason, std::chrono::milliseconds latency);
  // Activity from the client: the idle watchdog starts again.
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }
  [[nodiscard]] bool closing() const { return close_queued_; }

  // The client's side has ended: what is queued still goes out if the fake had queued its close
  // frame (an orderly end), else nothing more is sent. Returns once the writer has stopped.
  boost::asio::awaitable<void> finish();

 private:
  boost::asio::awaitable<void> run();
  void stop();

  FakeWebSocket& socket_;
  std::function<void(const Item&)> record_;
  std::optional<IdleClose> idle_;
  std::deque<Item> items_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer done_;
  SteadyTime last_activity_ = std::chrono::steady_clock::now();
  bool close_queued_ = false;
  bool stopped_ = false;
  bool broken_ = false;  // a send failed: the client is gone
  bool writing_ = true;
};

}  // namespace patter::fakes
