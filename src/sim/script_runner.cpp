#include "sim/script_runner.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace patter::sim {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kPoll = 10ms;
constexpr auto kDigitGap = 100ms;

SamplePos samples_in(core::Duration duration) {
  return duration.count() * kStreamSampleRate / 1'000'000'000;
}

std::string wav_label(const std::filesystem::path& path) {
  return "[wav " + path.filename().string() + "]";
}

std::string ms_text(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

}  // namespace

ScriptRunner::ScriptRunner(MediaSession& session, const CallScript& script,
                           std::vector<MulawAudio> audio, core::Duration max_duration)
    : session_(session),
      script_(script),
      audio_(std::move(audio)),
      max_position_(samples_in(max_duration)) {}

asio::awaitable<void> ScriptRunner::run() {
  for (std::size_t index = 0; index < script_.steps.size() && session_.open(); ++index) {
    const auto flow = co_await run_step(index);
    if (flow == Flow::ended) break;
    ++steps_completed_;
    if (flow == Flow::hang_up) break;
  }
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::run_step(std::size_t index) {
  const auto& step = script_.steps[index];
  if (const auto* wait = std::get_if<WaitForAgent>(&step)) {
    co_return co_await wait_for_agent(index, *wait);
  }
  if (const auto* say = std::get_if<Say>(&step)) co_return co_await speak(index, say->text);
  if (const auto* wav = std::get_if<SayWav>(&step)) {
    const auto label = wav_label(wav->path);
    co_return co_await speak(index, label);
  }
  if (const auto* pause = std::get_if<Pause>(&step)) {
    co_return co_await sleep_until(session_.now() + samples_in(pause->duration));
  }
  if (const auto* barge = std::get_if<BargeIn>(&step)) co_return co_await barge_in(index, *barge);
  if (const auto* dtmf = std::get_if<Dtmf>(&step)) {
    co_return co_await send_digits(index, dtmf->digits);
  }
  co_return Flow::hang_up;
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::wait_for_agent(std::size_t index,
                                                                 const WaitForAgent& wait) {
  const auto since = last_caller_end_;
  const auto quiet = samples_in(wait.quiet);
  const auto heard_then_quiet = [this, since, quiet] {
    const auto& playout = session_.playout();
    return playout.burst_after(since).has_value() && session_.now() - playout.end() >= quiet;
  };
  const auto limit = session_.now() + samples_in(wait.timeout);
  const auto result = co_await wait_until(heard_then_quiet, limit);
  if (result == Wait::ended) co_return Flow::ended;
  if (result == Wait::limit) {
    step_error(index, "the agent did not speak and then go quiet within " + ms_text(wait.timeout));
  }
  co_return Flow::next;
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::barge_in(std::size_t index,
                                                           const BargeIn& barge_in) {
  const auto step_start = session_.now();
  const auto agent_talking = [this, step_start] {
    return session_.playout().burst_after(step_start).has_value();
  };
  const auto limit = step_start + samples_in(barge_in.timeout);
  const auto result = co_await wait_until(agent_talking, limit);
  if (result == Wait::ended) co_return Flow::ended;
  if (result == Wait::limit) {
    step_error(index, "the agent did not start speaking within " + ms_text(barge_in.timeout) +
                          ", so the caller did not barge in");
    co_return Flow::next;
  }
  const auto burst_start = session_.playout().burst_after(step_start)->start;
  const auto slept = co_await sleep_until(burst_start + samples_in(barge_in.after_agent_starts));
  if (slept == Flow::ended) co_return Flow::ended;
  const auto text = barge_in.wav.empty() ? barge_in.text : wav_label(barge_in.wav);
  co_return co_await speak(index, text);
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::speak(std::size_t index,
                                                        const std::string& text) {
  auto utterance = session_.say(std::move(audio_[index]));
  spoken_.push_back(
      Spoken{index, std::string(step_name(script_.steps[index])), text, utterance, 0});
  const auto finished = [utterance] { return utterance->finished(); };
  const auto sent = co_await wait_until(finished, max_position_);
  if (sent != Wait::ready) co_return Flow::ended;
  last_caller_end_ = utterance->end;
  co_return Flow::next;
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::send_digits(std::size_t index,
                                                              const std::string& digits) {
  spoken_.push_back(Spoken{index, "dtmf", "[dtmf " + digits + "]", nullptr, session_.now()});
  for (const char digit : digits) {
    if (!session_.open()) co_return Flow::ended;
    session_.send_dtmf(digit);
    const auto slept = co_await sleep_until(session_.now() + samples_in(kDigitGap));
    if (slept == Flow::ended) co_return Flow::ended;
  }
  co_return Flow::next;
}

asio::awaitable<ScriptRunner::Flow> ScriptRunner::sleep_until(SamplePos until) {
  const auto never = [] { return false; };
  const auto result = co_await wait_until(never, until);
  co_return result == Wait::ended ? Flow::ended : Flow::next;
}

template <typename Ready>
asio::awaitable<ScriptRunner::Wait> ScriptRunner::wait_until(const Ready& ready, SamplePos limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    if (!session_.open()) co_return Wait::ended;
    if (ready()) co_return Wait::ready;
    const auto now = session_.now();
    if (now >= max_position_) {
      errors_.push_back("the call reached its maximum duration of " +
                        std::to_string(static_cast<long long>(to_ms(max_position_))) + " ms");
      co_return Wait::ended;
    }
    if (now >= limit) co_return Wait::limit;
    timer.expires_after(kPoll);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void ScriptRunner::step_error(std::size_t index, const std::string& message) {
  errors_.push_back("step " + std::to_string(index + 1) + " (" +
                    std::string(step_name(script_.steps[index])) + "): " + message);
}

std::vector<TurnMetrics> ScriptRunner::turns() const {
  const auto& bursts = session_.playout().bursts();
  std::vector<TurnMetrics> turns;
  for (const auto& spoken : spoken_) {
    if (!spoken.utterance || spoken.utterance->start < 0) continue;
    const auto& utterance = *spoken.utterance;
    TurnMetrics turn;
    turn.step = spoken.step;
    turn.kind = spoken.kind;
    turn.text = spoken.text;
    turn.started_ms = to_ms(utterance.start);
    turn.stopped_ms = to_ms(utterance.start + static_cast<SamplePos>(utterance.sent));
    if (utterance.finished()) turn.response_latency_ms = response_latency_ms(utterance.end, bursts);
    if (spoken.kind == "barge_in") turn.agent_stop_ms = agent_stop_ms(utterance.start, bursts);
    turns.push_back(std::move(turn));
  }
  return turns;
}

std::vector<TranscriptLine> ScriptRunner::transcript() const {
  std::vector<TranscriptLine> lines;
  for (const auto& spoken : spoken_) {
    if (spoken.utterance && spoken.utterance->start < 0) continue;
    const auto at = spoken.utterance ? spoken.utterance->start : spoken.at;
    lines.push_back(TranscriptLine{to_ms(at), spoken.text});
  }
  return lines;
}

}  // namespace patter::sim
