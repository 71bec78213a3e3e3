#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "audio/frame.hpp"
#include "core/clock.hpp"

namespace patter::audio {

struct PacerOptions {
  // Most audio the far end may hold beyond what it has played. A frame longer than the lead
  // is released only once the far end has played everything before it.
  core::Duration lead = std::chrono::milliseconds{60};
  // push() refuses frames beyond this much queued audio.
  core::Duration max_queued = std::chrono::seconds{120};
};

// Releases queued frames to a sink at real-time pace, driven by clock timers (no threads), and
// models the far end's playback: it plays released audio continuously from the moment audio
// reaches it, and goes silent when it runs dry.
//
// Positions are sample offsets in the stream of released audio, so they stay comparable across
// clears: note pushed_samples() as a turn starts; when the turn is interrupted, the caller has
// heard max(0, played_samples(now) - that start) samples of it.
class PlayoutPacer {
 public:
  struct Callbacks {
    std::function<void(const FrameView&)> on_frame;  // a frame released now; view valid in call
    std::function<void()> on_drained;                // every queued frame has been released
    std::function<void()> on_played_out;             // ... and the far end has played it all
  };
  struct Cleared {
    std::size_t unreleased_samples;  // dropped from the queue
    std::size_t unplayed_samples;    // released but not yet played: the far end's flushed buffer
  };

  PlayoutPacer(core::Clock& clock, AudioFormat format, PacerOptions options, Callbacks callbacks);
  PlayoutPacer(const PlayoutPacer&) = delete;
  PlayoutPacer& operator=(const PlayoutPacer&) = delete;
  ~PlayoutPacer() = default;

  // Queues one frame of whole samples in the pacer's format (else std::invalid_argument) and
  // releases at once whatever the lead allows. Returns false, queueing nothing, when the
  // frame would exceed max_queued.
  bool push(std::span<const std::uint8_t> bytes);
  bool push(const FrameView& frame);
  // Barge-in: drops every unreleased frame and takes the far end's buffer as flushed (the
  // caller sends the carrier its clear). Playing position freezes until new audio is released.
  Cleared clear();
  // Stops releasing; the far end keeps playing what it already has.
  void pause();
  void resume();

  [[nodiscard]] const AudioFormat& format() const { return format_; }
  [[nodiscard]] bool paused() const { return paused_; }
  [[nodiscard]] std::size_t queued_samples() const { return queued_samples_; }
  [[nodiscard]] std::size_t released_samples() const { return released_; }
  [[nodiscard]] std::size_t pushed_samples() const { return released_ + queued_samples_; }
  // Stream offset the far end has played up to at `now`, the clock's current time (times
  // before the latest release are not tracked).
  [[nodiscard]] std::size_t played_samples(core::TimePoint now) const;
  [[nodiscard]] double released_ms() const { return to_ms(released_); }
  [[nodiscard]] double played_ms(core::TimePoint now) const { return to_ms(played_samples(now)); }

 private:
  [[nodiscard]] double to_ms(std::size_t samples) const {
    return static_cast<double>(samples) * 1000.0 / format_.sample_rate;
  }
  [[nodiscard]] core::TimePoint time_far_end_reaches(std::size_t offset) const;
  [[nodiscard]] std::size_t allowed_backlog(std::size_t frame_samples) const;
  void pump();
  void release_front(core::TimePoint now);
  void drop_released_storage();

  core::Clock& clock_;
  AudioFormat format_;
  std::size_t lead_samples_;
  std::size_t max_queued_samples_;
  Callbacks callbacks_;

  // Queued frames back to back in one buffer, and their sizes; the heads mark the first
  // unreleased entry (the released prefix is dropped in bulk, so steady state never allocates).
  std::vector<std::uint8_t> queue_bytes_;
  std::vector<std::size_t> queue_frame_bytes_;
  std::size_t byte_head_ = 0;
  std::size_t frame_head_ = 0;
  std::size_t queued_samples_ = 0;
  std::vector<std::uint8_t> releasing_;  // the frame being handed to the sink

  std::size_t released_ = 0;
  // Far end: playing continuously since `segment_start_` from offset `segment_offset_`,
  // holding audio up to offset `far_end_`.
  core::TimePoint segment_start_{};
  std::size_t segment_offset_ = 0;
  std::size_t far_end_ = 0;

  bool paused_ = false;
  bool pumping_ = false;
  std::uint64_t clear_count_ = 0;
  core::Timer release_timer_;
  core::Timer played_out_timer_;
};

}  // namespace patter::audio
