#include "dashboard/call_writes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <string_view>

#include "dashboard/call_json.hpp"
#include "dashboard/call_queries.hpp"

namespace patter::dashboard {
namespace {

StoreEvent make_event(std::string type, const boost::json::object& payload) {
  return {std::move(type), boost::json::serialize(payload)};
}

std::string_view or_default(std::string_view value, std::string_view fallback) {
  return value.empty() ? fallback : value;
}

bool is_soft_deleted(SqliteDb& db, const std::string& call_id) {
  auto statement = db.cached("SELECT 1 FROM calls WHERE call_id = ?1 AND deleted = 1");
  statement->bind(1, call_id);
  return statement->step();
}

void append_status_history(SqliteDb& db, const std::string& call_id, std::string_view status,
                           UnixMs at, std::string_view extra_json) {
  auto statement = db.cached(
      "INSERT INTO call_status_history (call_id, status, at, extra_json) VALUES (?1, ?2, ?3, ?4)");
  statement->bind(1, call_id).bind(2, status).bind(3, at).bind(4, or_default(extra_json, "{}"));
  statement->run();
}

void fill_missing_parties(SqliteDb& db, const std::string& call_id, std::string_view caller,
                          std::string_view callee) {
  auto statement = db.cached(
      "UPDATE calls SET caller = CASE WHEN caller = '' THEN ?2 ELSE caller END,"
      " callee = CASE WHEN callee = '' THEN ?3 ELSE callee END WHERE call_id = ?1");
  statement->bind(1, call_id).bind(2, caller).bind(3, callee);
  statement->run();
}

void insert_transcript_entry(SqliteDb& db, const std::string& call_id,
                             const TranscriptEntry& entry) {
  auto statement = db.cached(
      "INSERT INTO transcript (call_id, seq, role, text, timestamp)"
      " SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4 FROM transcript WHERE call_id = ?1");
  statement->bind(1, call_id)
      .bind(2, role_name(entry.role))
      .bind(3, entry.text)
      .bind(4, entry.timestamp);
  statement->run();
}

// The user's words and the part of the agent's reply actually spoken, as transcript lines.
void mirror_turn_into_transcript(SqliteDb& db, const std::string& call_id,
                                 const session::TurnMetrics& turn) {
  const UnixMs at = to_unix_ms(turn.timestamp);
  if (!turn.user_text.empty()) {
    insert_transcript_entry(db, call_id, {TranscriptRole::user, turn.user_text, at});
  }
  std::string_view spoken = turn.agent_text;
  if (turn.interrupted()) spoken.remove_suffix(session::kInterruptedMarker.size());
  while (!spoken.empty() && spoken.back() == ' ') spoken.remove_suffix(1);
  if (!spoken.empty()) {
    insert_transcript_entry(db, call_id, {TranscriptRole::assistant, std::string(spoken), at});
  }
}

bool turn_exists(SqliteDb& db, const std::string& call_id, int turn_index) {
  auto statement = db.cached("SELECT 1 FROM turns WHERE call_id = ?1 AND turn_index = ?2");
  statement->bind(1, call_id).bind(2, turn_index);
  return statement->step();
}

// Returns true when the turn was new (and so mirrored when `mirror` is set).
bool store_turn(SqliteDb& db, const std::string& call_id, const session::TurnMetrics& turn,
                bool mirror) {
  const bool is_new = !turn_exists(db, call_id, turn.turn_index);
  auto statement = db.cached(
      "INSERT OR REPLACE INTO turns (call_id, turn_index, user_text, agent_text, interrupted,"
      " stt_ms, llm_ms, tts_ms, total_ms, llm_ttft_ms, llm_total_ms, endpoint_ms, bargein_ms,"
      " tts_total_ms, agent_response_ms, user_speech_duration_ms, stt_audio_seconds,"
      " tts_characters, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
  const auto& latency = turn.latency;
  statement->bind(1, call_id)
      .bind(2, turn.turn_index)
      .bind(3, turn.user_text)
      .bind(4, turn.agent_text)
      .bind(5, turn.interrupted())
      .bind(6, latency.stt_ms)
      .bind(7, latency.llm_ms)
      .bind(8, latency.tts_ms)
      .bind(9, latency.total_ms)
      .bind(10, latency.llm_ttft_ms)
      .bind(11, latency.llm_total_ms)
      .bind(12, latency.endpoint_ms)
      .bind(13, latency.bargein_ms)
      .bind(14, latency.tts_total_ms)
      .bind(15, latency.agent_response_ms)
      .bind(16, latency.user_speech_duration_ms)
      .bind(17, turn.stt_audio_seconds)
      .bind(18, static_cast<std::int64_t>(turn.tts_characters))
      .bind(19, to_unix_ms(turn.timestamp));
  statement->run();
  if (is_new && mirror) mirror_turn_into_transcript(db, call_id, turn);
  return is_new;
}

void refresh_turns_count(SqliteDb& db, const std::string& call_id, UnixMs at) {
  auto statement = db.cached(
      "UPDATE calls SET turns_count = (SELECT count(*) FROM turns WHERE call_id = ?1),"
      " updated_at = max(updated_at, ?2) WHERE call_id = ?1");
  statement->bind(1, call_id).bind(2, at);
  statement->run();
}

void replace_transcript(SqliteDb& db, const std::string& call_id,
                        const std::vector<TranscriptEntry>& entries) {
  auto erase = db.cached("DELETE FROM transcript WHERE call_id = ?1");
  erase->bind(1, call_id);
  erase->run();
  for (const auto& entry : entries) insert_transcript_entry(db, call_id, entry);
}

void insert_unseen_call(SqliteDb& db, const CallEnd& end) {
  const double duration = end.metrics ? end.metrics->call.duration_seconds : 0.0;
  auto statement = db.cached(
      "INSERT INTO calls (call_id, caller, callee, status, started_at, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  statement->bind(1, end.call_id)
      .bind(2, end.caller)
      .bind(3, end.callee)
      .bind(4, kStatusInProgress)
      .bind(5, end.at - static_cast<UnixMs>(duration * 1000.0))
      .bind(6, end.at);
  statement->run();
}

void close_call(SqliteDb& db, const CallEnd& end) {
  auto statement = db.cached(
      "UPDATE calls SET status = CASE WHEN ended_at IS NULL THEN ?2 ELSE status END,"
      " duration_s = CASE WHEN ended_at IS NULL THEN max(0, ?3 - started_at) / 1000.0"
      " ELSE duration_s END,"
      " ended_at = coalesce(ended_at, ?3), updated_at = max(updated_at, ?3) WHERE call_id = ?1");
  statement->bind(1, end.call_id).bind(2, or_default(end.status, kStatusCompleted)).bind(3, end.at);
  statement->run();
}

void store_call_metrics(SqliteDb& db, const std::string& call_id,
                        const session::CallMetrics& metrics) {
  auto statement = db.cached(
      "UPDATE calls SET duration_s = ?2, cost_stt = ?3, cost_tts = ?4, cost_llm = ?5,"
      " cost_telephony = CASE WHEN telephony_billed THEN cost_telephony ELSE ?6 END,"
      " cost_total = CASE WHEN telephony_billed THEN ?7 - ?6 + cost_telephony ELSE ?7 END,"
      " cost_llm_cached_savings = ?8,"
      " latency_avg_ms = ?9, latency_p50_ms = ?10, latency_p90_ms = ?11, latency_p95_ms = ?12,"
      " latency_p99_ms = ?13,"
      " provider_mode = CASE WHEN ?14 = '' THEN provider_mode ELSE ?14 END,"
      " telephony_provider = CASE WHEN ?15 = '' THEN telephony_provider ELSE ?15 END"
      " WHERE call_id = ?1");
  const auto& cost = metrics.cost;
  const auto& latency = metrics.latency;
  statement->bind(1, call_id)
      .bind(2, metrics.call.duration_seconds)
      .bind(3, cost.stt)
      .bind(4, cost.tts)
      .bind(5, cost.llm)
      .bind(6, cost.telephony)
      .bind(7, cost.total)
      .bind(8, cost.llm_cached_savings)
      .bind(9, latency.average.total_ms)
      .bind(10, latency.p50.total_ms)
      .bind(11, latency.p90.total_ms)
      .bind(12, latency.p95.total_ms)
      .bind(13, latency.p99.total_ms)
      .bind(14, metrics.call.provider_mode)
      .bind(15, metrics.call.telephony_provider);
  statement->run();
}

}  // namespace

std::vector<StoreEvent> write_call_initiated(SqliteDb& db, const CallInfo& info) {
  auto statement = db.cached(
      "INSERT INTO calls (call_id, caller, callee, direction, telephony_provider, provider_mode,"
      " agent_json, status, started_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)"
      " ON CONFLICT (call_id) DO NOTHING");
  statement->bind(1, info.call_id)
      .bind(2, info.caller)
      .bind(3, info.callee)
      .bind(4, or_default(info.direction, "outbound"))
      .bind(5, info.telephony_provider)
      .bind(6, info.provider_mode)
      .bind(7, or_default(info.agent_json, "{}"))
      .bind(8, kStatusInitiated)
      .bind(9, info.at);
  statement->run();
  if (db.changes() == 0) return {};
  append_status_history(db, info.call_id, kStatusInitiated, info.at, {});
  const auto call = find_call_row(db, info.call_id);
  return {make_event("call_initiated", {{"call_id", call->call_id},
                                        {"caller", call->caller},
                                        {"callee", call->callee},
                                        {"direction", call->direction},
                                        {"status", call->status}})};
}

std::vector<StoreEvent> write_call_start(SqliteDb& db, const CallInfo& info) {
  auto statement = db.cached(
      "INSERT INTO calls (call_id, caller, callee, direction, telephony_provider, provider_mode,"
      " agent_json, status, started_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)"
      " ON CONFLICT (call_id) DO UPDATE SET status = excluded.status,"
      " caller = CASE WHEN excluded.caller = '' THEN caller ELSE excluded.caller END,"
      " callee = CASE WHEN excluded.callee = '' THEN callee ELSE excluded.callee END,"
      " telephony_provider = CASE WHEN excluded.telephony_provider = '' THEN telephony_provider"
      " ELSE excluded.telephony_provider END,"
      " provider_mode = CASE WHEN excluded.provider_mode = '' THEN provider_mode"
      " ELSE excluded.provider_mode END,"
      " agent_json = CASE WHEN excluded.agent_json = '{}' THEN agent_json"
      " ELSE excluded.agent_json END,"
      " updated_at = max(updated_at, excluded.updated_at)"
      " WHERE ended_at IS NULL AND deleted = 0");
  statement->bind(1, info.call_id)
      .bind(2, info.caller)
      .bind(3, info.callee)
      .bind(4, or_default(info.direction, "inbound"))
      .bind(5, info.telephony_provider)
      .bind(6, info.provider_mode)
      .bind(7, or_default(info.agent_json, "{}"))
      .bind(8, kStatusInProgress)
      .bind(9, info.at);
  statement->run();
  if (db.changes() == 0) return {};
  append_status_history(db, info.call_id, kStatusInProgress, info.at, {});
  const auto call = find_call_row(db, info.call_id);
  return {make_event("call_start", {{"call_id", call->call_id},
                                    {"caller", call->caller},
                                    {"callee", call->callee},
                                    {"direction", call->direction}})};
}

std::vector<StoreEvent> write_call_status(SqliteDb& db, const StatusUpdate& update) {
  const auto call = find_call_row(db, update.call_id);
  if (!call) return {};
  append_status_history(db, update.call_id, update.status, update.at, update.extra_json);
  fill_missing_parties(db, update.call_id, update.caller, update.callee);
  const bool terminal = is_terminal_status(update.status);
  if (terminal || !call->ended_at) {
    // An open call takes any status; an ended call only takes a terminal correction.
    auto statement = db.cached(
        "UPDATE calls SET status = ?2,"
        " duration_s = coalesce(?4, CASE WHEN ?5 AND ended_at IS NULL"
        " THEN max(0, ?3 - started_at) / 1000.0 ELSE duration_s END),"
        " ended_at = CASE WHEN ?5 THEN coalesce(ended_at, ?3) ELSE ended_at END,"
        " updated_at = max(updated_at, ?3) WHERE call_id = ?1");
    statement->bind(1, update.call_id)
        .bind(2, update.status)
        .bind(3, update.at)
        .bind(4, update.duration_seconds)
        .bind(5, terminal);
    statement->run();
  }
  auto payload = parse_json_object(update.extra_json, "status extra");
  payload["call_id"] = update.call_id;
  payload["status"] = update.status;
  return {make_event("call_status", payload)};
}

std::vector<StoreEvent> write_turn(SqliteDb& db, const std::string& call_id,
                                   const session::TurnMetrics& turn, bool mirror) {
  if (!find_call_row(db, call_id)) return {};
  store_turn(db, call_id, turn, mirror);
  refresh_turns_count(db, call_id, to_unix_ms(turn.timestamp));
  return {make_event("turn_complete", {{"call_id", call_id}, {"turn", turn_to_json(turn)}})};
}

std::vector<StoreEvent> write_telephony_price(SqliteDb& db, const std::string& call_id, double price) {
  auto statement = db.cached(
      "UPDATE calls SET cost_total = cost_total - cost_telephony + ?2, cost_telephony = ?2,"
      " telephony_billed = 1 WHERE call_id = ?1");
  statement->bind(1, call_id).bind(2, price);
  statement->run();
  return {};
}

std::vector<StoreEvent> write_transcript_entry(SqliteDb& db, const std::string& call_id,
                                               const TranscriptEntry& entry) {
  if (!find_call_row(db, call_id)) return {};
  insert_transcript_entry(db, call_id, entry);
  return {};
}

std::vector<StoreEvent> write_call_end(SqliteDb& db, const CallEnd& end) {
  if (is_soft_deleted(db, end.call_id)) return {};
  if (!find_call_row(db, end.call_id)) insert_unseen_call(db, end);
  fill_missing_parties(db, end.call_id, end.caller, end.callee);
  close_call(db, end);
  const bool keep_stored_transcript = end.transcript.empty();
  if (end.metrics) {
    for (const auto& turn : end.metrics->turns) {
      store_turn(db, end.call_id, turn, keep_stored_transcript);
    }
    store_call_metrics(db, end.call_id, *end.metrics);
  }
  if (!keep_stored_transcript) replace_transcript(db, end.call_id, end.transcript);
  refresh_turns_count(db, end.call_id, end.at);
  const auto call = find_call_row(db, end.call_id);
  return {make_event("call_end", {{"call_id", end.call_id}, {"metrics", call_to_json(*call)}})};
}

std::vector<StoreEvent> write_soft_delete(SqliteDb& db, const std::vector<std::string>& call_ids,
                                          UnixMs at, std::vector<std::string>& deleted) {
  auto statement = db.cached(
      "UPDATE calls SET deleted = 1, updated_at = max(updated_at, ?2)"
      " WHERE call_id = ?1 AND deleted = 0 AND ended_at IS NOT NULL");
  for (const auto& call_id : call_ids) {
    statement->reset();
    statement->bind(1, call_id).bind(2, at);
    statement->run();
    if (db.changes() > 0) deleted.push_back(call_id);
  }
  if (deleted.empty()) return {};
  boost::json::array ids(deleted.begin(), deleted.end());
  return {make_event("calls_deleted", {{"call_ids", std::move(ids)}})};
}

std::vector<StoreEvent> write_retention(SqliteDb& db, UnixMs cutoff, std::int64_t& removed) {
  auto statement = db.cached(
      "DELETE FROM calls WHERE ended_at IS NOT NULL AND started_at < ?1"
      " RETURNING call_id, deleted");
  statement->bind(1, cutoff);
  boost::json::array visible_ids;
  removed = 0;
  while (statement->step()) {
    ++removed;
    if (statement->int64(1) == 0) visible_ids.emplace_back(statement->text(0));
  }
  if (visible_ids.empty()) return {};
  return {make_event("calls_deleted", {{"call_ids", std::move(visible_ids)}})};
}

}  // namespace patter::dashboard
