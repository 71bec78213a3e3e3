#include "providers/fallback/fallback_tts.hpp"

#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "audio/format_converter.hpp"
#include "providers/fallback/attempt_plan.hpp"

namespace patter::providers {

namespace {

// One sentence: the attempts on the chain's providers and the audio passed on to the caller, in
// the chain's format. Lives on the call's executor; inner events reach it there through
// post_to().
class TtsSentence : public std::enable_shared_from_this<TtsSentence> {
 public:
  TtsSentence(std::shared_ptr<ProviderChain<TtsProvider>> chain, AudioFormat output_format,
              StreamContext context, std::string text, TtsEvents events)
      : chain_(std::move(chain)),
        output_format_(output_format),
        context_(std::move(context)),
        text_(std::move(text)),
        events_(std::move(events)),
        plan_(chain_->health, chain_->settings.max_retry_per_provider, context_.call_id) {}

  // Opens the first provider that does not throw; false when every one threw.
  bool start() { return open(); }

  void cancel() {
    ended_ = true;
    ++generation_;
    if (inner_) inner_->cancel();
    inner_.reset();
  }

  [[nodiscard]] std::string every_failure() const {
    return "fallback: every provider failed: " + plan_.failures(chain_->health);
  }

 private:
  bool open() {
    while (const auto index = plan_.current()) {
      const auto generation = ++generation_;
      const auto& provider = chain_->providers[*index];
      converter_.reset();
      if (const auto format = provider->output_format(); format != output_format_) {
        converter_.emplace(format, output_format_);
      }
      try {
        inner_ = provider->synthesize(context_, text_, inner_events(generation));
        if (events_.on_provider) events_.on_provider(provider->name());
        return true;
      } catch (const std::exception& error) {
        plan_.failed(chain_->health, error.what());
      }
    }
    return false;
  }

  [[nodiscard]] bool live(std::uint64_t generation) const {
    return !ended_ && generation == generation_;
  }

  TtsEvents inner_events(std::uint64_t generation) {
    const std::weak_ptr<TtsSentence> weak = weak_from_this();
    const auto executor = context_.executor;
    TtsEvents events;
    events.on_audio = [weak, executor, generation](std::span<const std::uint8_t> audio) {
      post_to(*executor, weak,
              [generation, bytes = std::vector<std::uint8_t>(audio.begin(), audio.end())](
                  TtsSentence& self) {
                if (self.live(generation)) self.audio(bytes);
              });
    };
    events.on_done = [weak, executor, generation] {
      post_to(*executor, weak, [generation](TtsSentence& self) {
        if (self.live(generation)) self.done();
      });
    };
    events.on_error = [weak, executor, generation](const std::string& message) {
      post_to(*executor, weak, [generation, message](TtsSentence& self) {
        if (self.live(generation)) self.error(message);
      });
    };
    events.on_request_written = [weak, executor, generation] {
      post_to(*executor, weak, [generation](TtsSentence& self) {
        if (!self.live(generation) || std::exchange(self.request_reported_, true)) return;
        if (self.events_.on_request_written) self.events_.on_request_written();
      });
    };
    return events;
  }

  void audio(std::span<const std::uint8_t> bytes) {
    deliver(converter_ ? converter_->convert(bytes) : bytes);
  }

  void deliver(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    if (!std::exchange(started_, true)) {
      if (const auto index = plan_.current()) chain_->health.mark_working(*index);
    }
    if (events_.on_audio) events_.on_audio(bytes);
  }

  void done() {
    if (converter_) deliver(converter_->flush());
    if (const auto index = plan_.current()) chain_->health.mark_working(*index);
    ended_ = true;
    if (events_.on_done) events_.on_done();
  }

  void error(const std::string& message) {
    const auto index = plan_.current();
    if (started_ || !index) {
      // The caller has played part of this sentence: the failure cannot be hidden.
      if (index) chain_->health.mark_failed(*index, message);
      fail(message);
      return;
    }
    inner_.reset();
    plan_.failed(chain_->health, message);
    if (!open()) fail(every_failure());
  }

  void fail(const std::string& message) {
    ended_ = true;
    inner_.reset();
    if (events_.on_error) events_.on_error(message);
  }

  std::shared_ptr<ProviderChain<TtsProvider>> chain_;
  AudioFormat output_format_;
  StreamContext context_;
  std::string text_;
  TtsEvents events_;
  AttemptPlan plan_;
  std::unique_ptr<TtsStream> inner_;
  std::optional<audio::FormatConverter> converter_;  // when the provider's format differs
  std::uint64_t generation_ = 0;  // counts attempts; events of an older one are dropped
  bool started_ = false;          // audio reached the caller
  bool ended_ = false;
  bool request_reported_ = false;
};

class FallbackTtsStream final : public TtsStream {
 public:
  explicit FallbackTtsStream(std::shared_ptr<TtsSentence> sentence)
      : sentence_(std::move(sentence)) {}
  ~FallbackTtsStream() override { cancel(); }
  FallbackTtsStream(const FallbackTtsStream&) = delete;
  FallbackTtsStream& operator=(const FallbackTtsStream&) = delete;

  void cancel() override { sentence_->cancel(); }

 private:
  std::shared_ptr<TtsSentence> sentence_;
};

}  // namespace

FallbackTts::FallbackTts(std::vector<std::shared_ptr<TtsProvider>> providers,
                         FallbackSettings settings)
    : chain_(std::make_shared<ProviderChain<TtsProvider>>(std::move(providers),
                                                           std::move(settings))),
      output_format_(chain_->providers.front()->output_format()) {}

std::unique_ptr<TtsStream> FallbackTts::synthesize(const StreamContext& context, std::string text,
                                                   TtsEvents events) {
  if (!context.executor) throw std::invalid_argument("fallback: the call has no executor");
  auto sentence = std::make_shared<TtsSentence>(chain_, output_format_, context, std::move(text),
                                                std::move(events));
  if (!sentence->start()) throw core::Error(core::Errc::upstream_error, sentence->every_failure());
  return std::make_unique<FallbackTtsStream>(std::move(sentence));
}

}  // namespace patter::providers
