#include "call_session_harness.hpp"

#include <cmath>
#include <numbers>

#include "audio/mulaw.hpp"

namespace patter::testing {

namespace {

std::vector<std::uint8_t> pcm_tone(core::Duration duration, int rate) {
  const auto samples = static_cast<std::size_t>(duration.count() * rate / 1'000'000'000);
  std::vector<std::uint8_t> bytes(samples * 2);
  for (std::size_t i = 0; i < samples; ++i) {
    const double value = 0.3 * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(i) / rate);
    const auto sample = static_cast<std::int16_t>(value * 32767.0);
    bytes[2 * i] = static_cast<std::uint8_t>(sample & 0xFF);
    bytes[2 * i + 1] = static_cast<std::uint8_t>((sample >> 8) & 0xFF);
  }
  return bytes;
}

}  // namespace

// ---- FakeCarrier

void FakeCarrier::send_audio(std::span<const std::uint8_t> frame) {
  const bool loud = std::any_of(frame.begin(), frame.end(), [](std::uint8_t b) { return b != 0xFF && b != 0x7F; });
  frames.push_back(SentFrame{clock_.now(), frame.size(), loud});
  playing_until_ = std::max(playing_until_, clock_.now()) + audio_format().duration_of(frame.size());
}

void FakeCarrier::send_mark(std::string_view name) {
  marks_sent.emplace_back(name);
  if (!echo_marks) return;
  mark_timers_.push_back(clock_.schedule_at(std::max(playing_until_, clock_.now()),
                                            [this, mark = std::string(name)] {
                                              marks_echoed.push_back(mark);
                                              if (auto session = session_.lock()) session->on_mark(mark);
                                            }));
}

void FakeCarrier::clear_audio() {
  clears.push_back(clock_.now());
  mark_timers_.clear();
  playing_until_ = clock_.now();
}

std::size_t FakeCarrier::frames_after(core::TimePoint at) const {
  return static_cast<std::size_t>(
      std::count_if(frames.begin(), frames.end(), [at](const SentFrame& frame) { return frame.at > at; }));
}

// ---- FakeStt

class FakeSttStream final : public SttStream {
 public:
  explicit FakeSttStream(FakeStt& owner) : owner_(owner) {}
  void push_audio(std::span<const std::uint8_t> bytes) override {
    if (closed_) return;
    owner_.bytes_received += bytes.size();
    owner_.pushes.emplace_back(owner_.clock_.now(), bytes.size());
  }
  void finalize() override {
    if (closed_) return;
    ++owner_.finalize_calls;
    if (owner_.scripted_.empty()) return;
    auto [text, delay] = owner_.scripted_.front();
    owner_.scripted_.pop_front();
    owner_.timers_.push_back(owner_.clock_.schedule_after(delay, [&owner = owner_, text] {
      owner.emit_final(text);
    }));
  }
  void close() override {
    closed_ = true;
    owner_.closed = true;
    owner_.timers_.clear();
  }

 private:
  FakeStt& owner_;
  bool closed_ = false;
};

std::unique_ptr<SttStream> FakeStt::open(const StreamContext&, SttEvents events) {
  ++opened;
  events_ = std::move(events);
  return std::make_unique<FakeSttStream>(*this);
}

void FakeStt::announce(const std::string& provider, const std::string& model) {
  if (!closed && events_.on_provider_changed) events_.on_provider_changed(provider, model);
}

void FakeStt::emit_partial(const std::string& text) {
  if (!closed && events_.on_transcript) events_.on_transcript(Transcript{text, false, false, 0.9, {}, {}});
}

void FakeStt::emit_final(const std::string& text) {
  final_emitted_at = clock_.now();
  if (!closed && events_.on_transcript) events_.on_transcript(Transcript{text, true, true, 0.95, {}, {}});
}

// ---- FakeLlm

class FakeLlmStream final : public LlmStream {
 public:
  FakeLlmStream(FakeLlm& owner, FakeLlm::Answer answer, LlmEvents events)
      : owner_(owner), answer_(std::move(answer)), events_(std::move(events)) {
    timer_ = owner_.clock_.schedule_after(answer_.ttft, [this] { next(); });
  }
  void cancel() override {
    ++owner_.cancels;
    timer_.cancel();
  }

 private:
  void next() {
    if (index_ < answer_.deltas.size()) {
      events_.on_text(answer_.deltas[index_++]);
      if (index_ < answer_.deltas.size()) {
        timer_ = owner_.clock_.schedule_after(answer_.per_delta, [this] { next(); });
        return;
      }
    }
    for (const auto& call : answer_.tool_calls) events_.on_tool_call(call);
    if (answer_.usage) events_.on_usage(*answer_.usage);
    events_.on_done(answer_.tool_calls.empty() ? FinishReason::stop : FinishReason::tool_calls);
  }

  FakeLlm& owner_;
  FakeLlm::Answer answer_;
  LlmEvents events_;
  std::size_t index_ = 0;
  core::Timer timer_;
};

std::unique_ptr<LlmStream> FakeLlm::stream(const StreamContext&, LlmRequest request, LlmEvents events) {
  requests.push_back(request);
  Answer answer;
  if (answers_.empty()) {
    answer.deltas = {"I have nothing scripted."};
  } else {
    answer = std::move(answers_.front());
    answers_.pop_front();
  }
  return std::make_unique<FakeLlmStream>(*this, std::move(answer), std::move(events));
}

// ---- FakeTts

class FakeTtsStream final : public TtsStream {
 public:
  FakeTtsStream(FakeTts& owner, std::string text, TtsEvents events)
      : owner_(owner), events_(std::move(events)) {
    core::Duration remaining = owner_.ms_per_char * static_cast<int>(text.size());
    core::Duration at = owner_.ttfb;
    while (remaining > 0ms) {
      const core::Duration chunk = std::min<core::Duration>(remaining, 100ms);
      timers_.push_back(owner_.clock_.schedule_after(at, [this, chunk] {
        if (cancelled_ && !owner_.late_after_cancel) return;
        events_.on_audio(pcm_tone(chunk, 16000));
      }));
      remaining -= chunk;
    }
    timers_.push_back(owner_.clock_.schedule_after(at, [this] {
      if (cancelled_ && !owner_.late_after_cancel) return;
      events_.on_done();
    }));
  }
  void cancel() override {
    ++owner_.cancels;
    cancelled_ = true;
    if (!owner_.late_after_cancel) timers_.clear();
  }

 private:
  FakeTts& owner_;
  TtsEvents events_;
  bool cancelled_ = false;
  std::vector<core::Timer> timers_;
};

std::unique_ptr<TtsStream> FakeTts::synthesize(const StreamContext&, std::string text, TtsEvents events) {
  sentences.push_back(text);
  for (const auto& provider : announced_providers) {
    if (events.on_provider) events.on_provider(provider);
  }
  return std::make_unique<FakeTtsStream>(*this, std::move(text), std::move(events));
}

// ---- harness

std::vector<std::uint8_t> caller_frame(bool loud) {
  std::vector<std::uint8_t> frame(160, 0xFF);
  if (!loud) return frame;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const double value = 0.3 * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(i) / 8000.0);
    frame[i] = audio::mulaw_encode(static_cast<std::int16_t>(value * 32767.0));
  }
  return frame;
}

Harness::Harness(bool marks, std::string carrier_name)
    : carrier(std::make_shared<FakeCarrier>(clock, marks, std::move(carrier_name))),
      stt(std::make_shared<FakeStt>(clock)),
      llm(std::make_shared<FakeLlm>(clock)),
      tts(std::make_shared<FakeTts>(clock)) {
  clock.advance(1s);  // keep time stamps clear of zero
  agent.system_prompt = "You are a test agent.";
  agent.stt = stt;
  agent.llm = llm;
  agent.tts = tts;
}

void Harness::start() {
  session::SessionServices services;
  services.clock = &clock;
  services.executor = executor;
  services.user_lane = lane;
  services.tool_webhooks = tool_webhooks;
  services.remote_brain = remote_brain;
  session::CallSetup setup;
  setup.parties = CallParties{"CA0123", "+15550001111", "+15550002222"};
  setup.telephony_provider = "twilio";
  session = session::CallSession::create(agent, callbacks, services, setup, carrier);
  carrier->attach(session);
  started = clock.now();
  session->start();
  settle();
}

void Harness::settle() {
  for (int rounds = 0; rounds < 1000; ++rounds) {
    if (executor->run_pending() + lane->run_pending() + clock.run_due() == 0) return;
  }
  throw std::runtime_error("settle: tasks keep posting more tasks");
}

void Harness::advance(core::Duration duration) {
  const core::TimePoint end = clock.now() + duration;
  while (clock.now() < end) {
    clock.advance(std::min<core::Duration>(1ms, end - clock.now()));
    settle();
  }
}

void Harness::caller(core::Duration duration, bool loud) {
  const auto frame = caller_frame(loud);
  const core::TimePoint end = clock.now() + duration;
  // A frame reaches the line once its 20 ms have been spoken.
  while (clock.now() < end) {
    advance(20ms);
    session->on_caller_audio(frame);
    settle();
  }
}

double Harness::now_ms() const { return core::elapsed_ms(started, clock.now()); }

void Harness::until_agent_quiet(core::Duration limit) {
  const core::TimePoint end = clock.now() + limit;
  while (clock.now() < end && session->state().agent != AgentState::listening &&
         session->state().agent != AgentState::idle) {
    caller(20ms, false);
  }
}

}  // namespace patter::testing
