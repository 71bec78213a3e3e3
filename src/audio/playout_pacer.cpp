#include "audio/playout_pacer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace patter::audio {

PlayoutPacer::PlayoutPacer(core::Clock& clock, AudioFormat format, PacerOptions options,
                           Callbacks callbacks)
    : clock_(clock),
      format_(format),
      lead_samples_(format.samples_in(options.lead)),
      max_queued_samples_(format.samples_in(options.max_queued)),
      callbacks_(std::move(callbacks)) {
  if (format.sample_rate <= 0) throw std::invalid_argument("PlayoutPacer: sample rate must be > 0");
  if (!callbacks_.on_frame) throw std::invalid_argument("PlayoutPacer: on_frame is required");
}

bool PlayoutPacer::push(std::span<const std::uint8_t> bytes) {
  const std::size_t bytes_per_sample = format_.bytes_per_sample();
  if (bytes.size() % bytes_per_sample != 0) {
    throw std::invalid_argument("PlayoutPacer: frame of " + std::to_string(bytes.size()) +
                                " bytes is not whole samples");
  }
  if (bytes.empty()) return true;
  const std::size_t samples = bytes.size() / bytes_per_sample;
  if (queued_samples_ + samples > max_queued_samples_) return false;
  queue_bytes_.insert(queue_bytes_.end(), bytes.begin(), bytes.end());
  queue_frame_bytes_.push_back(bytes.size());
  queued_samples_ += samples;
  played_out_timer_.cancel();
  pump();
  return true;
}

bool PlayoutPacer::push(const FrameView& frame) {
  if (frame.format != format_) {
    throw std::invalid_argument("PlayoutPacer: frame format differs from the pacer's");
  }
  return push(frame.bytes);
}

PlayoutPacer::Cleared PlayoutPacer::clear() {
  const std::size_t played = played_samples(clock_.now());
  const Cleared cleared{queued_samples_, far_end_ - played};
  queue_bytes_.clear();
  queue_frame_bytes_.clear();
  byte_head_ = 0;
  frame_head_ = 0;
  queued_samples_ = 0;
  far_end_ = played;
  release_timer_.cancel();
  played_out_timer_.cancel();
  ++clear_count_;
  return cleared;
}

void PlayoutPacer::pause() {
  paused_ = true;
  release_timer_.cancel();
}

void PlayoutPacer::resume() {
  paused_ = false;
  pump();
}

std::size_t PlayoutPacer::played_samples(core::TimePoint now) const {
  std::size_t elapsed = 0;
  if (now > segment_start_) {
    elapsed = static_cast<std::size_t>((now - segment_start_).count() * format_.sample_rate /
                                       1'000'000'000);
  }
  return std::min(far_end_, segment_offset_ + elapsed);
}

core::TimePoint PlayoutPacer::time_far_end_reaches(std::size_t offset) const {
  return segment_start_ + format_.duration_of(offset - segment_offset_);
}

std::size_t PlayoutPacer::allowed_backlog(std::size_t frame_samples) const {
  return lead_samples_ > frame_samples ? lead_samples_ - frame_samples : 0;
}

void PlayoutPacer::pump() {
  // A sink that pushes or clears re-enters here; the loop below picks its changes up.
  if (pumping_) return;
  pumping_ = true;
  release_timer_.cancel();
  const std::uint64_t clears_before = clear_count_;
  bool released_any = false;
  while (!paused_ && frame_head_ < queue_frame_bytes_.size()) {
    const core::TimePoint now = clock_.now();
    const std::size_t samples = queue_frame_bytes_[frame_head_] / format_.bytes_per_sample();
    const std::size_t allowed = allowed_backlog(samples);
    if (far_end_ - played_samples(now) > allowed) {
      release_timer_ =
          clock_.schedule_at(time_far_end_reaches(far_end_ - allowed), [this] { pump(); });
      break;
    }
    release_front(now);
    released_any = true;
  }
  drop_released_storage();
  pumping_ = false;
  if (released_any && queued_samples_ == 0 && clear_count_ == clears_before) {
    played_out_timer_ = clock_.schedule_at(time_far_end_reaches(far_end_), [this] {
      if (callbacks_.on_played_out) callbacks_.on_played_out();
    });
    if (callbacks_.on_drained) callbacks_.on_drained();
  }
}

void PlayoutPacer::release_front(core::TimePoint now) {
  const std::size_t size = queue_frame_bytes_[frame_head_];
  const auto first = queue_bytes_.begin() + static_cast<std::ptrdiff_t>(byte_head_);
  // Copied out so that a sink pushing more audio cannot invalidate the view it was given.
  releasing_.assign(first, first + static_cast<std::ptrdiff_t>(size));
  byte_head_ += size;
  ++frame_head_;
  const std::size_t samples = size / format_.bytes_per_sample();
  queued_samples_ -= samples;
  if (played_samples(now) >= far_end_) {
    // The far end ran dry (or was flushed): playback restarts now, with no catch-up.
    segment_start_ = now;
    segment_offset_ = released_;
  }
  const FrameView frame{format_, releasing_, format_.duration_of(released_)};
  released_ += samples;
  far_end_ = released_;
  callbacks_.on_frame(frame);
}

void PlayoutPacer::drop_released_storage() {
  if (frame_head_ == queue_frame_bytes_.size()) {
    queue_bytes_.clear();
    queue_frame_bytes_.clear();
    byte_head_ = 0;
    frame_head_ = 0;
    return;
  }
  if (byte_head_ * 2 >= queue_bytes_.size()) {
    queue_bytes_.erase(queue_bytes_.begin(),
                       queue_bytes_.begin() + static_cast<std::ptrdiff_t>(byte_head_));
    queue_frame_bytes_.erase(queue_frame_bytes_.begin(),
                             queue_frame_bytes_.begin() + static_cast<std::ptrdiff_t>(frame_head_));
    byte_head_ = 0;
    frame_head_ = 0;
  }
}

}  // namespace patter::audio
