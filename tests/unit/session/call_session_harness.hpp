#pragma once

// A call on a virtual clock with an in-process carrier and scripted providers: everything
// asynchronous waits in manual executors until settle(), so tests control time exactly.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <patter/agent.hpp>
#include <patter/callbacks.hpp>

#include "core/manual_clock.hpp"
#include "core/manual_executor.hpp"
#include "session/call_session.hpp"

namespace patter::testing {

using namespace std::chrono_literals;
using Ms = std::chrono::milliseconds;

// Behaves like Twilio's media stream: plays received frames back to back at real-time pace and
// echoes each mark once the audio sent before it has played; clear drops unplayed audio.
class FakeCarrier final : public session::CarrierLink {
 public:
  struct SentFrame {
    core::TimePoint at;
    std::size_t bytes;
    bool loud;
  };
  FakeCarrier(core::ManualClock& clock, bool marks, std::string name = "twilio")
      : clock_(clock), marks_(marks), name_(std::move(name)) {}

  std::string name() const override { return name_; }
  audio::AudioFormat audio_format() const override { return audio::kTelephonyMulaw; }
  bool supports_marks() const override { return marks_; }
  void send_audio(std::span<const std::uint8_t> frame) override;
  void send_mark(std::string_view name) override;
  void clear_audio() override;
  void send_text(std::string_view sentence) override { texts.emplace_back(sentence); }
  void hang_up() override { ++hang_ups; }
  void transfer(std::string_view target) override { transfers.emplace_back(target); }
  void send_dtmf(std::string_view digits) override { dtmf.emplace_back(digits); }

  void attach(std::weak_ptr<session::CallSession> session) { session_ = std::move(session); }
  // Frames sent after `at` (strictly).
  std::size_t frames_after(core::TimePoint at) const;

  std::vector<SentFrame> frames;
  std::vector<std::string> marks_sent;
  std::vector<std::string> marks_echoed;
  std::vector<core::TimePoint> clears;
  std::vector<std::string> texts;
  std::vector<std::string> transfers;
  std::vector<std::string> dtmf;
  int hang_ups = 0;
  bool echo_marks = true;

 private:
  core::ManualClock& clock_;
  bool marks_;
  std::string name_;
  std::weak_ptr<session::CallSession> session_;
  core::TimePoint playing_until_{};
  std::deque<core::Timer> mark_timers_;
};

// Speech-to-text under the test's control: finals are scripted and delivered a fixed delay
// after the session asks for them (finalize), or emitted directly.
class FakeStt final : public SttProvider {
 public:
  explicit FakeStt(core::ManualClock& clock) : clock_(clock) {}
  std::string name() const override { return "deepgram"; }
  std::string model() const override { return "nova-3"; }
  AudioFormat input_format() const override { return kPcm16k; }
  std::unique_ptr<SttStream> open(const StreamContext& context, SttEvents events) override;

  // As a fallback chain does when it moves the call to another provider.
  void announce(const std::string& provider, const std::string& model);
  void emit_partial(const std::string& text);
  void emit_final(const std::string& text);
  // The next finalize() delivers `text` as a final after `delay`.
  void script_final(std::string text, core::Duration delay = 0ms) {
    scripted_.push_back({std::move(text), delay});
  }

  std::size_t bytes_received = 0;
  std::vector<std::pair<core::TimePoint, std::size_t>> pushes;  // when, how many bytes
  core::TimePoint final_emitted_at{};
  int finalize_calls = 0;
  int opened = 0;
  bool closed = false;

 private:
  friend class FakeSttStream;
  core::ManualClock& clock_;
  SttEvents events_;
  std::deque<std::pair<std::string, core::Duration>> scripted_;
  std::deque<core::Timer> timers_;
};

// A language model answering from a script, each answer after its time to first token.
class FakeLlm final : public LlmProvider {
 public:
  struct Answer {
    std::vector<std::string> deltas;
    std::vector<ToolCall> tool_calls;
    core::Duration ttft = 0ms;
    core::Duration per_delta = 0ms;
    std::optional<LlmUsage> usage;
  };
  explicit FakeLlm(core::ManualClock& clock) : clock_(clock) {}
  std::string name() const override { return "openai"; }
  std::string model() const override { return "gpt-4o-mini"; }
  std::unique_ptr<LlmStream> stream(const StreamContext& context, LlmRequest request,
                                    LlmEvents events) override;

  void script(Answer answer) { answers_.push_back(std::move(answer)); }
  void script_text(std::string text, core::Duration ttft = 0ms) {
    script(Answer{{std::move(text)}, {}, ttft, 0ms, std::nullopt});
  }

  std::vector<LlmRequest> requests;
  int cancels = 0;

 private:
  friend class FakeLlmStream;
  core::ManualClock& clock_;
  std::deque<Answer> answers_;
};

// Text-to-speech producing a loud tone of `ms_per_char` per character, in 100 ms chunks, the
// first after `ttfb`. `late_after_cancel` delivers audio even after cancel (a lagging provider).
class FakeTts final : public TtsProvider {
 public:
  explicit FakeTts(core::ManualClock& clock) : clock_(clock) {}
  std::string name() const override { return "elevenlabs"; }
  AudioFormat output_format() const override { return kPcm16k; }
  std::unique_ptr<TtsStream> synthesize(const StreamContext& context, std::string text,
                                        TtsEvents events) override;

  core::Duration ttfb = 0ms;
  core::Duration ms_per_char = 10ms;
  bool late_after_cancel = false;
  // Named to on_provider during synthesize(), one by one, as a fallback voice names its attempts.
  std::vector<std::string> announced_providers;
  std::vector<std::string> sentences;
  int cancels = 0;

 private:
  friend class FakeTtsStream;
  core::ManualClock& clock_;
};

// μ-law frames of 20 ms: a loud 300 Hz tone (speech to the energy VAD) or line silence.
std::vector<std::uint8_t> caller_frame(bool loud);

struct Harness {
  // The agent uses the fakes below, energy VAD and no first message; tests change `agent` and
  // `callbacks` before start().
  explicit Harness(bool marks = true, std::string carrier_name = "twilio");

  // Creates the call, starts it and settles.
  void start();
  // Runs every posted task (call executor and user lane) until none is left.
  void settle();
  // Moves time forward in 1 ms steps, settling at each.
  void advance(core::Duration duration);
  // Sends caller audio for `duration` in 20 ms frames, advancing time as it goes.
  void caller(core::Duration duration, bool loud);
  // Time since the call started, in ms.
  [[nodiscard]] double now_ms() const;
  [[nodiscard]] core::TimePoint now() const { return clock.now(); }
  // Plays silence until the agent has finished speaking (bounded).
  void until_agent_quiet(core::Duration limit = 20s);

  core::ManualClock clock;
  std::shared_ptr<core::ManualExecutor> executor = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<core::ManualExecutor> lane = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<FakeCarrier> carrier;
  std::shared_ptr<FakeStt> stt;
  std::shared_ptr<FakeLlm> llm;
  std::shared_ptr<FakeTts> tts;
  std::shared_ptr<session::CallSession> session;
  core::TimePoint started{};
  Agent agent;
  CallCallbacks callbacks;
  std::shared_ptr<session::ToolWebhookClient> tool_webhooks;
  std::shared_ptr<session::RemoteBrainClient> remote_brain;
};

}  // namespace patter::testing
