// One call's per-frame path in each direction, message to message, as patter serve runs it for
// a Twilio call on a μ-law pipeline (Deepgram in, ElevenLabs ulaw_8000 out):
//   in:  Twilio media JSON → base64 → μ-law decode → Silero VAD → STT hand-off (μ-law as is)
//   out: TTS audio → framing → pacing → Twilio media JSON (base64) → socket write
// Each stage alone, then the whole path. "send" is a real write to a loopback TCP socket (the
// kernel's part of a WebSocket send; the framing adds a 4-byte header). Virtual clock, so only
// CPU time is measured.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "audio/mulaw.hpp"
#include "audio/wav.hpp"
#include "carriers/twilio/media_messages.hpp"
#include "core/base64.hpp"
#include "core/manual_clock.hpp"
#include "core/manual_executor.hpp"
#include "session/call_session.hpp"
#include "turn/vad_factory.hpp"

namespace {

using namespace std::chrono_literals;
using namespace patter;
namespace twilio = carriers::twilio;

constexpr std::string_view kStreamSid = "MZ0123456789abcdef0123456789abcdef";

// A connected loopback TCP pair: what one side writes, the other drains.
class LoopbackPair {
 public:
  LoopbackPair() {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("no loopback listener");
    }
    writer_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(writer_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("no loopback connection");
    }
    reader_ = ::accept(listener, nullptr, nullptr);
    ::close(listener);
  }
  ~LoopbackPair() {
    ::close(writer_);
    ::close(reader_);
  }
  LoopbackPair(const LoopbackPair&) = delete;
  LoopbackPair& operator=(const LoopbackPair&) = delete;

  // Writes a WebSocket text frame's header and payload, then drains the other end.
  void send(std::string_view message) {
    const std::array<char, 4> header{static_cast<char>(0x81), 126, static_cast<char>(message.size() >> 8),
                                     static_cast<char>(message.size() & 0xFF)};
    benchmark::DoNotOptimize(::send(writer_, header.data(), header.size(), MSG_NOSIGNAL | MSG_MORE));
    benchmark::DoNotOptimize(::send(writer_, message.data(), message.size(), MSG_NOSIGNAL));
    benchmark::DoNotOptimize(::recv(reader_, drain_.data(), drain_.size(), MSG_DONTWAIT));
  }

 private:
  int writer_ = -1;
  int reader_ = -1;
  std::array<char, 65536> drain_{};
};

// The Twilio line as the server has it: each frame becomes a media message, written out.
class TwilioMessageLine final : public session::CarrierLink {
 public:
  explicit TwilioMessageLine(LoopbackPair* socket) : socket_(socket) {}
  std::string name() const override { return "twilio"; }
  audio::AudioFormat audio_format() const override { return audio::kTelephonyMulaw; }
  bool supports_marks() const override { return false; }
  void send_audio(std::span<const std::uint8_t> frame) override {
    const std::string message = twilio::media_json(kStreamSid, frame);
    bytes += message.size();
    if (socket_ != nullptr) socket_->send(message);
  }
  void send_mark(std::string_view) override {}
  void clear_audio() override {}
  void hang_up() override {}
  void transfer(std::string_view) override {}
  void send_dtmf(std::string_view) override {}
  std::size_t bytes = 0;

 private:
  LoopbackPair* socket_;
};

// Deepgram takes the carrier's μ-law as it is; the hand-off is the STT client's send, here a
// binary frame written to a socket.
class SocketStt final : public SttProvider {
 public:
  struct Stream final : SttStream {
    explicit Stream(LoopbackPair* socket) : socket(socket) {}
    void push_audio(std::span<const std::uint8_t> bytes) override {
      if (socket != nullptr) socket->send({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    }
    void finalize() override {}
    void close() override {}
    LoopbackPair* socket;
  };
  explicit SocketStt(LoopbackPair* socket) : socket_(socket) {}
  std::string name() const override { return "deepgram"; }
  AudioFormat input_format() const override { return kTelephonyMulaw; }
  std::unique_ptr<SttStream> open(const StreamContext&, SttEvents) override {
    return std::make_unique<Stream>(socket_);
  }

 private:
  LoopbackPair* socket_;
};

class NullLlm final : public LlmProvider {
 public:
  std::string name() const override { return "openai"; }
  std::string model() const override { return "gpt-4o-mini"; }
  std::unique_ptr<LlmStream> stream(const StreamContext&, LlmRequest, LlmEvents) override { return nullptr; }
};

// ElevenLabs with ulaw_8000: the bench pushes the audio through the captured events.
class CapturingTts final : public TtsProvider {
 public:
  struct Stream final : TtsStream {
    void cancel() override {}
  };
  std::string name() const override { return "elevenlabs"; }
  AudioFormat output_format() const override { return kTelephonyMulaw; }
  std::unique_ptr<TtsStream> synthesize(const StreamContext&, std::string, TtsEvents events) override {
    captured = std::move(events);
    return std::make_unique<Stream>();
  }
  TtsEvents captured;
};

std::shared_ptr<const turn::SileroModel> silero() {
  static const auto load = turn::load_silero_model();
  return load.model;
}

struct Call {
  core::ManualClock clock;
  std::shared_ptr<core::ManualExecutor> executor = std::make_shared<core::ManualExecutor>();
  std::shared_ptr<TwilioMessageLine> line;
  std::shared_ptr<CapturingTts> tts = std::make_shared<CapturingTts>();
  std::shared_ptr<session::CallSession> session;

  Call(LoopbackPair* socket, std::string first_message) : line(std::make_shared<TwilioMessageLine>(socket)) {
    Agent agent;
    agent.system_prompt = "bench";
    agent.first_message = std::move(first_message);
    agent.stt = std::make_shared<SocketStt>(socket);
    agent.llm = std::make_shared<NullLlm>();
    agent.tts = tts;
    session::SessionServices services;
    services.clock = &clock;
    services.executor = executor;
    services.user_lane = executor;
    services.vad_model = silero();
    session::CallSetup setup;
    setup.parties = CallParties{"CAbench", "+15550001111", "+15550002222"};
    session = session::CallSession::create(agent, {}, services, setup, line);
    session->start();
    executor->run_pending();
  }
};

std::vector<std::uint8_t> tone_frame(int index) {
  std::vector<std::uint8_t> frame(160);
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double t = static_cast<double>(index * 160 + static_cast<int>(i)) / 8000.0;
    frame[i] = audio::mulaw_encode(static_cast<std::int16_t>(9000 * std::sin(2 * std::numbers::pi * 180 * t)));
  }
  return frame;
}

// What the caller sends: speech (a recorded clip, looped; the VAD hears speech, so every frame
// goes on to speech-to-text at once) or digital silence (the VAD settles and stops inferring,
// and speech-to-text gets 100 ms chunks).
enum class CallerAudio : std::int64_t { speech = 0, silence = 1 };

std::vector<std::vector<std::uint8_t>> caller_frames(CallerAudio kind) {
  constexpr std::size_t kFrame = 160;
  if (kind == CallerAudio::silence) return {std::vector<std::uint8_t>(kFrame, 0xFF)};
  const auto samples = audio::read_wav_file(PATTER_BENCH_SPEECH_WAV).samples();
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::size_t start = 0; start + kFrame <= samples.size(); start += kFrame) {
    std::vector<std::uint8_t> frame(kFrame);
    for (std::size_t i = 0; i < kFrame; ++i) frame[i] = audio::mulaw_encode(samples[start + i]);
    frames.push_back(std::move(frame));
  }
  return frames;
}

const char* label(CallerAudio kind) { return kind == CallerAudio::speech ? "caller speaking" : "digital silence"; }

// Twilio's inbound media messages for the caller's frames, as they arrive.
std::vector<std::string> inbound_messages(CallerAudio kind) {
  std::vector<std::string> messages;
  const auto frames = caller_frames(kind);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& frame = frames[i];
    messages.push_back(R"({"event":"media","sequenceNumber":")" + std::to_string(i + 3) +
                       R"(","media":{"track":"inbound","chunk":")" + std::to_string(i + 1) +
                       R"(","timestamp":")" + std::to_string(i * 20) + R"(","payload":")" +
                       core::encode_base64(frame) + R"("},"streamSid":")" + std::string(kStreamSid) + "\"}");
  }
  return messages;
}

bool need_silero(benchmark::State& state) {
  if (silero()) return true;
  state.SkipWithError("the Silero model is not installed");
  return false;
}

// In, stage 1: JSON and base64 of one Twilio media message.
void BM_InParse(benchmark::State& state) {
  const auto messages = inbound_messages(CallerAudio::speech);
  std::size_t next = 0;
  for (auto _ : state) {
    auto parsed = twilio::parse_media_message(messages[next]);
    benchmark::DoNotOptimize(parsed);
    next = (next + 1) % messages.size();
  }
}
BENCHMARK(BM_InParse);

// In, stage 2: the call's part: μ-law decode, Silero VAD, barge-in logic, STT hand-off.
void BM_InSession(benchmark::State& state) {
  if (!need_silero(state)) return;
  const auto kind = static_cast<CallerAudio>(state.range(0));
  Call call(nullptr, {});
  const auto frames = caller_frames(kind);
  std::size_t next = 0;
  for (auto _ : state) {
    call.session->on_caller_audio(frames[next]);
    next = (next + 1) % frames.size();
    call.clock.advance(20ms);
    call.executor->run_pending();
  }
  state.SetLabel(label(kind));
}
BENCHMARK(BM_InSession)->Arg(0)->Arg(1);

// In, whole: message parsed, handed to the call, audio written to the STT socket.
void BM_InFrame(benchmark::State& state) {
  if (!need_silero(state)) return;
  const auto kind = static_cast<CallerAudio>(state.range(0));
  LoopbackPair socket;
  Call call(&socket, {});
  const auto messages = inbound_messages(kind);
  std::size_t next = 0;
  for (auto _ : state) {
    auto parsed = twilio::parse_media_message(messages[next]);
    call.session->on_caller_audio(std::get<twilio::Media>(parsed).payload);
    next = (next + 1) % messages.size();
    call.clock.advance(20ms);
    call.executor->run_pending();
  }
  state.SetLabel(label(kind));
}
BENCHMARK(BM_InFrame)->Arg(0)->Arg(1);

// Out, stage 1: one Twilio media message (base64 and JSON).
void BM_OutMessage(benchmark::State& state) {
  const auto frame = tone_frame(0);
  for (auto _ : state) {
    auto message = twilio::media_json(kStreamSid, frame);
    benchmark::DoNotOptimize(message);
  }
}
BENCHMARK(BM_OutMessage);

// Out, whole: 20 ms of μ-law from TTS through the call's framing and pacing into a media
// message written to the caller's socket.
void BM_OutFrame(benchmark::State& state) {
  LoopbackPair socket;
  const bool write = state.range(0) == 1;
  Call call(write ? &socket : nullptr, "A first message that keeps the agent speaking for the whole benchmark.");
  const auto chunk = tone_frame(1);
  for (auto _ : state) {
    call.tts->captured.on_audio(chunk);
    call.executor->run_pending();
    call.clock.advance(20ms);
  }
  benchmark::DoNotOptimize(call.line->bytes);
  state.SetLabel(write ? "with socket write" : "no write");
}
BENCHMARK(BM_OutFrame)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
