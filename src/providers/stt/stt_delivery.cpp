#include "providers/stt/stt_delivery.hpp"

#include <utility>

namespace patter::providers {

void SttDelivery::transcript(const Transcript& transcript) {
  const std::lock_guard lock(mutex_);
  if (!stopped_.load() && events_.on_transcript) events_.on_transcript(transcript);
}

void SttDelivery::speech_started() {
  const std::lock_guard lock(mutex_);
  if (!stopped_.load() && events_.on_speech_started) events_.on_speech_started();
}

void SttDelivery::speech_ended() {
  const std::lock_guard lock(mutex_);
  if (!stopped_.load() && events_.on_speech_ended) events_.on_speech_ended();
}

void SttDelivery::audio_replayed(double seconds) {
  const std::lock_guard lock(mutex_);
  if (!stopped_.load() && events_.on_audio_replayed) events_.on_audio_replayed(seconds);
}

void SttDelivery::error(const std::string& message) {
  const std::lock_guard lock(mutex_);
  if (stopped_.exchange(true)) return;
  const SttEvents last = std::exchange(events_, {});
  if (last.on_error) last.on_error(message);
}

void SttDelivery::stop() {
  const std::lock_guard lock(mutex_);
  stopped_.store(true);
  events_ = {};
}

}  // namespace patter::providers
