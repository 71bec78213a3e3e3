#pragma once

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "dashboard/call_records.hpp"
#include "dashboard/call_store.hpp"
#include "session/metrics.hpp"

namespace patter::dashboard::testing {

// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::random_device seed;
    path_ = std::filesystem::temp_directory_path() /
            ("patter-store-" + std::to_string(seed()) + "-" + std::to_string(seed()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path database() const { return path_ / "calls.db"; }

 private:
  std::filesystem::path path_;
};

inline constexpr UnixMs kT0 = 1'747'000'000'000;  // 2025-05-11T21:46:40Z

inline CallInfo inbound_call(std::string id, UnixMs at, std::string caller = "+15550001111",
                             std::string callee = "+15559990000") {
  CallInfo info;
  info.call_id = std::move(id);
  info.caller = std::move(caller);
  info.callee = std::move(callee);
  info.telephony_provider = "twilio";
  info.provider_mode = "pipeline";
  info.at = at;
  return info;
}

inline session::TurnMetrics make_turn(int index, std::string user, std::string agent,
                                      double total_ms, UnixMs at) {
  session::TurnMetrics turn;
  turn.turn_index = index;
  turn.user_text = std::move(user);
  turn.agent_text = std::move(agent);
  turn.latency.stt_ms = 100.0;
  turn.latency.llm_ms = 300.0;
  turn.latency.tts_ms = 150.0;
  turn.latency.total_ms = total_ms;
  turn.latency.llm_ttft_ms = 210.5;
  turn.stt_audio_seconds = 1.5;
  turn.tts_characters = 42;
  turn.timestamp = from_unix_ms(at);
  return turn;
}

inline session::CallMetrics make_metrics(std::string id, double duration_s, double total_cost,
                                         double avg_latency_ms) {
  session::CallMetrics metrics;
  metrics.call.call_id = std::move(id);
  metrics.call.duration_seconds = duration_s;
  metrics.call.provider_mode = "pipeline";
  metrics.call.telephony_provider = "twilio";
  metrics.cost.stt = total_cost * 0.25;
  metrics.cost.tts = total_cost * 0.25;
  metrics.cost.llm = total_cost * 0.25;
  metrics.cost.telephony = total_cost * 0.25;
  metrics.cost.total = total_cost;
  metrics.latency.average.total_ms = avg_latency_ms;
  metrics.latency.p50.total_ms = avg_latency_ms;
  metrics.latency.p95.total_ms = avg_latency_ms * 2;
  return metrics;
}

inline StatusUpdate status_update(std::string id, std::string status, UnixMs at,
                                  std::string extra_json = {}) {
  StatusUpdate update;
  update.call_id = std::move(id);
  update.status = std::move(status);
  update.at = at;
  update.extra_json = std::move(extra_json);
  return update;
}

inline CallEnd call_end(std::string id, UnixMs at,
                        std::optional<session::CallMetrics> metrics = std::nullopt) {
  CallEnd end;
  end.call_id = std::move(id);
  end.at = at;
  end.metrics = std::move(metrics);
  return end;
}

inline CallStoreOptions options_for(const TempDir& dir) {
  CallStoreOptions options;
  options.database_path = dir.database();
  return options;
}

// Starts and ends a call in one go; the caller flushes.
inline void record_finished_call(CallStore& store, const std::string& id, UnixMs started_at,
                                 double duration_s, double cost, double latency_ms) {
  store.record_call_start(inbound_call(id, started_at));
  store.record_call_end(call_end(id, started_at + static_cast<UnixMs>(duration_s * 1000),
                                 make_metrics(id, duration_s, cost, latency_ms)));
}

}  // namespace patter::dashboard::testing
