#include "providers/fallback/fallback_stt.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>

#include "audio/format_converter.hpp"
#include "providers/fallback/attempt_plan.hpp"
#include "providers/stt/audio_replay_buffer.hpp"

namespace patter::providers {

namespace {

constexpr std::chrono::milliseconds kReplayChunk{200};

// One call's stream: the inner stream of the provider serving it now, and the caller's audio not
// yet covered by a final, to be heard again by the next provider. Lives on the call's executor;
// inner events reach it there through post_to().
class SttCall : public std::enable_shared_from_this<SttCall> {
 public:
  SttCall(std::shared_ptr<ProviderChain<SttProvider>> chain, AudioFormat input_format,
          StreamContext context, SttEvents events)
      : chain_(std::move(chain)),
        input_format_(input_format),
        context_(std::move(context)),
        events_(std::move(events)),
        plan_(chain_->health, chain_->settings.max_retry_per_provider, context_.call_id),
        ring_(input_format_.bytes_in(chain_->settings.replay_window)) {}

  // Opens the first provider that does not throw; false when every one threw.
  bool start() { return open(); }

  void push(std::span<const std::uint8_t> bytes) {
    if (ended_ || bytes.empty()) return;
    ring_.append(bytes);
    if (inner_) send(bytes);
  }

  void finalize() {
    if (ended_) return;
    finalize_pending_ = true;
    if (inner_) inner_->finalize();
  }

  void close() {
    ended_ = true;
    ++generation_;
    if (inner_) inner_->close();
    inner_.reset();
  }

  [[nodiscard]] std::string every_failure() const {
    return "fallback: every provider failed: " + plan_.failures(chain_->health);
  }

 private:
  // Opens the plan's current provider and replays the audio not yet covered by a final.
  bool open() {
    while (const auto index = plan_.current()) {
      const auto generation = ++generation_;
      const auto& provider = chain_->providers[*index];
      converter_.reset();
      if (const auto format = provider->input_format(); format != input_format_) {
        converter_.emplace(input_format_, format);
      }
      if (ring_.begin_offset() > acked_) {
        spdlog::warn("call {}: fallback: {} ms of audio fell out of the replay window",
                     context_.call_id,
                     static_cast<long long>(ms_of(ring_.begin_offset() - acked_)));
      }
      base_ = ring_.begin_offset();
      heard_ = false;
      try {
        inner_ = provider->open(context_, inner_events(generation));
      } catch (const std::exception& error) {
        plan_.failed(chain_->health, error.what());
        continue;
      }
      if (announced_ != index && events_.on_provider_changed) {
        events_.on_provider_changed(provider->name(), provider->model());
      }
      announced_ = index;
      replay();
      return true;
    }
    return false;
  }

  // The provider bills the audio it hears again, so the call's cost counts it.
  void replay() {
    const auto replayed = ring_.end_offset() - base_;
    if (replayed > 0 && events_.on_audio_replayed) {
      events_.on_audio_replayed(ms_of(replayed) / 1000.0);
    }
    const auto sample = input_format_.bytes_per_sample();
    auto chunk = std::max<std::size_t>(input_format_.bytes_in(kReplayChunk), sample);
    for (auto offset = base_; offset < ring_.end_offset() && inner_; offset += chunk) {
      const auto bytes = ring_.slice(offset, chunk);
      send({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    }
    if (finalize_pending_ && inner_) inner_->finalize();
  }

  void send(std::span<const std::uint8_t> bytes) {
    const auto converted = converter_ ? converter_->convert(bytes) : bytes;
    if (!converted.empty()) inner_->push_audio(converted);
  }

  [[nodiscard]] bool live(std::uint64_t generation) const {
    return !ended_ && generation == generation_;
  }

  SttEvents inner_events(std::uint64_t generation) {
    const std::weak_ptr<SttCall> weak = weak_from_this();
    const auto executor = context_.executor;
    SttEvents events;
    events.on_transcript = [weak, executor, generation](const Transcript& transcript) {
      post_to(*executor, weak, [generation, transcript](SttCall& self) {
        if (self.live(generation)) self.transcript(transcript);
      });
    };
    events.on_speech_started = [weak, executor, generation] {
      post_to(*executor, weak, [generation](SttCall& self) {
        if (self.live(generation) && self.events_.on_speech_started) {
          self.events_.on_speech_started();
        }
      });
    };
    events.on_speech_ended = [weak, executor, generation] {
      post_to(*executor, weak, [generation](SttCall& self) {
        if (self.live(generation) && self.events_.on_speech_ended) self.events_.on_speech_ended();
      });
    };
    events.on_audio_replayed = [weak, executor, generation](double seconds) {
      post_to(*executor, weak, [generation, seconds](SttCall& self) {
        if (self.live(generation) && self.events_.on_audio_replayed) {
          self.events_.on_audio_replayed(seconds);
        }
      });
    };
    events.on_error = [weak, executor, generation](const std::string& message) {
      post_to(*executor, weak, [generation, message](SttCall& self) {
        if (self.live(generation)) self.error(message);
      });
    };
    return events;
  }

  void transcript(Transcript transcript) {
    if (!std::exchange(heard_, true)) {
      if (const auto index = plan_.current()) chain_->health.mark_working(*index);
    }
    // The inner stream's clock starts at its first byte, base_ into the call's audio.
    const double base_ms = ms_of(base_);
    const auto stream_end_ms = transcript.end_ms;
    if (transcript.start_ms) *transcript.start_ms += base_ms;
    if (transcript.end_ms) *transcript.end_ms += base_ms;
    if (transcript.is_final) {
      finalize_pending_ = false;
      if (stream_end_ms) acknowledge(*stream_end_ms);
    }
    if (events_.on_transcript) events_.on_transcript(transcript);
  }

  void error(const std::string& message) {
    const auto index = plan_.current();
    if (inner_) inner_->close();
    inner_.reset();
    if (index && heard_) {
      // It worked for a while: the next provider carries the rest of the call.
      chain_->health.mark_failed(*index, message);
      plan_.restart(chain_->health);
      if (const auto next = plan_.current()) {
        spdlog::warn("call {}: fallback: {} failed mid-call; {} takes over, hearing {} ms again",
                     context_.call_id, chain_->health.describe(*index),
                     chain_->health.describe(*next),
                     static_cast<long long>(ms_of(ring_.end_offset() - ring_.begin_offset())));
      }
    } else {
      plan_.failed(chain_->health, message);
    }
    if (open()) return;
    ended_ = true;
    if (events_.on_error) events_.on_error(every_failure());
  }

  // A final covers the inner stream up to `stream_ms`: that audio is never replayed.
  void acknowledge(double stream_ms) {
    const auto samples = static_cast<std::uint64_t>(
        std::llround(std::max(0.0, stream_ms) * input_format_.sample_rate / 1000.0));
    const auto covered = base_ + samples * input_format_.bytes_per_sample();
    acked_ = std::max(acked_, std::min(covered, ring_.end_offset()));
    ring_.acknowledge(acked_);
  }

  [[nodiscard]] double ms_of(std::uint64_t bytes) const {
    const auto samples = static_cast<double>(bytes / input_format_.bytes_per_sample());
    return samples * 1000.0 / input_format_.sample_rate;
  }

  std::shared_ptr<ProviderChain<SttProvider>> chain_;
  AudioFormat input_format_;
  StreamContext context_;
  SttEvents events_;
  AttemptPlan plan_;
  AudioReplayBuffer ring_;  // the call's audio since acked_, by offset in the chain's format
  std::unique_ptr<SttStream> inner_;
  std::optional<audio::FormatConverter> converter_;  // when the provider's format differs
  std::optional<std::size_t> announced_;  // the provider last named to on_provider_changed
  std::uint64_t base_ = 0;      // the call-audio offset of the inner stream's first byte
  std::uint64_t acked_ = 0;     // audio before this offset is covered by finals
  std::uint64_t generation_ = 0;      // counts inner streams; events of an older one are dropped
  bool heard_ = false;                // the inner stream has delivered a transcript
  bool finalize_pending_ = false;     // finalize() not yet answered by a final
  bool ended_ = false;
};

class FallbackSttStream final : public SttStream {
 public:
  explicit FallbackSttStream(std::shared_ptr<SttCall> call) : call_(std::move(call)) {}
  ~FallbackSttStream() override { close(); }
  FallbackSttStream(const FallbackSttStream&) = delete;
  FallbackSttStream& operator=(const FallbackSttStream&) = delete;

  void push_audio(std::span<const std::uint8_t> bytes) override { call_->push(bytes); }
  void finalize() override { call_->finalize(); }
  void close() override { call_->close(); }

 private:
  std::shared_ptr<SttCall> call_;
};

}  // namespace

FallbackStt::FallbackStt(std::vector<std::shared_ptr<SttProvider>> providers,
                         FallbackSettings settings)
    : chain_(std::make_shared<ProviderChain<SttProvider>>(std::move(providers),
                                                           std::move(settings))),
      input_format_(chain_->providers.front()->input_format()) {}

std::unique_ptr<SttStream> FallbackStt::open(const StreamContext& context, SttEvents events) {
  if (!context.executor) throw std::invalid_argument("fallback: the call has no executor");
  auto call = std::make_shared<SttCall>(chain_, input_format_, context, std::move(events));
  if (!call->start()) throw core::Error(core::Errc::upstream_error, call->every_failure());
  return std::make_unique<FallbackSttStream>(std::move(call));
}

}  // namespace patter::providers
