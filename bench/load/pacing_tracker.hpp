#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace patter::load {

using Clock = std::chrono::steady_clock;

// What one agent media frame told about the server's pacing.
struct FrameTiming {
  // How much later than its ideal release the frame arrived (never negative): a paced stream
  // sends the first `lead` of audio at once, then each frame as the caller's playout reaches
  // lead before its end.
  Clock::duration delay{};
  bool late = false;  // it arrived after the caller's playout had run dry (an audible gap)
  // Released by the server's playout clock rather than in the opening burst. The burst goes out
  // as fast as the TTS provider delivers it, so its delay is the provider's, not the pacing's.
  bool paced = false;
};

// The caller's view of one stretch of agent speech (a greeting or a reply), anchored at its
// first frame: the ideal release of each frame, and the caller's playout buffer.
class PacingTracker {
 public:
  explicit PacingTracker(Clock::duration lead) : lead_(lead) {}

  // The agent's next reply starts a new stretch.
  void reset() { open_ = false; }
  FrameTiming on_frame(std::size_t samples, Clock::time_point arrival);
  // When the audio received so far has played out (the arrival time when nothing was played).
  [[nodiscard]] std::optional<Clock::time_point> playout_end() const {
    return open_ ? std::optional(play_end_) : std::nullopt;
  }

 private:
  static Clock::duration duration_of(std::size_t samples);

  Clock::duration lead_;
  bool open_ = false;
  Clock::time_point start_{};
  std::size_t samples_ = 0;
  Clock::time_point play_end_{};
};

}  // namespace patter::load
