#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "sim/call_script.hpp"
#include "sim/caller_audio.hpp"
#include "sim/media_session.hpp"
#include "sim/simulation_result.hpp"

namespace patter::sim {

// Plays a script's steps on a started MediaSession, in order, until the script ends, a hang_up
// step, the server closing the stream or `max_duration`. A wait that times out is an error in
// the report, not the end of the script. Run on the session's executor; the session must
// outlive the runner.
class ScriptRunner {
 public:
  // `audio` holds each step's caller audio (see render_caller_audio).
  ScriptRunner(MediaSession& session, const CallScript& script, std::vector<MulawAudio> audio,
               core::Duration max_duration);

  boost::asio::awaitable<void> run();

  // Measured against the agent audio as played: read them after the session has finished.
  [[nodiscard]] std::vector<TurnMetrics> turns() const;
  [[nodiscard]] std::vector<TranscriptLine> transcript() const;
  [[nodiscard]] const std::vector<std::string>& errors() const { return errors_; }
  [[nodiscard]] std::size_t steps_completed() const { return steps_completed_; }

 private:
  enum class Flow { next, hang_up, ended };
  enum class Wait { ready, limit, ended };

  struct Spoken {
    std::size_t step = 0;
    std::string kind;
    std::string text;
    std::shared_ptr<const CallerUtterance> utterance;  // null for dtmf
    SamplePos at = 0;                                  // dtmf only
  };

  boost::asio::awaitable<Flow> run_step(std::size_t index);
  boost::asio::awaitable<Flow> wait_for_agent(std::size_t index, const WaitForAgent& wait);
  boost::asio::awaitable<Flow> barge_in(std::size_t index, const BargeIn& barge_in);
  boost::asio::awaitable<Flow> speak(std::size_t index, const std::string& text);
  boost::asio::awaitable<Flow> send_digits(std::size_t index, const std::string& digits);
  boost::asio::awaitable<Flow> sleep_until(SamplePos until);
  template <typename Ready>
  boost::asio::awaitable<Wait> wait_until(const Ready& ready, SamplePos limit);
  void step_error(std::size_t index, const std::string& message);

  MediaSession& session_;
  const CallScript& script_;
  std::vector<MulawAudio> audio_;
  SamplePos max_position_;
  SamplePos last_caller_end_ = 0;
  std::vector<Spoken> spoken_;
  std::vector<std::string> errors_;
  std::size_t steps_completed_ = 0;
};

}  // namespace patter::sim
