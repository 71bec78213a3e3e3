#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "audio/wav.hpp"
#include "sim/far_end_playout.hpp"

namespace patter::sim {

// One thing the caller said. Times are ms since the stream started.
struct TurnMetrics {
  std::size_t step = 0;  // index of the script step
  std::string kind;      // "say", "say_wav" or "barge_in"
  std::string text;      // the scripted line, or "[wav name.wav]"
  double started_ms = 0;
  double stopped_ms = 0;
  // Caller stopped speaking → first agent audio heard after that.
  std::optional<double> response_latency_ms;
  // Barge-ins only: caller started speaking → the agent audio then playing stopped (cleared by
  // the server, or run out). Absent when no agent audio was playing.
  std::optional<double> agent_stop_ms;
};

// A clear the server sent. A server that stops its audio at once sends no media after it until
// its next reply.
struct ClearReport {
  double at_ms = 0;
  std::optional<double> next_media_after_ms;  // from the clear to the next agent media message
};

struct TranscriptLine {
  double at_ms = 0;
  std::string text;  // the scripted words; "[wav file.wav]" and "[dtmf 5]" for the others
};

struct SimulationResult {
  std::string call_sid;
  std::string stream_sid;
  std::string ended_by;  // "caller" (script ended or hung up), "agent" (server closed), "error"
  double duration_ms = 0;
  std::size_t steps_completed = 0;
  std::optional<double> first_agent_audio_ms;  // since the stream started (the greeting)
  std::vector<TurnMetrics> turns;
  std::vector<TranscriptLine> transcript;
  std::size_t frames_sent = 0;      // caller media messages, silence included
  std::size_t frames_received = 0;  // agent media messages
  std::vector<std::string> marks_echoed;
  std::size_t clears_received = 0;
  std::vector<ClearReport> clears;
  std::vector<std::string> errors;
  // Stereo 8 kHz PCM16: left the caller, right the agent as the caller heard it.
  audio::WavAudio recording;

  // Everything above except the recording, with a latency summary.
  [[nodiscard]] std::string to_json() const;
};

[[nodiscard]] double to_ms(SamplePos position);

// The first agent burst starting at or after the caller stopped, as a delay in ms.
[[nodiscard]] std::optional<double> response_latency_ms(SamplePos caller_stopped,
                                                        const std::vector<AgentBurst>& bursts);
// How long the burst playing when the caller started went on, in ms.
[[nodiscard]] std::optional<double> agent_stop_ms(SamplePos caller_started,
                                                  const std::vector<AgentBurst>& bursts);

// Interleaves the two channels into a stereo recording, the shorter one padded with silence,
// at least `min_samples` long.
[[nodiscard]] audio::WavAudio stereo_recording(const std::vector<std::int16_t>& caller,
                                               const std::vector<std::int16_t>& agent,
                                               std::size_t min_samples);

}  // namespace patter::sim
