#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace patter::session {

inline constexpr std::string_view kPricingVersion = "2026.2";

enum class Billing {
  kUnpriced,          // no known price: bills $0
  kPerMinute,         // usd per minute, prorated to the exact duration
  kPerStartedSecond,  // usd per minute, each started second billed (Telnyx)
  kPerStartedMinute,  // usd per minute, each started minute billed (Twilio)
  kPerThousandChars,  // usd per 1,000 characters (TTS)
};

struct ProviderPrice {
  Billing billing = Billing::kUnpriced;
  double usd = 0.0;
};

// A user override: only the fields given replace the table's.
struct ProviderPriceOverride {
  std::optional<Billing> billing;
  std::optional<double> usd;
};

// USD per million tokens. A missing cache rate bills those tokens at the input rate.
struct LlmPrice {
  double input = 0.0;
  double output = 0.0;
  std::optional<double> cache_read;
  std::optional<double> cache_write;
};

struct LlmPriceOverride {
  std::optional<double> input;
  std::optional<double> output;
  std::optional<double> cache_read;
  std::optional<double> cache_write;
};

// OpenAI Realtime, USD per token.
struct RealtimePrice {
  double audio_input = 1e-5;
  double audio_output = 2e-5;
  double text_input = 6e-7;
  double text_output = 2.4e-6;
  double cached_audio_input = 3e-7;
  double cached_text_input = 6e-8;
};

// Prices of STT, TTS and telephony providers (by provider key, optionally "provider:model"),
// LLMs (by model name, matched on the longest known prefix) and OpenAI Realtime.
class PricingTable {
 public:
  // The built-in table of kPricingVersion.
  static PricingTable defaults();

  [[nodiscard]] std::string_view version() const { return version_; }

  void override_provider(std::string_view key, const ProviderPriceOverride& change);
  void override_llm_model(std::string_view model_prefix, const LlmPriceOverride& change);
  void set_realtime(const RealtimePrice& price) { realtime_ = price; }
  void set_realtime_model(std::string_view model_prefix, const RealtimePrice& price);

  // "provider:model" when listed, else "provider", else unpriced.
  [[nodiscard]] ProviderPrice provider(std::string_view provider,
                                       std::string_view model = {}) const;
  [[nodiscard]] std::optional<LlmPrice> llm_model(std::string_view model) const;
  [[nodiscard]] const RealtimePrice& realtime() const { return realtime_; }
  // The realtime model's price (longest known prefix), else realtime().
  [[nodiscard]] const RealtimePrice& realtime(std::string_view model) const;

 private:
  std::string version_{kPricingVersion};
  std::map<std::string, ProviderPrice, std::less<>> providers_;
  std::map<std::string, LlmPrice, std::less<>> llm_models_;
  RealtimePrice realtime_;
  std::map<std::string, RealtimePrice, std::less<>> realtime_models_;
};

// Cost of `seconds` of audio or call time; 0 unless the price is time-based.
double price_duration(const ProviderPrice& price, double seconds);
// Cost of synthesising `characters`; 0 unless the price is per character.
double price_characters(const ProviderPrice& price, std::size_t characters);

}  // namespace patter::session
