#include "sim/simulation_result.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace patter::sim {

namespace {

namespace json = boost::json;

json::value optional_ms(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object turn_json(const TurnMetrics& turn) {
  return json::object{{"step", turn.step},
                      {"kind", turn.kind},
                      {"text", turn.text},
                      {"started_ms", turn.started_ms},
                      {"stopped_ms", turn.stopped_ms},
                      {"response_latency_ms", optional_ms(turn.response_latency_ms)},
                      {"agent_stop_ms", optional_ms(turn.agent_stop_ms)}};
}

json::object summary_json(const std::vector<double>& values) {
  json::object summary{{"count", values.size()}};
  if (values.empty()) return summary;
  double total = 0;
  for (const auto value : values) total += value;
  summary["min"] = *std::min_element(values.begin(), values.end());
  summary["mean"] = total / static_cast<double>(values.size());
  summary["max"] = *std::max_element(values.begin(), values.end());
  return summary;
}

}  // namespace

double to_ms(SamplePos position) {
  return static_cast<double>(position) * 1000.0 / kStreamSampleRate;
}

std::optional<double> response_latency_ms(SamplePos caller_stopped,
                                          const std::vector<AgentBurst>& bursts) {
  for (const auto& burst : bursts) {
    if (burst.start >= caller_stopped) return to_ms(burst.start - caller_stopped);
  }
  return std::nullopt;
}

std::optional<double> agent_stop_ms(SamplePos caller_started,
                                    const std::vector<AgentBurst>& bursts) {
  for (const auto& burst : bursts) {
    if (burst.start <= caller_started && caller_started < burst.end) {
      return to_ms(burst.end - caller_started);
    }
  }
  return std::nullopt;
}

audio::WavAudio stereo_recording(const std::vector<std::int16_t>& caller,
                                 const std::vector<std::int16_t>& agent, std::size_t min_samples) {
  const auto length = std::max({caller.size(), agent.size(), min_samples});
  std::vector<std::int16_t> interleaved(length * 2, 0);
  for (std::size_t i = 0; i < caller.size(); ++i) interleaved[2 * i] = caller[i];
  for (std::size_t i = 0; i < agent.size(); ++i) interleaved[2 * i + 1] = agent[i];
  return audio::WavAudio::from_samples(interleaved, kStreamSampleRate, 2);
}

std::string SimulationResult::to_json() const {
  json::array turn_list;
  std::vector<double> latencies;
  std::vector<double> stops;
  for (const auto& turn : turns) {
    turn_list.push_back(turn_json(turn));
    if (turn.response_latency_ms) latencies.push_back(*turn.response_latency_ms);
    if (turn.agent_stop_ms) stops.push_back(*turn.agent_stop_ms);
  }
  json::array lines;
  for (const auto& line : transcript) {
    lines.push_back(json::object{{"at_ms", line.at_ms}, {"text", line.text}});
  }
  json::array marks;
  for (const auto& mark : marks_echoed) marks.push_back(json::value(mark));
  json::array clear_list;
  for (const auto& clear : clears) {
    clear_list.push_back(json::object{{"at_ms", clear.at_ms},
                                      {"next_media_after_ms", optional_ms(clear.next_media_after_ms)}});
  }
  json::array error_list;
  for (const auto& error : errors) error_list.push_back(json::value(error));
  return json::serialize(json::object{
      {"call_sid", call_sid},
      {"stream_sid", stream_sid},
      {"ended_by", ended_by},
      {"duration_ms", duration_ms},
      {"steps_completed", steps_completed},
      {"first_agent_audio_ms", optional_ms(first_agent_audio_ms)},
      {"turns", std::move(turn_list)},
      {"response_latency_ms", summary_json(latencies)},
      {"agent_stop_ms", summary_json(stops)},
      {"transcript", std::move(lines)},
      {"frames_sent", frames_sent},
      {"frames_received", frames_received},
      {"marks_echoed", std::move(marks)},
      {"clears_received", clears_received},
      {"clears", std::move(clear_list)},
      {"errors", std::move(error_list)},
  });
}

}  // namespace patter::sim
