#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <patter/engine.hpp>
#include <patter/hooks.hpp>
#include <patter/providers.hpp>
#include <patter/tools.hpp>

namespace patter {

// ---- barge-in ----

struct BargeInContext {
  std::string transcript;  // what the caller has said since their speech started
  bool is_final = false;
  bool agent_speaking = false;  // the agent's audio is still playing
};

// Decides whether caller speech heard while the agent talks is a real interruption. With
// strategies set, speech past the gate only makes a barge-in pending; the agent keeps talking
// until a strategy confirms it (any strategy suffices) or the confirmation window ends.
class BargeInStrategy {
 public:
  virtual ~BargeInStrategy() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  virtual bool evaluate(const BargeInContext& context) = 0;
  virtual void reset() {}
};

// Confirms once the caller has said `min_words` words while the agent speaks, or one word when
// the agent has gone quiet.
class MinWordsStrategy final : public BargeInStrategy {
 public:
  explicit MinWordsStrategy(std::size_t min_words = 2) : min_words_(min_words) {}
  [[nodiscard]] std::string name() const override { return "min_words"; }
  bool evaluate(const BargeInContext& context) override;
  [[nodiscard]] std::size_t min_words() const { return min_words_; }

 private:
  std::size_t min_words_;
};

struct BargeInOptions {
  bool enabled = true;
  // Caller speech is ignored for this long after the first audio of an agent turn went out (the
  // PSTN echo of that audio comes back within 100-200 ms). Speech heard during the gate is
  // replayed to speech-to-text when it ends.
  std::chrono::milliseconds gate{100};
  // How long a pending barge-in waits for a strategy to confirm it.
  std::chrono::milliseconds confirm_window{1500};
  std::vector<std::shared_ptr<BargeInStrategy>> strategies;
  // After an interruption with no words (a cough, a door), the agent goes on with what it had
  // not yet said when the caller has produced no transcript for this long. Zero turns it off.
  std::chrono::milliseconds resume_after_false_interruption{2000};
};

// ---- voice activity detection ----

struct VadSettings {
  bool enabled = true;
  std::string model_path;  // empty: the installed Silero model, else an energy detector
  double activation_threshold = 0.5;
  double deactivation_threshold = 0.35;
  std::chrono::milliseconds min_speech{50};
  std::chrono::milliseconds min_silence{550};
};

// ---- when a final transcript becomes a user turn ----

struct TurnCommitOptions {
  // Finals that are only one of these (lower-cased, trailing .,!?;: removed) are dropped: speech
  // recognisers invent them from noise.
  std::vector<std::string> hallucinations = {"you",  "thank you", "thanks", "yeah", "yes", "no",
                                             "okay", "ok",        "uh",     "um",   "mmm", "hmm",
                                             ".",    "bye",       "right",  "cool"};
  std::chrono::milliseconds duplicate_window{2000};  // same text as the previous final
  std::chrono::milliseconds min_gap{500};            // since the previous commit
};

// ---- the agent ----

struct Agent {
  std::string system_prompt;  // may hold {variable} placeholders
  std::string first_message;  // spoken as soon as the call starts; empty = wait for the caller
  std::string language = "en";
  std::string voice = "alloy";
  std::string model = "gpt-4o-mini-realtime-preview";

  std::shared_ptr<SttProvider> stt;
  std::shared_ptr<LlmProvider> llm;
  std::shared_ptr<TtsProvider> tts;
  // A speech-to-speech engine (OpenAI Realtime, ElevenLabs ConvAI) instead of stt + llm + tts:
  // the call runs in realtime mode.
  std::shared_ptr<RealtimeEngine> engine;

  std::vector<Tool> tools;
  // transfer_call and end_call, offered to the model alongside `tools`.
  bool builtin_tools = true;
  std::vector<Guardrail> guardrails;
  PipelineHooks hooks;
  std::vector<TextTransform> text_transforms;
  std::map<std::string, std::string> variables;

  VadSettings vad;
  BargeInOptions barge_in;
  // 0 keeps caller audio from speech-to-text while the agent speaks (no barge-in at all).
  int barge_in_threshold_ms = 300;
  TurnCommitOptions turn_commit;
  bool aggressive_first_flush = false;
  std::size_t max_tool_iterations = 10;

  bool prewarm = true;
  bool prewarm_first_message = false;
  bool echo_cancellation = false;
};

}  // namespace patter
