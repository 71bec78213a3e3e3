#include "dashboard/sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

#include "core/error.hpp"

namespace patter::dashboard {
namespace {

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view action) {
  std::string message = "sqlite: ";
  message += action;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const auto code = (rc & 0xff) == SQLITE_BUSY ? core::Errc::unavailable : core::Errc::internal;
  throw core::Error(code, message);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw_sqlite(db, rc, "prepare \"" + std::string(sql) + "\"");
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

void Statement::fail(int rc, std::string_view action) const {
  std::string context(action);
  if (const char* sql = sqlite3_sql(stmt_); sql != nullptr) {
    context += " \"";
    context += sql;
    context += '"';
  }
  throw_sqlite(db_, rc, context);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

SqliteDb::SqliteDb(const std::filesystem::path& path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "sqlite: open " + path.string() + ": " +
                          (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    throw core::Error(core::Errc::unavailable, message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  exec("PRAGMA journal_mode=WAL");
  // In WAL mode NORMAL only syncs at checkpoints, so the last commits can vanish if the
  // machine loses power or the kernel crashes. FULL syncs the WAL on every commit: once a
  // call record is reported as written it survives a SIGKILL, a crash or a power cut.
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
}

SqliteDb::~SqliteDb() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

void SqliteDb::exec(std::string_view sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = "sqlite: exec \"" + std::string(sql) +
                          "\": " + (error != nullptr ? error : sqlite3_errstr(rc));
    sqlite3_free(error);
    const auto code = (rc & 0xff) == SQLITE_BUSY ? core::Errc::unavailable : core::Errc::internal;
    throw core::Error(code, message);
  }
}

CachedStatement SqliteDb::cached(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, Statement(db_, sql)).first;
  return CachedStatement(it->second);
}

std::int64_t SqliteDb::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t SqliteDb::pragma_int(std::string_view name) {
  Statement statement(db_, "PRAGMA " + std::string(name));
  return statement.step() ? statement.int64(0) : 0;
}

Transaction::Transaction(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const core::Error&) {
    // The failed statement may already have rolled the transaction back.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

ReadTransaction::ReadTransaction(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN");
}

ReadTransaction::~ReadTransaction() {
  try {
    db_.exec("ROLLBACK");
  } catch (const core::Error&) {
    // Nothing was written, so there is nothing a failed end could lose.
  }
}

}  // namespace patter::dashboard
