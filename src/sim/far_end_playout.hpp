#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace patter::sim {

inline constexpr int kStreamSampleRate = 8000;

// A position on the call's timeline, in 8 kHz samples since the stream started; every time in
// the simulator is kept this way so the recording's channels and the metrics agree.
using SamplePos = std::int64_t;

// A stretch of agent audio heard without a break longer than the join gap (or a clear).
struct AgentBurst {
  SamplePos start = 0;
  SamplePos end = 0;
};

// The caller's earpiece, modelled in real time the way Twilio plays a bidirectional stream:
// agent audio plays in arrival order as soon as what was queued before it has finished, a
// mark is due once the audio queued before it has played, and a clear drops what has not
// played yet and releases every pending mark at once.
class FarEndPlayout {
 public:
  // Gaps shorter than this between pieces of agent audio do not split a burst, so a server
  // that paces its frames in real time still reads as one utterance.
  static constexpr SamplePos kJoinGap = kStreamSampleRate / 10;

  void push_audio(SamplePos now, std::span<const std::uint8_t> mulaw);
  void push_mark(SamplePos now, std::string name);
  // Returns the marks that were pending, to echo at once.
  std::vector<std::string> clear(SamplePos now);
  // Removes and returns the marks due by `now`, in the order they were sent.
  std::vector<std::string> take_due_marks(SamplePos now);

  [[nodiscard]] bool playing(SamplePos now) const { return now < end_; }
  // Where the audio queued so far finishes playing.
  [[nodiscard]] SamplePos end() const { return end_; }
  // The first burst still playing at, or starting after, `since`.
  [[nodiscard]] std::optional<AgentBurst> burst_after(SamplePos since) const;
  [[nodiscard]] const std::vector<AgentBurst>& bursts() const { return bursts_; }
  // What the caller heard: decoded agent audio where it played, silence elsewhere.
  [[nodiscard]] const std::vector<std::int16_t>& samples() const { return samples_; }

 private:
  SamplePos end_ = 0;
  bool burst_closed_ = true;
  std::vector<AgentBurst> bursts_;
  std::deque<std::pair<SamplePos, std::string>> marks_;  // due position, name
  std::vector<std::int16_t> samples_;
};

}  // namespace patter::sim
