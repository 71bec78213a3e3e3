#include "server/store_observer.hpp"

#include <cmath>

namespace patter::server {

namespace {

dashboard::UnixMs to_unix_ms(double unix_seconds) {
  return static_cast<dashboard::UnixMs>(std::llround(unix_seconds * 1000.0));
}

dashboard::TranscriptEntry to_entry(const HistoryEntry& entry) {
  return dashboard::TranscriptEntry{
      dashboard::parse_role(entry.role).value_or(dashboard::TranscriptRole::system), entry.text,
      to_unix_ms(entry.timestamp)};
}

}  // namespace

void StoreCallObserver::call_started(const CallStartEvent& event) {
  dashboard::CallInfo info;
  info.call_id = event.call.call_id;
  info.caller = event.call.caller;
  info.callee = event.call.callee;
  info.direction = event.direction;
  info.telephony_provider = event.telephony_provider;
  info.provider_mode = provider_mode_;
  info.agent_json = agent_json_;
  info.at = static_cast<dashboard::UnixMs>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  store_.record_call_start(std::move(info));
}

void StoreCallObserver::transcript_line(const std::string& call_id, const HistoryEntry& entry) {
  store_.append_transcript(call_id, to_entry(entry));
}

void StoreCallObserver::turn_completed(const std::string& call_id, const TurnMetrics& turn) {
  // transcript_line() already stored this turn's words.
  store_.record_turn(call_id, turn, dashboard::CallStore::TurnTranscript::leave);
}

void StoreCallObserver::call_ended(const CallEndEvent& event) {
  dashboard::CallEnd end;
  end.call_id = event.call.call_id;
  end.at = to_unix_ms(event.ended_at);
  end.metrics = event.metrics;
  end.caller = event.call.caller;
  end.callee = event.call.callee;
  for (const auto& entry : event.transcript) end.transcript.push_back(to_entry(entry));
  store_.record_call_end(std::move(end));
}

}  // namespace patter::server
