#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "session/cost_breakdown.hpp"
#include "session/pricing.hpp"

namespace patter::session {

// Token counts of one LLM request; the four counts are disjoint.
struct LlmUsage {
  std::uint64_t input_tokens = 0;  // prompt tokens billed at the full input rate
  std::uint64_t output_tokens = 0;
  std::uint64_t cache_read_tokens = 0;
  std::uint64_t cache_write_tokens = 0;
};

// From the OpenAI shape, where the cached tokens are part of the prompt tokens.
LlmUsage openai_llm_usage(std::uint64_t prompt_tokens, std::uint64_t cached_tokens,
                          std::uint64_t completion_tokens);

// Token estimate for a stream that reported no usage: one token per 4 characters, rounded up.
std::uint64_t estimate_tokens(std::size_t characters);

// OpenAI Realtime usage. Cached counts are part of the input counts; when only the scalar
// `cached_tokens` is known it is split between audio and text in proportion to their inputs.
struct RealtimeUsage {
  std::uint64_t input_audio_tokens = 0;
  std::uint64_t input_text_tokens = 0;
  std::uint64_t output_audio_tokens = 0;
  std::uint64_t output_text_tokens = 0;
  std::optional<std::uint64_t> cached_audio_tokens;
  std::optional<std::uint64_t> cached_text_tokens;
  std::optional<std::uint64_t> cached_tokens;
};

struct TokenCost {
  double usd = 0.0;
  double cached_savings = 0.0;
};

TokenCost price_llm(const LlmPrice& price, const LlmUsage& usage);
TokenCost price_realtime(const RealtimePrice& price, const RealtimeUsage& usage);

// Seconds of PCM audio: bytes / (sample rate × bytes per sample), for one channel.
double audio_seconds(std::size_t bytes, int sample_rate, int bytes_per_sample);

double round_to_micro_dollars(double usd);

// Which priced providers a call uses (keys of the PricingTable). Empty keys bill nothing.
struct CallProviders {
  std::string stt;
  std::string stt_model;
  std::string tts;
  std::string telephony;
};

// Accumulates the usage of one call and prices it. Feed only what the call's mode bills:
// pipeline calls feed STT, TTS and LLM usage; realtime calls feed realtime usage (billed as LLM);
// ConvAI calls feed none of those. Actual costs reported by providers after the call replace
// the estimates.
class CallCostAccumulator {
 public:
  CallCostAccumulator(PricingTable pricing, CallProviders providers);

  void add_stt_audio(std::size_t bytes, int sample_rate, int bytes_per_sample);
  void add_stt_seconds(double seconds);
  // Speech-to-text heard after this is billed at `provider`'s (and `model`'s) price: a fallback
  // chain moved the call to another provider.
  void use_stt_provider(std::string provider, std::string model);
  // Counts characters (code points) of text sent to TTS, the first message included, billed to
  // the call's TTS provider, or to `provider` when given (a fallback voice's announcement).
  void add_tts_text(std::string_view text);
  void add_tts_text(std::string_view text, std::string_view provider);
  void add_tts_characters(std::size_t characters);
  // A model with no known price bills $0.
  void add_llm_usage(std::string_view model, const LlmUsage& usage);
  // For streams without a usage report: estimates both sides from their lengths.
  void add_estimated_llm_usage(std::string_view model, std::size_t prompt_characters,
                               std::size_t completion_characters);
  void add_realtime_usage(const RealtimeUsage& usage);
  // Priced at the model's own realtime rates where the table knows them.
  void add_realtime_usage(std::string_view model, const RealtimeUsage& usage);
  void set_call_duration(double seconds) { call_seconds_ = seconds; }
  void set_actual_telephony_cost(double usd) { actual_telephony_usd_ = usd; }
  void set_actual_stt_cost(double usd) { actual_stt_usd_ = usd; }

  [[nodiscard]] double stt_seconds() const { return stt_seconds_; }
  [[nodiscard]] std::size_t tts_characters() const { return tts_characters_; }
  [[nodiscard]] CostBreakdown breakdown() const;

 private:
  // Usage is priced in segments, one per provider in turn: the current provider's usage is
  // priced when the breakdown is taken, an earlier provider's when the call moved on from it.
  void use_tts_provider(std::string_view provider);

  PricingTable pricing_;
  CallProviders providers_;  // the STT and TTS providers are the current ones
  double stt_seconds_ = 0.0;
  double stt_segment_seconds_ = 0.0;
  double stt_earlier_usd_ = 0.0;
  std::size_t tts_characters_ = 0;
  std::size_t tts_segment_characters_ = 0;
  double tts_earlier_usd_ = 0.0;
  double call_seconds_ = 0.0;
  TokenCost llm_;
  std::optional<double> actual_telephony_usd_;
  std::optional<double> actual_stt_usd_;
};

}  // namespace patter::session
