#pragma once

// Providers that run inside the process, with no network and no credentials: espeak-ng speech,
// pocketsphinx recognition and a keyword rules "model". Enough for demos and tests; swap in cloud
// providers for production quality.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <patter/providers.hpp>

namespace patter::embedded {

struct EspeakOptions {
  std::string voice;  // an espeak-ng voice or a language code; empty: the call's language
  int words_per_minute = 175;
  int pitch = 50;  // 0..99
  int sample_rate = 16000;
};
// All espeak voices share one espeak-ng engine, created on first use.
std::shared_ptr<TtsProvider> espeak_tts(EspeakOptions options = {});

struct PocketsphinxOptions {
  // When set, every utterance is matched to one of these lower-case phrases: far more accurate
  // than open dictation for small demos.
  std::vector<std::string> phrases;
  std::string jsgf_grammar;  // a full JSGF grammar instead of phrases
};
std::shared_ptr<SttProvider> pocketsphinx_stt(PocketsphinxOptions options = {});

struct Rule {
  std::vector<std::string> keywords;  // any of them, as whole words, in the caller's last turn
  std::string reply;
  std::optional<ToolCall> tool_call;  // e.g. {"", "end_call", "{}"} to hang up after replying
};
struct RulesOptions {
  std::vector<Rule> rules;  // the first matching rule answers
  std::string fallback_reply = "Sorry, I did not catch that. Could you say it again?";
};
std::shared_ptr<LlmProvider> rules_brain(RulesOptions options);

}  // namespace patter::embedded
