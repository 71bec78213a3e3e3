#include "session/cost.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "session/utf8.hpp"

namespace patter::session {
namespace {

constexpr double kTokensPerPriceUnit = 1'000'000.0;
constexpr std::size_t kCharactersPerToken = 4;

double as_double(std::uint64_t count) {
  return static_cast<double>(count);
}

}  // namespace

LlmUsage openai_llm_usage(std::uint64_t prompt_tokens, std::uint64_t cached_tokens,
                          std::uint64_t completion_tokens) {
  const std::uint64_t cached = std::min(cached_tokens, prompt_tokens);
  return LlmUsage{prompt_tokens - cached, completion_tokens, cached, 0};
}

std::uint64_t estimate_tokens(std::size_t characters) {
  return (characters + kCharactersPerToken - 1) / kCharactersPerToken;
}

TokenCost price_llm(const LlmPrice& price, const LlmUsage& usage) {
  const double cache_read_rate = price.cache_read.value_or(price.input);
  const double cache_write_rate = price.cache_write.value_or(price.input);
  const double usd = as_double(usage.input_tokens) * price.input +
                     as_double(usage.output_tokens) * price.output +
                     as_double(usage.cache_read_tokens) * cache_read_rate +
                     as_double(usage.cache_write_tokens) * cache_write_rate;
  const double savings = as_double(usage.cache_read_tokens) * (price.input - cache_read_rate);
  return {usd / kTokensPerPriceUnit, savings / kTokensPerPriceUnit};
}

TokenCost price_realtime(const RealtimePrice& price, const RealtimeUsage& usage) {
  const double audio_in = as_double(usage.input_audio_tokens);
  const double text_in = as_double(usage.input_text_tokens);
  double cached_audio = 0.0;
  double cached_text = 0.0;
  if (usage.cached_audio_tokens || usage.cached_text_tokens) {
    cached_audio = std::min(as_double(usage.cached_audio_tokens.value_or(0)), audio_in);
    cached_text = std::min(as_double(usage.cached_text_tokens.value_or(0)), text_in);
  } else if (usage.cached_tokens && audio_in + text_in > 0.0) {
    const double cached = std::min(as_double(*usage.cached_tokens), audio_in + text_in);
    cached_audio = cached * audio_in / (audio_in + text_in);
    cached_text = cached - cached_audio;
  }
  const double usd =
      (audio_in - cached_audio) * price.audio_input + cached_audio * price.cached_audio_input +
      (text_in - cached_text) * price.text_input + cached_text * price.cached_text_input +
      as_double(usage.output_audio_tokens) * price.audio_output +
      as_double(usage.output_text_tokens) * price.text_output;
  const double savings = cached_audio * (price.audio_input - price.cached_audio_input) +
                         cached_text * (price.text_input - price.cached_text_input);
  return {usd, savings};
}

double audio_seconds(std::size_t bytes, int sample_rate, int bytes_per_sample) {
  if (sample_rate <= 0 || bytes_per_sample <= 0) return 0.0;
  return static_cast<double>(bytes) / (static_cast<double>(sample_rate) * bytes_per_sample);
}

double round_to_micro_dollars(double usd) {
  return std::round(usd * 1e6) / 1e6;
}

CallCostAccumulator::CallCostAccumulator(PricingTable pricing, CallProviders providers)
    : pricing_(std::move(pricing)), providers_(std::move(providers)) {}

void CallCostAccumulator::add_stt_audio(std::size_t bytes, int sample_rate, int bytes_per_sample) {
  add_stt_seconds(audio_seconds(bytes, sample_rate, bytes_per_sample));
}

void CallCostAccumulator::add_stt_seconds(double seconds) {
  stt_seconds_ += seconds;
  stt_segment_seconds_ += seconds;
}

void CallCostAccumulator::use_stt_provider(std::string provider, std::string model) {
  if (provider == providers_.stt && model == providers_.stt_model) return;
  stt_earlier_usd_ += price_duration(pricing_.provider(providers_.stt, providers_.stt_model),
                                     stt_segment_seconds_);
  stt_segment_seconds_ = 0.0;
  providers_.stt = std::move(provider);
  providers_.stt_model = std::move(model);
}

void CallCostAccumulator::add_tts_text(std::string_view text) {
  add_tts_characters(utf8::length(text));
}

void CallCostAccumulator::add_tts_text(std::string_view text, std::string_view provider) {
  use_tts_provider(provider);
  add_tts_characters(utf8::length(text));
}

void CallCostAccumulator::add_tts_characters(std::size_t characters) {
  tts_characters_ += characters;
  tts_segment_characters_ += characters;
}

void CallCostAccumulator::use_tts_provider(std::string_view provider) {
  if (provider == providers_.tts) return;
  tts_earlier_usd_ +=
      price_characters(pricing_.provider(providers_.tts), tts_segment_characters_);
  tts_segment_characters_ = 0;
  providers_.tts = provider;
}

void CallCostAccumulator::add_llm_usage(std::string_view model, const LlmUsage& usage) {
  const auto price = pricing_.llm_model(model);
  if (!price) return;
  const TokenCost cost = price_llm(*price, usage);
  llm_.usd += cost.usd;
  llm_.cached_savings += cost.cached_savings;
}

void CallCostAccumulator::add_estimated_llm_usage(std::string_view model,
                                                  std::size_t prompt_characters,
                                                  std::size_t completion_characters) {
  LlmUsage usage;
  usage.input_tokens = estimate_tokens(prompt_characters);
  usage.output_tokens = estimate_tokens(completion_characters);
  add_llm_usage(model, usage);
}

void CallCostAccumulator::add_realtime_usage(const RealtimeUsage& usage) {
  const TokenCost cost = price_realtime(pricing_.realtime(), usage);
  llm_.usd += cost.usd;
  llm_.cached_savings += cost.cached_savings;
}

void CallCostAccumulator::add_realtime_usage(std::string_view model, const RealtimeUsage& usage) {
  const TokenCost cost = price_realtime(pricing_.realtime(model), usage);
  llm_.usd += cost.usd;
  llm_.cached_savings += cost.cached_savings;
}

CostBreakdown CallCostAccumulator::breakdown() const {
  CostBreakdown out;
  out.stt = round_to_micro_dollars(actual_stt_usd_.value_or(
      stt_earlier_usd_ + price_duration(pricing_.provider(providers_.stt, providers_.stt_model),
                                        stt_segment_seconds_)));
  out.tts = round_to_micro_dollars(
      tts_earlier_usd_ +
      price_characters(pricing_.provider(providers_.tts), tts_segment_characters_));
  out.llm = round_to_micro_dollars(llm_.usd);
  out.telephony = round_to_micro_dollars(actual_telephony_usd_.value_or(
      price_duration(pricing_.provider(providers_.telephony), call_seconds_)));
  out.total = round_to_micro_dollars(out.stt + out.tts + out.llm + out.telephony);
  out.llm_cached_savings = round_to_micro_dollars(llm_.cached_savings);
  return out;
}

}  // namespace patter::session
