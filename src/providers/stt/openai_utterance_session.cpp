#include "providers/stt/openai_utterance_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "audio/codec.hpp"
#include "core/random_seed.hpp"
#include "net/retry.hpp"
#include "providers/stt/openai_transcribe_failure.hpp"
#include "providers/stt/openai_transcription_request.hpp"
#include "providers/stt/openai_utterance_gate.hpp"
#include "providers/stt/stt_delivery.hpp"

namespace patter::providers {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// Utterances waiting for their request; beyond this the oldest is dropped.
constexpr std::size_t kMaxQueued = 8;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

struct PendingUtterance {
  GatedUtterance audio;
  bool answers_finalize = false;
};

// One stream. Everything but `delivery` is used on the loop only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(UtteranceSessionSetup setup, SttEvents events)
      : setup_(std::move(setup)),
        config_(*setup_.config),
        delivery_(std::make_shared<SttDelivery>(std::move(events))),
        gate_(config_.gate, config_.input_format.sample_rate),
        backoff_(setup_.loop),
        random_(static_cast<std::minstd_rand::result_type>(core::random_seed())) {}

  [[nodiscard]] const asio::any_io_executor& loop() const { return setup_.loop; }
  [[nodiscard]] const std::shared_ptr<SttDelivery>& delivery() const { return delivery_; }

  void on_audio(const std::string& bytes) {
    if (closing_ || failed_) return;
    const auto sample_bytes = config_.input_format.bytes_per_sample();
    partial_ += bytes;
    const auto whole = partial_.size() - partial_.size() % sample_bytes;
    if (whole == 0) return;
    std::vector<std::int16_t> samples(whole / sample_bytes);
    audio::decode_samples(config_.input_format.encoding,
                          {reinterpret_cast<const std::uint8_t*>(partial_.data()), whole}, samples);
    partial_.erase(0, whole);
    auto decided = gate_.push(samples);
    if (decided.speech_started) delivery_->speech_started();
    for (auto& utterance : decided.utterances) enqueue({std::move(utterance), false});
    if (decided.speech_ended) delivery_->speech_ended();
  }

  void on_finalize() {
    if (closing_ || failed_) return;
    if (auto utterance = gate_.cut()) {
      enqueue({std::move(*utterance), true});
      delivery_->speech_ended();
      return;
    }
    if (busy_) {
      answer_pending_ = true;  // the transcript on its way answers
      return;
    }
    Transcript answer;
    answer.is_final = true;
    delivery_->transcript(answer);
  }

  void shut_down() {
    if (closing_) return;
    closing_ = true;
    queue_.clear();
    backoff_.cancel();
    if (in_flight_) stop_.emit(asio::cancellation_type::terminal);
  }

 private:
  void enqueue(PendingUtterance utterance) {
    if (queue_.size() >= kMaxQueued) {
      spdlog::warn(
          "openai_transcribe: call {}: {} utterances wait for transcription; the oldest "
          "is dropped",
          setup_.call_id, queue_.size());
      queue_.pop_front();
    }
    queue_.push_back(std::move(utterance));
    if (busy_) return;
    busy_ = true;
    asio::co_spawn(setup_.loop, work(shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> work(std::shared_ptr<Session> self) {
    while (!self->queue_.empty() && !self->closing_ && !self->failed_) {
      auto next = std::move(self->queue_.front());
      self->queue_.pop_front();
      co_await self->transcribe(next);
    }
    self->busy_ = false;
  }

  [[nodiscard]] std::string boundary() {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string text = "patter-";
    for (int i = 0; i < 24; ++i) text += kDigits[random_() % kDigits.size()];
    return text;
  }

  asio::awaitable<void> transcribe(const PendingUtterance& utterance) {
    net::RetryPolicy policy;
    policy.max_delay = config_.max_retry_wait;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int attempt = 1;; ++attempt) {
      auto request = transcription_request(config_, setup_.language, utterance.audio.samples,
                                           gate_.sample_rate(), boundary());
      std::optional<net::HttpClientResponse> response;
      std::optional<TranscribeFailure> failure;
      in_flight_ = true;
      try {
        response = co_await asio::co_spawn(
            setup_.loop, setup_.client->request(std::move(request)),
            asio::bind_cancellation_slot(stop_.slot(), asio::use_awaitable));
      } catch (const net::ClientError& error) {
        failure = transcribe_failure_from_client_error(error);
      } catch (const std::exception& error) {
        failure = transcribe_unexpected(error.what());
      }
      in_flight_ = false;
      if (closing_) co_return;
      if (response && response->ok()) {
        const auto text = transcription_text(response->body);
        if (!text) {
          fail(transcribe_malformed("a transcription response without text: " + response->body)
                   .message);
          co_return;
        }
        setup_.sent_bytes->fetch_add(utterance.audio.samples.size() *
                                     config_.input_format.bytes_per_sample());
        deliver(utterance, *text);
        co_return;
      }
      if (response) {
        failure = transcribe_failure_from_status(response->status, response->headers,
                                                 response->body, std::chrono::system_clock::now());
      }
      const bool waits_too_long =
          failure->retry_after && *failure->retry_after > config_.max_retry_wait;
      if (!failure->retryable || attempt >= config_.max_attempts || waits_too_long) {
        fail(failure->message +
             (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : std::string()));
        co_return;
      }
      const auto delay = net::retry_delay(policy, attempt, unit(random_), failure->retry_after);
      spdlog::warn("call {}: {}; trying again in {} ms", setup_.call_id, failure->message,
                   delay.count());
      backoff_.expires_after(delay);
      boost::system::error_code ignored;
      co_await backoff_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      if (closing_) co_return;
    }
  }

  void deliver(const PendingUtterance& utterance, const std::string& text) {
    const bool answers = utterance.answers_finalize || answer_pending_;
    Transcript transcript;
    transcript.text = trimmed(text);
    transcript.is_final = true;
    transcript.speech_final = utterance.audio.ended_by_silence;
    transcript.start_ms = utterance.audio.start_ms;
    transcript.end_ms =
        utterance.audio.start_ms +
        static_cast<double>(utterance.audio.samples.size()) * 1000.0 / gate_.sample_rate();
    // Noise the gate took for speech comes back empty: not a transcript, unless it answers.
    if (transcript.text.empty() && !answers) return;
    answer_pending_ = false;
    delivery_->transcript(transcript);
  }

  void fail(const std::string& message) {
    if (failed_) return;
    failed_ = true;
    queue_.clear();
    delivery_->error(message);
  }

  UtteranceSessionSetup setup_;
  const OpenAiTranscribeConfig& config_;
  std::shared_ptr<SttDelivery> delivery_;
  UtteranceGate gate_;
  std::string partial_;  // bytes of a sample split across pushes
  std::deque<PendingUtterance> queue_;
  bool busy_ = false;  // the worker runs
  bool in_flight_ = false;
  bool answer_pending_ = false;
  bool closing_ = false;
  bool failed_ = false;
  asio::cancellation_signal stop_;
  asio::steady_timer backoff_;
  std::minstd_rand random_;
};

class UtteranceStream final : public SttStream {
 public:
  explicit UtteranceStream(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~UtteranceStream() override { close(); }
  UtteranceStream(const UtteranceStream&) = delete;
  UtteranceStream& operator=(const UtteranceStream&) = delete;

  void push_audio(std::span<const std::uint8_t> bytes) override {
    if (!session_ || bytes.empty() || session_->delivery()->stopped()) return;
    std::string copy(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    asio::dispatch(session_->loop(),
                   [session = session_, copy = std::move(copy)] { session->on_audio(copy); });
  }

  void finalize() override {
    if (!session_ || session_->delivery()->stopped()) return;
    asio::dispatch(session_->loop(), [session = session_] { session->on_finalize(); });
  }

  void close() override {
    if (!session_) return;
    session_->delivery()->stop();
    auto session = std::move(session_);
    const auto loop = session->loop();
    asio::dispatch(loop, [session = std::move(session)] { session->shut_down(); });
  }

 private:
  std::shared_ptr<Session> session_;
};

}  // namespace

std::unique_ptr<SttStream> start_utterance_session(UtteranceSessionSetup setup, SttEvents events) {
  auto session = std::make_shared<Session>(std::move(setup), std::move(events));
  return std::make_unique<UtteranceStream>(std::move(session));
}

}  // namespace patter::providers
