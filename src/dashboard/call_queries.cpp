#include "dashboard/call_queries.hpp"

#include <string>

#include "session/latency.hpp"

namespace patter::dashboard {
namespace {

const std::string kCallColumns =
    "call_id, caller, callee, direction, telephony_provider, provider_mode, agent_json, status, "
    "started_at, ended_at, duration_s, cost_stt, cost_tts, cost_llm, cost_telephony, cost_total, "
    "cost_llm_cached_savings, latency_avg_ms, latency_p50_ms, latency_p90_ms, latency_p95_ms, "
    "latency_p99_ms, turns_count, updated_at";

CallRecord read_call(const Statement& row) {
  CallRecord call;
  call.call_id = row.text(0);
  call.caller = row.text(1);
  call.callee = row.text(2);
  call.direction = row.text(3);
  call.telephony_provider = row.text(4);
  call.provider_mode = row.text(5);
  call.agent_json = row.text(6);
  call.status = row.text(7);
  call.started_at = row.int64(8);
  call.ended_at = row.optional_int64(9);
  call.duration_seconds = row.real(10);
  call.cost = {.stt = row.real(11),
               .tts = row.real(12),
               .llm = row.real(13),
               .telephony = row.real(14),
               .total = row.real(15),
               .llm_cached_savings = row.real(16)};
  call.latency = {.average = row.real(17),
                  .p50 = row.real(18),
                  .p90 = row.real(19),
                  .p95 = row.real(20),
                  .p99 = row.real(21)};
  call.turns_count = static_cast<int>(row.int64(22));
  call.updated_at = row.int64(23);
  return call;
}

std::vector<CallRecord> read_calls(Statement& statement) {
  std::vector<CallRecord> calls;
  while (statement.step()) calls.push_back(read_call(statement));
  return calls;
}

double round_to(double value, double scale) {
  return static_cast<double>(static_cast<std::int64_t>(value * scale + (value < 0 ? -0.5 : 0.5))) /
         scale;
}

double round_cost(double dollars) {
  return round_to(dollars, 1e6);
}

}  // namespace

std::optional<CallRecord> find_call_row(SqliteDb& db, std::string_view call_id) {
  auto statement =
      db.cached("SELECT " + kCallColumns + " FROM calls WHERE call_id = ?1 AND deleted = 0");
  statement->bind(1, call_id);
  if (!statement->step()) return std::nullopt;
  return read_call(*statement);
}

std::vector<CallRecord> select_ended_calls(SqliteDb& db, std::int64_t limit, std::int64_t offset) {
  auto statement = db.cached("SELECT " + kCallColumns +
                             " FROM calls WHERE deleted = 0 AND ended_at IS NOT NULL"
                             " ORDER BY started_at DESC, call_id DESC LIMIT ?1 OFFSET ?2");
  statement->bind(1, limit).bind(2, offset);
  return read_calls(*statement);
}

std::vector<CallRecord> select_active_calls(SqliteDb& db) {
  auto statement = db.cached("SELECT " + kCallColumns +
                             " FROM calls WHERE ended_at IS NULL AND deleted = 0"
                             " ORDER BY started_at DESC, call_id DESC");
  return read_calls(*statement);
}

std::vector<CallRecord> select_calls_started_between(SqliteDb& db, UnixMs from, UnixMs to) {
  auto statement = db.cached("SELECT " + kCallColumns +
                             " FROM calls WHERE deleted = 0 AND ended_at IS NOT NULL"
                             " AND started_at >= ?1 AND started_at < ?2"
                             " ORDER BY started_at DESC, call_id DESC");
  statement->bind(1, from).bind(2, to);
  return read_calls(*statement);
}

std::vector<session::TurnMetrics> select_turns(SqliteDb& db, std::string_view call_id) {
  auto statement = db.cached(
      "SELECT turn_index, user_text, agent_text, stt_ms, llm_ms, tts_ms, total_ms, llm_ttft_ms,"
      " llm_total_ms, endpoint_ms, bargein_ms, tts_total_ms, agent_response_ms,"
      " user_speech_duration_ms, stt_audio_seconds, tts_characters, timestamp"
      " FROM turns WHERE call_id = ?1 ORDER BY turn_index");
  statement->bind(1, call_id);
  std::vector<session::TurnMetrics> turns;
  while (statement->step()) {
    session::TurnMetrics turn;
    turn.turn_index = static_cast<int>(statement->int64(0));
    turn.user_text = statement->text(1);
    turn.agent_text = statement->text(2);
    turn.latency.stt_ms = statement->real(3);
    turn.latency.llm_ms = statement->real(4);
    turn.latency.tts_ms = statement->real(5);
    turn.latency.total_ms = statement->real(6);
    turn.latency.llm_ttft_ms = statement->optional_real(7);
    turn.latency.llm_total_ms = statement->optional_real(8);
    turn.latency.endpoint_ms = statement->optional_real(9);
    turn.latency.bargein_ms = statement->optional_real(10);
    turn.latency.tts_total_ms = statement->optional_real(11);
    turn.latency.agent_response_ms = statement->optional_real(12);
    turn.latency.user_speech_duration_ms = statement->optional_real(13);
    turn.stt_audio_seconds = statement->real(14);
    turn.tts_characters = static_cast<std::size_t>(statement->int64(15));
    turn.timestamp = from_unix_ms(statement->int64(16));
    turns.push_back(std::move(turn));
  }
  return turns;
}

std::vector<TranscriptEntry> select_transcript(SqliteDb& db, std::string_view call_id) {
  auto statement =
      db.cached("SELECT role, text, timestamp FROM transcript WHERE call_id = ?1 ORDER BY seq");
  statement->bind(1, call_id);
  std::vector<TranscriptEntry> entries;
  while (statement->step()) {
    entries.push_back({.role = parse_role(statement->text(0)).value_or(TranscriptRole::system),
                       .text = statement->text(1),
                       .timestamp = statement->int64(2)});
  }
  return entries;
}

std::vector<StatusChange> select_status_history(SqliteDb& db, std::string_view call_id) {
  auto statement = db.cached(
      "SELECT status, at, extra_json FROM call_status_history WHERE call_id = ?1 ORDER BY id");
  statement->bind(1, call_id);
  std::vector<StatusChange> history;
  while (statement->step()) {
    history.push_back({.status = statement->text(0),
                       .at = statement->int64(1),
                       .extra_json = statement->text(2)});
  }
  return history;
}

Aggregates select_aggregates(SqliteDb& db, std::int64_t window) {
  auto totals = db.cached(
      "WITH recent AS (SELECT * FROM calls WHERE deleted = 0 AND ended_at IS NOT NULL"
      " ORDER BY started_at DESC, call_id DESC LIMIT ?1)"
      " SELECT count(*), total(cost_total), coalesce(avg(duration_s), 0),"
      " coalesce(avg(CASE WHEN latency_avg_ms > 0 THEN latency_avg_ms END), 0),"
      " total(cost_stt), total(cost_tts), total(cost_llm), total(cost_telephony) FROM recent");
  totals->bind(1, window);
  Aggregates aggregates;
  if (totals->step()) {
    aggregates.total_calls = totals->int64(0);
    aggregates.total_cost = round_cost(totals->real(1));
    aggregates.avg_duration = round_to(totals->real(2), 100.0);
    aggregates.avg_latency_ms = session::round_to_tenth(totals->real(3));
    aggregates.cost_breakdown = {.stt = round_cost(totals->real(4)),
                                 .tts = round_cost(totals->real(5)),
                                 .llm = round_cost(totals->real(6)),
                                 .telephony = round_cost(totals->real(7))};
  }
  auto active = db.cached("SELECT count(*) FROM calls WHERE ended_at IS NULL AND deleted = 0");
  if (active->step()) aggregates.active_calls = active->int64(0);
  return aggregates;
}

}  // namespace patter::dashboard
