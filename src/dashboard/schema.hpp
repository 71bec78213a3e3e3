#pragma once

#include <cstdint>

#include "dashboard/sqlite_db.hpp"

namespace patter::dashboard {

// The schema version this build writes (stored in PRAGMA user_version).
[[nodiscard]] std::int64_t latest_schema_version();

// Brings the database up to latest_schema_version() in one transaction. Running it again is
// a no-op; a database written by a newer build is refused rather than misread.
void apply_migrations(SqliteDb& db);

}  // namespace patter::dashboard
