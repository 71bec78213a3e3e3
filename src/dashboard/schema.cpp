#include "dashboard/schema.hpp"

#include <array>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace patter::dashboard {
namespace {

// Migration N (1-based) takes the database from user_version N-1 to N. Never edit a shipped
// entry: append a new one.
constexpr std::array<std::string_view, 2> kMigrations = {
    R"sql(
CREATE TABLE calls (
  call_id TEXT PRIMARY KEY,
  caller TEXT NOT NULL DEFAULT '',
  callee TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound')),
  telephony_provider TEXT NOT NULL DEFAULT '',
  provider_mode TEXT NOT NULL DEFAULT '',
  agent_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  duration_s REAL NOT NULL DEFAULT 0,
  cost_stt REAL NOT NULL DEFAULT 0,
  cost_tts REAL NOT NULL DEFAULT 0,
  cost_llm REAL NOT NULL DEFAULT 0,
  cost_telephony REAL NOT NULL DEFAULT 0,
  cost_total REAL NOT NULL DEFAULT 0,
  cost_llm_cached_savings REAL NOT NULL DEFAULT 0,
  latency_avg_ms REAL NOT NULL DEFAULT 0,
  latency_p50_ms REAL NOT NULL DEFAULT 0,
  latency_p90_ms REAL NOT NULL DEFAULT 0,
  latency_p95_ms REAL NOT NULL DEFAULT 0,
  latency_p99_ms REAL NOT NULL DEFAULT 0,
  turns_count INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE INDEX calls_ended_newest ON calls (started_at DESC, call_id DESC)
  WHERE deleted = 0 AND ended_at IS NOT NULL;
CREATE INDEX calls_active_newest ON calls (started_at DESC) WHERE ended_at IS NULL;
CREATE INDEX calls_started ON calls (started_at);

CREATE TABLE call_status_history (
  id INTEGER PRIMARY KEY,
  call_id TEXT NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  extra_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX call_status_history_call ON call_status_history (call_id, id);

CREATE TABLE turns (
  call_id TEXT NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
  turn_index INTEGER NOT NULL,
  user_text TEXT NOT NULL,
  agent_text TEXT NOT NULL,
  interrupted INTEGER NOT NULL,
  stt_ms REAL NOT NULL,
  llm_ms REAL NOT NULL,
  tts_ms REAL NOT NULL,
  total_ms REAL NOT NULL,
  llm_ttft_ms REAL,
  llm_total_ms REAL,
  endpoint_ms REAL,
  bargein_ms REAL,
  tts_total_ms REAL,
  agent_response_ms REAL,
  user_speech_duration_ms REAL,
  stt_audio_seconds REAL NOT NULL,
  tts_characters INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (call_id, turn_index)
) WITHOUT ROWID;

CREATE TABLE transcript (
  call_id TEXT NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  text TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;
)sql",
    // cost_telephony holds the carrier's billed price once known (1), not the estimate (0).
    R"sql(
ALTER TABLE calls ADD COLUMN telephony_billed INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

std::int64_t latest_schema_version() {
  return static_cast<std::int64_t>(kMigrations.size());
}

void apply_migrations(SqliteDb& db) {
  Transaction transaction(db);
  const std::int64_t current = db.pragma_int("user_version");
  if (current > latest_schema_version()) {
    throw core::Error(core::Errc::config_invalid,
                      "call store schema version " + std::to_string(current) +
                          " is newer than this build understands (" +
                          std::to_string(latest_schema_version()) + ")");
  }
  for (auto version = current; version < latest_schema_version(); ++version) {
    db.exec(kMigrations[static_cast<std::size_t>(version)]);
  }
  if (current != latest_schema_version()) {
    db.exec("PRAGMA user_version=" + std::to_string(latest_schema_version()));
  }
  transaction.commit();
}

}  // namespace patter::dashboard
