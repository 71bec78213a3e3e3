#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "session/latency.hpp"
#include "session/latency_histogram.hpp"

namespace patter::session {

// The stretches of a turn that only the framework spends, between a provider's output and the
// next hand-over: its added latency, whatever the providers do.
enum class Stage : std::uint8_t {
  stt_final_to_llm_request,   // final transcript received → LLM request written
  sentence_to_tts_request,    // first sentence ready → its TTS request written
  tts_audio_to_carrier,       // first TTS audio received → first carrier media frame written
};
inline constexpr std::size_t kStageCount = 3;

[[nodiscard]] std::string_view to_string(Stage stage);

// The process's stage histograms, shared by every call (thread-safe, lock-free). Served by the
// server's /metrics route.
class StageLatencies {
 public:
  [[nodiscard]] static StageLatencies& process();

  void record(Stage stage, core::Duration duration);
  // Records every stage whose two stamps the turn has.
  void record_turn(const TurnStamps& stamps);
  [[nodiscard]] HistogramSnapshot snapshot(Stage stage) const;

 private:
  std::array<LatencyHistogram, kStageCount> stages_;
};

}  // namespace patter::session
