#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "audio/format_converter.hpp"
#include "audio/frame_chunker.hpp"
#include "audio/playout_pacer.hpp"
#include "core/clock.hpp"
#include "session/carrier_link.hpp"

namespace patter::session {

struct SpeechOutputOptions {
  core::Duration frame = std::chrono::milliseconds{20};
  // Audio released ahead of playout: the burst that fills the carrier's jitter buffer when
  // speech starts, then the most the carrier ever holds unplayed.
  core::Duration lead = std::chrono::milliseconds{120};
  // With marks: one mark per chunk of this much audio, and at most `mark_window` chunks sent
  // but not yet confirmed played. The window covers the lead plus 200 ms for the echo to come
  // back over the network and one chunk, so on a healthy line the playout clock alone paces the
  // audio (one frame every 20 ms) and the window only holds back a carrier that has stopped
  // playing. Where the caller is in the audio comes from the playout clock, confirmed by marks,
  // so larger chunks cost no accuracy and save messages both ways.
  core::Duration mark_chunk = std::chrono::milliseconds{100};
  std::size_t mark_window = 4;
};

// The agent's voice on the line: converts synthesised audio to the carrier's format, cuts it
// into frames and paces them out in real time (PlayoutPacer), with carrier marks as feedback
// where the carrier offers them. Knows at every moment how much of a turn's audio the caller
// has heard, which is what barge-in uses to keep only the words actually played.
class SpeechOutput {
 public:
  struct Callbacks {
    std::function<void(core::TimePoint)> on_first_audio_sent;  // first frame of a turn released
    std::function<void()> on_played_out;  // everything of a finished turn has been played
  };

  SpeechOutput(core::Clock& clock, CarrierLink& carrier, SpeechOutputOptions options,
               Callbacks callbacks);

  // Starts a turn's audio. `source` is the format the following push() calls use.
  void begin_turn(audio::AudioFormat source);
  void push(std::span<const std::uint8_t> audio);
  // No more audio for this turn: the tail is flushed, and on_played_out follows once it played.
  void finish_turn();
  // Barge-in: drops queued audio, tells the carrier to clear its buffer, forgets pending marks.
  void interrupt();

  void on_mark(std::string_view name);

  // Samples (carrier rate) of the current turn pushed so far / heard by the caller by now.
  [[nodiscard]] std::size_t turn_samples_pushed() const;
  [[nodiscard]] std::size_t turn_samples_played() const;
  [[nodiscard]] bool turn_active() const { return turn_active_; }
  [[nodiscard]] bool audio_started() const { return first_audio_sent_.has_value(); }
  [[nodiscard]] std::optional<core::TimePoint> first_audio_sent() const { return first_audio_sent_; }
  [[nodiscard]] const audio::AudioFormat& carrier_format() const { return format_; }

 private:
  struct PendingMark {
    std::uint64_t id;
    std::size_t offset;  // stream offset the mark follows
  };
  void on_frame(const audio::FrameView& frame);
  void send_mark();
  void check_played_out();
  [[nodiscard]] bool marks() const { return carrier_.supports_marks(); }

  core::Clock& clock_;
  CarrierLink& carrier_;
  SpeechOutputOptions options_;
  Callbacks callbacks_;
  audio::AudioFormat format_;
  audio::PlayoutPacer pacer_;
  audio::FrameChunker chunker_;
  std::optional<audio::FormatConverter> converter_;

  bool turn_active_ = false;
  bool finishing_ = false;
  std::size_t turn_start_offset_ = 0;
  std::optional<core::TimePoint> first_audio_sent_;
  std::size_t samples_since_mark_ = 0;
  std::uint64_t next_mark_id_ = 1;
  std::deque<PendingMark> pending_marks_;
  std::size_t confirmed_offset_ = 0;
  bool pacer_drained_ = true;
  bool modelled_played_out_ = true;
  bool marks_trusted_ = true;  // false once the carrier stopped confirming marks
  core::Timer mark_timeout_;
  core::Timer played_out_fallback_;
};

}  // namespace patter::session
