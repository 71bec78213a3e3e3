// What one call costs the runtime, per 20 ms of audio, with the providers' own work left out:
// caller audio through decoding, resampling, Silero VAD, barge-in logic and the STT hand-off;
// agent audio through conversion, framing, pacing and the carrier hand-off; and the memory of
// an idle call. Runs on a virtual clock so only CPU time is measured.
#include <benchmark/benchmark.h>

#include <cmath>
#include <fstream>
#include <numbers>
#include <string>

#include "audio/mulaw.hpp"
#include "core/manual_clock.hpp"
#include "core/manual_executor.hpp"
#include "session/call_session.hpp"
#include "turn/vad_factory.hpp"

namespace {

using namespace std::chrono_literals;
using namespace patter;

class NullLine final : public session::CarrierLink {
 public:
  std::string name() const override { return "twilio"; }
  audio::AudioFormat audio_format() const override { return audio::kTelephonyMulaw; }
  bool supports_marks() const override { return false; }
  void send_audio(std::span<const std::uint8_t> frame) override { bytes += frame.size(); }
  void send_mark(std::string_view) override {}
  void clear_audio() override {}
  void hang_up() override {}
  void transfer(std::string_view) override {}
  void send_dtmf(std::string_view) override {}
  std::size_t bytes = 0;
};

class NullSttStream final : public SttStream {
 public:
  void push_audio(std::span<const std::uint8_t> bytes) override { benchmark::DoNotOptimize(bytes.data()); }
  void finalize() override {}
  void close() override {}
};
class NullStt final : public SttProvider {
 public:
  std::string name() const override { return "deepgram"; }
  AudioFormat input_format() const override { return kPcm16k; }
  std::unique_ptr<SttStream> open(const StreamContext&, SttEvents) override {
    return std::make_unique<NullSttStream>();
  }
};
class NullLlm final : public LlmProvider {
 public:
  std::string name() const override { return "openai"; }
  std::string model() const override { return "gpt-4o-mini"; }
  std::unique_ptr<LlmStream> stream(const StreamContext&, LlmRequest, LlmEvents) override { return nullptr; }
};
// Hands the session its audio through `events`, so the bench can push audio as if synthesised.
class CapturingTts final : public TtsProvider {
 public:
  struct Stream final : TtsStream {
    void cancel() override {}
  };
  std::string name() const override { return "elevenlabs"; }
  AudioFormat output_format() const override { return kPcm16k; }
  std::unique_ptr<TtsStream> synthesize(const StreamContext&, std::string, TtsEvents events) override {
    captured = std::move(events);
    return std::make_unique<Stream>();
  }
  TtsEvents captured;
};

struct Call {
  core::ManualClock clock;
  std::shared_ptr<core::ManualExecutor> executor = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<NullLine> line = std::make_shared<NullLine>();
  std::shared_ptr<CapturingTts> tts = std::make_shared<CapturingTts>();
  std::shared_ptr<session::CallSession> session;

  explicit Call(const std::shared_ptr<const turn::SileroModel>& model, std::string first_message = {}) {
    Agent agent;
    agent.system_prompt = "bench";
    agent.first_message = std::move(first_message);
    agent.stt = std::make_shared<NullStt>();
    agent.llm = std::make_shared<NullLlm>();
    agent.tts = tts;
    session::SessionServices services;
    services.clock = &clock;
    services.executor = executor;
    services.user_lane = executor;
    services.vad_model = model;
    session::CallSetup setup;
    setup.parties = CallParties{"CAbench", "+15550001111", "+15550002222"};
    session = session::CallSession::create(agent, {}, services, setup, line);
    session->start();
    executor->run_pending();
  }
};

std::vector<std::uint8_t> speech_frame(int index) {
  std::vector<std::uint8_t> frame(160);
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double t = static_cast<double>(index * 160 + static_cast<int>(i)) / 8000.0;
    frame[i] = audio::mulaw_encode(static_cast<std::int16_t>(9000 * std::sin(2 * std::numbers::pi * 180 * t)));
  }
  return frame;
}

std::shared_ptr<const turn::SileroModel> silero() {
  static const auto load = turn::load_silero_model();
  return load.model;
}

// Caller audio while the agent listens: μ-law decode, 8 kHz Silero VAD, 8→16 kHz for STT.
void BM_CallerFrame(benchmark::State& state) {
  const bool use_silero = state.range(0) == 1;
  if (use_silero && !silero()) {
    state.SkipWithError("the Silero model is not installed");
    return;
  }
  Call call(use_silero ? silero() : nullptr);
  std::vector<std::vector<std::uint8_t>> frames;
  for (int i = 0; i < 50; ++i) frames.push_back(speech_frame(i));
  std::size_t next = 0;
  for (auto _ : state) {
    call.session->on_caller_audio(frames[next]);
    next = (next + 1) % frames.size();
    call.clock.advance(20ms);
    call.executor->run_pending();
  }
  state.SetLabel(use_silero ? "silero" : "energy");
}
BENCHMARK(BM_CallerFrame)->Arg(0)->Arg(1);

// Agent audio: 20 ms of 16 kHz PCM from TTS → 8 kHz μ-law frames, paced to the carrier.
void BM_AgentFrame(benchmark::State& state) {
  Call call(nullptr, "A first message that keeps the agent speaking for the whole benchmark.");
  std::vector<std::uint8_t> chunk(640);
  for (std::size_t i = 0; i < 320; ++i) {
    const auto sample = static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 220 * static_cast<double>(i) / 16000.0));
    chunk[2 * i] = static_cast<std::uint8_t>(sample & 0xFF);
    chunk[2 * i + 1] = static_cast<std::uint8_t>((sample >> 8) & 0xFF);
  }
  for (auto _ : state) {
    call.tts->captured.on_audio(chunk);
    call.executor->run_pending();
    call.clock.advance(20ms);
  }
  benchmark::DoNotOptimize(call.line->bytes);
}
BENCHMARK(BM_AgentFrame);

std::size_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
  }
  return 0;
}

// Resident memory per idle call (Silero VAD state included when the model is installed).
void BM_IdleCallMemory(benchmark::State& state) {
  const auto calls = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    const std::size_t before = resident_kib();
    std::vector<std::unique_ptr<Call>> live;
    live.reserve(calls);
    for (std::size_t i = 0; i < calls; ++i) live.push_back(std::make_unique<Call>(silero()));
    const std::size_t after = resident_kib();
    state.counters["KiB_per_call"] = static_cast<double>(after - before) / static_cast<double>(calls);
  }
}
BENCHMARK(BM_IdleCallMemory)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
