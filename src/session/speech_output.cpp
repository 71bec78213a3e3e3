#include "session/speech_output.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace patter::session {

namespace {

constexpr std::string_view kMarkPrefix = "audio_";

}  // namespace

SpeechOutput::SpeechOutput(core::Clock& clock, CarrierLink& carrier, SpeechOutputOptions options,
                           Callbacks callbacks)
    : clock_(clock),
      carrier_(carrier),
      options_(options),
      callbacks_(std::move(callbacks)),
      format_(carrier.audio_format()),
      pacer_(clock, format_, audio::PacerOptions{options.lead, std::chrono::seconds{120}},
             audio::PlayoutPacer::Callbacks{
                 [this](const audio::FrameView& frame) { on_frame(frame); },
                 [this] {
                   pacer_drained_ = true;
                   if (finishing_ && marks() && samples_since_mark_ > 0) send_mark();
                   check_played_out();
                 },
                 [this] {
                   modelled_played_out_ = true;
                   check_played_out();
                 }}),
      chunker_(format_, options.frame, [this](const audio::FrameView& frame) {
        pacer_drained_ = false;
        modelled_played_out_ = false;
        if (!pacer_.push(frame)) spdlog::warn("speech output: over two minutes queued, frame dropped");
      }) {}

void SpeechOutput::begin_turn(audio::AudioFormat source) {
  converter_.emplace(source, format_);
  chunker_.reset();
  turn_active_ = true;
  finishing_ = false;
  turn_start_offset_ = pacer_.pushed_samples();
  first_audio_sent_.reset();
  samples_since_mark_ = 0;
}

void SpeechOutput::push(std::span<const std::uint8_t> audio) {
  if (!turn_active_ || finishing_ || !converter_) return;
  chunker_.push(converter_->convert(audio));
}

void SpeechOutput::finish_turn() {
  if (!turn_active_ || finishing_) return;
  if (converter_) chunker_.push(converter_->flush());
  chunker_.flush(audio::FrameChunker::Tail::pad_with_silence);
  finishing_ = true;
  if (pacer_.queued_samples() == 0) {
    pacer_drained_ = true;
    if (marks() && samples_since_mark_ > 0) send_mark();
  }
  check_played_out();
}

void SpeechOutput::interrupt() {
  pacer_.clear();
  carrier_.clear_audio();
  pending_marks_.clear();
  mark_timeout_.cancel();
  if (pacer_.paused()) pacer_.resume();
  chunker_.reset();
  if (converter_) converter_->reset();
  turn_active_ = false;
  finishing_ = false;
  pacer_drained_ = true;
  modelled_played_out_ = true;
  played_out_fallback_.cancel();
}

void SpeechOutput::on_frame(const audio::FrameView& frame) {
  carrier_.send_audio(frame.bytes);
  if (turn_active_ && !first_audio_sent_) {
    first_audio_sent_ = clock_.now();
    if (callbacks_.on_first_audio_sent) callbacks_.on_first_audio_sent(*first_audio_sent_);
  }
  if (!marks()) return;
  samples_since_mark_ += frame.bytes.size() / format_.bytes_per_sample();
  if (samples_since_mark_ >= format_.samples_in(options_.mark_chunk)) send_mark();
}

void SpeechOutput::send_mark() {
  samples_since_mark_ = 0;
  const std::uint64_t id = next_mark_id_++;
  pending_marks_.push_back(PendingMark{id, pacer_.released_samples()});
  carrier_.send_mark(std::string(kMarkPrefix) + std::to_string(id));
  if (pending_marks_.size() >= options_.mark_window && !pacer_.paused()) {
    pacer_.pause();
    // A carrier that stops confirming marks must not silence the agent: after the lead plus a
    // second without confirmation, pace by playout time alone.
    mark_timeout_ = clock_.schedule_after(options_.lead + std::chrono::seconds{1}, [this] {
      spdlog::warn("speech output: carrier stopped confirming marks; pacing by playout time");
      marks_trusted_ = false;
      pending_marks_.clear();
      pacer_.resume();
      check_played_out();
    });
  }
}

void SpeechOutput::on_mark(std::string_view name) {
  if (!name.starts_with(kMarkPrefix)) return;
  std::uint64_t id = 0;
  const auto digits = name.substr(kMarkPrefix.size());
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (error != std::errc{} || end != digits.data() + digits.size()) return;
  bool confirmed_any = false;
  while (!pending_marks_.empty() && pending_marks_.front().id <= id) {
    confirmed_offset_ = std::max(confirmed_offset_, pending_marks_.front().offset);
    pending_marks_.pop_front();
    confirmed_any = true;
  }
  if (!confirmed_any) return;
  marks_trusted_ = true;
  if (pacer_.paused() && pending_marks_.size() < options_.mark_window) {
    mark_timeout_.cancel();
    pacer_.resume();
  }
  check_played_out();
}

void SpeechOutput::check_played_out() {
  if (!turn_active_ || !finishing_ || !pacer_drained_) return;
  const bool heard = marks() && marks_trusted_ ? pending_marks_.empty() : modelled_played_out_;
  if (!heard) {
    // Marks can lag the playout model by the carrier's jitter buffer; wait for them a while.
    if (modelled_played_out_ && !played_out_fallback_.active()) {
      played_out_fallback_ = clock_.schedule_after(std::chrono::seconds{1}, [this] {
        pending_marks_.clear();
        check_played_out();
      });
    }
    return;
  }
  played_out_fallback_.cancel();
  turn_active_ = false;
  finishing_ = false;
  if (callbacks_.on_played_out) callbacks_.on_played_out();
}

std::size_t SpeechOutput::turn_samples_pushed() const {
  return pacer_.pushed_samples() - turn_start_offset_;
}

std::size_t SpeechOutput::turn_samples_played() const {
  std::size_t played = pacer_.played_samples(clock_.now());
  if (marks()) played = std::max(played, confirmed_offset_);
  if (played <= turn_start_offset_) return 0;
  return std::min(played - turn_start_offset_, turn_samples_pushed());
}

}  // namespace patter::session
