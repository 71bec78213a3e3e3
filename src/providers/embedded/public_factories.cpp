// include/patter/embedded.hpp over the embedded engines.

#include <patter/embedded.hpp>

#include <mutex>

#include "providers/embedded/espeak_tts.hpp"
#include "providers/embedded/pocketsphinx_stt.hpp"
#include "providers/embedded/rules_brain.hpp"

namespace patter::embedded {

namespace {

// espeak-ng allows one engine per process: every provider made here shares it, and it lives as
// long as one of them does.
std::shared_ptr<providers::EspeakEngine> shared_espeak_engine() {
  static std::mutex mutex;
  static std::weak_ptr<providers::EspeakEngine> engine;
  const std::lock_guard lock(mutex);
  auto live = engine.lock();
  if (!live) {
    live = std::make_shared<providers::EspeakEngine>();
    engine = live;
  }
  return live;
}

}  // namespace

std::shared_ptr<TtsProvider> espeak_tts(EspeakOptions options) {
  providers::EspeakTtsOptions tts;
  tts.voice = std::move(options.voice);
  tts.rate_wpm = options.words_per_minute;
  tts.pitch = options.pitch;
  tts.sample_rate = options.sample_rate;
  return std::make_shared<providers::EspeakTts>(shared_espeak_engine(), std::move(tts));
}

std::shared_ptr<SttProvider> pocketsphinx_stt(PocketsphinxOptions options) {
  providers::PocketsphinxSttOptions stt;
  stt.recognizer.phrases = std::move(options.phrases);
  stt.recognizer.jsgf = std::move(options.jsgf_grammar);
  return std::make_shared<providers::PocketsphinxStt>(std::move(stt));
}

std::shared_ptr<LlmProvider> rules_brain(RulesOptions options) {
  providers::RulesBrainOptions brain;
  for (auto& rule : options.rules) {
    providers::BrainRule converted;
    converted.keywords = std::move(rule.keywords);
    converted.reply = std::move(rule.reply);
    if (rule.tool_call) {
      converted.tool_call = providers::RuleToolCall{rule.tool_call->name, rule.tool_call->arguments.empty()
                                                                            ? std::string("{}")
                                                                            : rule.tool_call->arguments};
    }
    brain.rules.push_back(std::move(converted));
  }
  brain.fallback_reply = std::move(options.fallback_reply);
  return std::make_shared<providers::RulesBrain>(std::move(brain));
}

}  // namespace patter::embedded
