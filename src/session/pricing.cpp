#include "session/pricing.hpp"

#include <cmath>

namespace patter::session {

PricingTable PricingTable::defaults() {
  PricingTable table;
  auto& p = table.providers_;
  // Speech-to-text, per minute.
  p["deepgram"] = {Billing::kPerMinute, 0.0077};
  p["whisper"] = {Billing::kPerMinute, 0.006};
  p["assemblyai"] = {Billing::kPerMinute, 0.0025};
  p["cartesia_stt"] = {Billing::kPerMinute, 0.0025};
  p["soniox"] = {Billing::kPerMinute, 0.002};
  p["speechmatics"] = {Billing::kPerMinute, 0.004};
  p["openai_transcribe"] = {Billing::kPerMinute, 0.006};
  p["openai_transcribe:gpt-4o-transcribe"] = {Billing::kPerMinute, 0.006};
  p["openai_transcribe:gpt-4o-mini-transcribe"] = {Billing::kPerMinute, 0.003};
  // Text-to-speech, per 1,000 characters. The ElevenLabs WebSocket bills like its HTTP API.
  p["elevenlabs"] = {Billing::kPerThousandChars, 0.06};
  p["elevenlabs_ws"] = {Billing::kPerThousandChars, 0.06};
  p["openai_tts"] = {Billing::kPerThousandChars, 0.015};
  p["openai_tts_hd"] = {Billing::kPerThousandChars, 0.030};
  p["cartesia_tts"] = {Billing::kPerThousandChars, 0.030};
  p["rime"] = {Billing::kPerThousandChars, 0.030};
  p["lmnt"] = {Billing::kPerThousandChars, 0.050};
  // Telephony, per minute of call.
  p["twilio"] = {Billing::kPerStartedMinute, 0.0085};
  p["telnyx"] = {Billing::kPerStartedSecond, 0.007};

  auto& m = table.llm_models_;
  m["gpt-4o"] = {2.5, 10.0, 1.25, std::nullopt};
  m["gpt-4o-mini"] = {0.15, 0.6, 0.075, std::nullopt};
  m["gpt-4.1"] = {3.0, 12.0, 0.75, std::nullopt};
  m["gpt-4.1-mini"] = {0.8, 3.2, 0.2, std::nullopt};
  m["o3"] = {2.0, 8.0, 0.5, std::nullopt};
  m["o4-mini"] = {1.1, 4.4, 0.275, std::nullopt};
  m["claude-opus-4-7"] = {15.0, 75.0, 1.5, 18.75};
  m["claude-sonnet-4-6"] = {3.0, 15.0, 0.3, 3.75};
  m["claude-haiku-4-5"] = {1.0, 5.0, 0.1, 1.25};
  m["gemini-2.5-pro"] = {1.25, 10.0, std::nullopt, std::nullopt};
  m["gemini-2.5-flash"] = {0.3, 2.5, std::nullopt, std::nullopt};
  m["gemini-live-2.5-flash-native-audio"] = {0.3, 2.5, std::nullopt, std::nullopt};
  m["llama-3.3-70b-versatile"] = {0.59, 0.79, std::nullopt, std::nullopt};
  m["llama-3.1-8b-instant"] = {0.05, 0.08, std::nullopt, std::nullopt};
  m["llama-3.3-70b"] = {0.85, 1.2, std::nullopt, std::nullopt};
  m["qwen-3-32b"] = {0.4, 0.8, std::nullopt, std::nullopt};

  // OpenAI Realtime models, published USD per 1M tokens: audio in, audio out, text in, text
  // out, cached audio in, cached text in.
  auto per_million = [](double audio_in, double audio_out, double text_in, double text_out,
                        double cached_audio, double cached_text) {
    constexpr double kMillion = 1'000'000.0;
    return RealtimePrice{audio_in / kMillion,  audio_out / kMillion,    text_in / kMillion,
                         text_out / kMillion, cached_audio / kMillion, cached_text / kMillion};
  };
  auto& r = table.realtime_models_;
  r["gpt-realtime"] = per_million(32.0, 64.0, 4.0, 16.0, 0.4, 0.4);
  r["gpt-realtime-mini"] = per_million(10.0, 20.0, 0.6, 2.4, 0.3, 0.06);
  r["gpt-4o-realtime-preview"] = per_million(40.0, 80.0, 5.0, 20.0, 2.5, 2.5);
  r["gpt-4o-mini-realtime-preview"] = per_million(10.0, 20.0, 0.6, 2.4, 0.3, 0.3);
  return table;
}

void PricingTable::set_realtime_model(std::string_view model_prefix, const RealtimePrice& price) {
  realtime_models_[std::string(model_prefix)] = price;
}

const RealtimePrice& PricingTable::realtime(std::string_view model) const {
  const RealtimePrice* best = &realtime_;
  std::size_t best_length = 0;
  for (const auto& [prefix, price] : realtime_models_) {
    if (model.starts_with(prefix) && prefix.size() > best_length) {
      best = &price;
      best_length = prefix.size();
    }
  }
  return *best;
}

void PricingTable::override_provider(std::string_view key, const ProviderPriceOverride& change) {
  const auto entry = providers_.try_emplace(std::string(key)).first;
  if (change.billing) entry->second.billing = *change.billing;
  if (change.usd) entry->second.usd = *change.usd;
}

void PricingTable::override_llm_model(std::string_view model_prefix,
                                      const LlmPriceOverride& change) {
  const auto entry = llm_models_.try_emplace(std::string(model_prefix)).first;
  LlmPrice& price = entry->second;
  if (change.input) price.input = *change.input;
  if (change.output) price.output = *change.output;
  if (change.cache_read) price.cache_read = change.cache_read;
  if (change.cache_write) price.cache_write = change.cache_write;
}

ProviderPrice PricingTable::provider(std::string_view provider, std::string_view model) const {
  if (!model.empty()) {
    const std::string key = std::string(provider) + ":" + std::string(model);
    if (const auto found = providers_.find(key); found != providers_.end()) return found->second;
  }
  if (const auto found = providers_.find(provider); found != providers_.end()) {
    return found->second;
  }
  return {};
}

std::optional<LlmPrice> PricingTable::llm_model(std::string_view model) const {
  const LlmPrice* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [prefix, price] : llm_models_) {
    if (model.starts_with(prefix) && prefix.size() > best_length) {
      best = &price;
      best_length = prefix.size();
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

double price_duration(const ProviderPrice& price, double seconds) {
  if (seconds <= 0.0) return 0.0;
  switch (price.billing) {
    case Billing::kPerMinute:
      return seconds / 60.0 * price.usd;
    case Billing::kPerStartedSecond:
      return std::ceil(seconds) / 60.0 * price.usd;
    case Billing::kPerStartedMinute:
      return std::ceil(seconds / 60.0) * price.usd;
    case Billing::kUnpriced:
    case Billing::kPerThousandChars:
      return 0.0;
  }
  return 0.0;
}

double price_characters(const ProviderPrice& price, std::size_t characters) {
  if (price.billing != Billing::kPerThousandChars) return 0.0;
  return static_cast<double>(characters) / 1000.0 * price.usd;
}

}  // namespace patter::session
