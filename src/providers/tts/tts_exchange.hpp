#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <patter/providers.hpp>

#include "providers/tts/elevenlabs_config.hpp"
#include "providers/tts/elevenlabs_failure.hpp"

namespace patter::providers {

// One sentence in flight, whatever the transport: event delivery, the audio deadlines, and the
// attempts with their retries. A transport supplies attempt() and abort_transport().
//
// `ended` is the only field touched off the loop: set by cancel() or by the terminal event, it
// silences every later event. Everything else is used on the loop only.
class TtsExchange : public std::enable_shared_from_this<TtsExchange> {
 public:
  TtsExchange(boost::asio::any_io_executor loop, std::shared_ptr<Executor> relay,
              TtsEvents events, std::shared_ptr<const ElevenLabsConfig> config);
  virtual ~TtsExchange() = default;
  TtsExchange(const TtsExchange&) = delete;
  TtsExchange& operator=(const TtsExchange&) = delete;

  // Runs the attempts on the loop until the sentence is spoken, failed or cancelled.
  void start();
  // From any thread: no event follows once it returns (on the call's executor), and the
  // transport is closed on the loop.
  void cancel();

  [[nodiscard]] const boost::asio::any_io_executor& loop() const { return loop_; }

 protected:
  enum class Deadline : std::uint8_t { none, first_audio, next_audio };

  // One attempt: the failure, or nothing once the sentence was delivered (or stopped). Transport
  // failures may be thrown as net::ClientError.
  virtual boost::asio::awaitable<std::optional<TtsFailure>> attempt() = 0;
  // Stops the attempt in flight at once: its connection is dropped.
  virtual void abort_transport() = 0;

  void audio(std::span<const std::uint8_t> bytes);
  void done();
  // The request went to the transport: on_request_written, for the first attempt only.
  void request_written();
  [[nodiscard]] bool stopped() const { return concluded_ || ended_; }
  [[nodiscard]] bool audio_sent() const { return audio_sent_; }
  [[nodiscard]] bool deadline_passed() const { return expired_ != Deadline::none; }

  // Fails the attempt when no audio arrives within the deadline's time; audio() moves it on to
  // next_audio by itself.
  void expect(Deadline deadline);
  void disarm();
  // Cancels the co_spawn'd part of the attempt (connecting, waiting for headers).
  void abort_attempt_coroutine();

  const ElevenLabsConfig& config() const { return *config_; }
  std::shared_ptr<const ElevenLabsConfig> config_;

 private:
  boost::asio::awaitable<void> run();
  void fail(std::string message);
  void abort_all();

  boost::asio::any_io_executor loop_;
  std::shared_ptr<Executor> relay_;
  TtsEvents events_;
  std::atomic<bool> ended_{false};

  boost::asio::cancellation_signal stop_;
  bool attempt_running_ = false;
  boost::asio::steady_timer watchdog_;
  std::uint64_t watch_generation_ = 0;
  Deadline armed_ = Deadline::none;
  Deadline expired_ = Deadline::none;
  boost::asio::steady_timer backoff_;
  bool audio_sent_ = false;
  bool concluded_ = false;
  bool request_reported_ = false;
};

// The TtsStream handed to the call: cancel() (or destruction) cancels the exchange.
std::unique_ptr<TtsStream> make_tts_stream(std::shared_ptr<TtsExchange> exchange);

}  // namespace patter::providers
