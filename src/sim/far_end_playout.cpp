#include "sim/far_end_playout.hpp"

#include <algorithm>

#include "audio/mulaw.hpp"

namespace patter::sim {

void FarEndPlayout::push_audio(SamplePos now, std::span<const std::uint8_t> mulaw) {
  if (mulaw.empty()) return;
  const SamplePos start = std::max(now, end_);
  end_ = start + static_cast<SamplePos>(mulaw.size());
  if (burst_closed_ || bursts_.empty() || start > bursts_.back().end + kJoinGap) {
    bursts_.push_back(AgentBurst{start, end_});
    burst_closed_ = false;
  } else {
    bursts_.back().end = end_;
  }
  if (static_cast<SamplePos>(samples_.size()) < end_) {
    samples_.resize(static_cast<std::size_t>(end_));
  }
  const auto out = samples_.begin() + start;
  std::transform(mulaw.begin(), mulaw.end(), out,
                 [](std::uint8_t code) { return audio::mulaw_decode(code); });
}

void FarEndPlayout::push_mark(SamplePos now, std::string name) {
  marks_.emplace_back(std::max(now, end_), std::move(name));
}

std::vector<std::string> FarEndPlayout::clear(SamplePos now) {
  if (now < end_) {
    end_ = now;
    if (!bursts_.empty()) bursts_.back().end = std::min(bursts_.back().end, now);
    samples_.resize(static_cast<std::size_t>(std::max<SamplePos>(now, 0)));
  }
  burst_closed_ = true;
  std::vector<std::string> released;
  for (auto& mark : marks_) released.push_back(std::move(mark.second));
  marks_.clear();
  return released;
}

std::vector<std::string> FarEndPlayout::take_due_marks(SamplePos now) {
  std::vector<std::string> due;
  while (!marks_.empty() && marks_.front().first <= now) {
    due.push_back(std::move(marks_.front().second));
    marks_.pop_front();
  }
  return due;
}

std::optional<AgentBurst> FarEndPlayout::burst_after(SamplePos since) const {
  const auto found = std::find_if(bursts_.begin(), bursts_.end(),
                                  [since](const AgentBurst& burst) { return burst.end > since; });
  if (found == bursts_.end()) return std::nullopt;
  return *found;
}

}  // namespace patter::sim
