#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace patter::dashboard {

// One prepared statement. Binds are 1-based, columns 0-based; step() returns true while a
// row is available. Failures throw core::Error carrying SQLite's own message.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  // Without this overload a string literal would bind as bool (pointer conversion wins).
  Statement& bind(int index, const char* text) { return bind(index, std::string_view{text}); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view{text});
  }
  Statement& bind(int index, std::nullptr_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }

  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Makes the statement ready to run again with fresh binds.
  void reset();

  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<double> optional_real(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int column) const;

 private:
  [[noreturn]] void fail(int rc, std::string_view action) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// A statement borrowed from a connection's cache; reset when the borrow ends, so no read
// snapshot stays open between uses.
class CachedStatement {
 public:
  explicit CachedStatement(Statement& statement) : statement_(statement) {}
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement() { statement_.reset(); }

  Statement& operator*() const { return statement_; }
  Statement* operator->() const { return &statement_; }

 private:
  Statement& statement_;
};

// A connection with the settings every call-store connection needs: WAL journal, FULL
// synchronous commits, a busy timeout and foreign keys. Not thread-safe: one thread at a time.
class SqliteDb {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  explicit SqliteDb(const std::filesystem::path& path);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(std::string_view sql);
  // A statement prepared once per connection and reset for each use.
  [[nodiscard]] CachedStatement cached(const std::string& sql);
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] std::int64_t pragma_int(std::string_view name);

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, Statement, std::less<>> statements_;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  SqliteDb& db_;
  bool open_ = true;
};

// A read transaction: the queries run while it lives see one consistent snapshot.
class ReadTransaction {
 public:
  explicit ReadTransaction(SqliteDb& db);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  SqliteDb& db_;
};

}  // namespace patter::dashboard
