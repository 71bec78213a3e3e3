#include "dashboard/sqlite_db.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "dashboard/schema.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using testing::TempDir;

TEST(SqliteDbTest, OpensWithDurableSettings) {
  TempDir dir;
  SqliteDb db(dir.database());
  auto mode = db.cached("PRAGMA journal_mode");
  ASSERT_TRUE(mode->step());
  EXPECT_EQ(mode->text(0), "wal");
  EXPECT_EQ(db.pragma_int("synchronous"), 2);  // FULL
  EXPECT_EQ(db.pragma_int("foreign_keys"), 1);
  EXPECT_EQ(db.pragma_int("busy_timeout"), SqliteDb::kBusyTimeoutMs);
}

TEST(SqliteDbTest, ErrorsCarrySqliteMessageAndStatement) {
  TempDir dir;
  SqliteDb db(dir.database());
  try {
    db.exec("SELECT * FROM no_such_table");
    FAIL() << "expected an error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::internal);
    EXPECT_NE(std::string(error.what()).find("no such table: no_such_table"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("SELECT * FROM no_such_table"), std::string::npos);
  }
  EXPECT_THROW((void)db.cached("SELEKT 1"), core::Error);
}

TEST(SqliteDbTest, TypedBindsRoundTrip) {
  TempDir dir;
  SqliteDb db(dir.database());
  db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n REAL)");
  {
    auto insert = db.cached("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    insert->bind(1, std::int64_t{1} << 40)
        .bind(2, 2.5)
        .bind(3, std::string_view{"a,\"b\"\nc"})
        .bind(4, std::optional<double>{});
    insert->run();
  }
  auto select = db.cached("SELECT i, r, s, n FROM t");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select->real(1), 2.5);
  EXPECT_EQ(select->text(2), "a,\"b\"\nc");
  EXPECT_EQ(select->optional_real(3), std::nullopt);
  EXPECT_FALSE(select->step());
}

TEST(SqliteDbTest, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  SqliteDb db(dir.database());
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    Transaction abandoned(db);
    db.exec("INSERT INTO t VALUES (1)");
  }
  {
    Transaction kept(db);
    db.exec("INSERT INTO t VALUES (2)");
    kept.commit();
  }
  auto select = db.cached("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->text(0), "2");
}

TEST(SchemaTest, MigrationsAreIdempotentAcrossReopen) {
  TempDir dir;
  {
    SqliteDb db(dir.database());
    apply_migrations(db);
    EXPECT_EQ(db.pragma_int("user_version"), latest_schema_version());
    db.exec("INSERT INTO calls (call_id, status, started_at, updated_at) VALUES ('c', 'x', 1, 1)");
  }
  SqliteDb db(dir.database());
  apply_migrations(db);
  apply_migrations(db);
  EXPECT_EQ(db.pragma_int("user_version"), latest_schema_version());
  auto count = db.cached("SELECT count(*) FROM calls");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 1);
}

TEST(SchemaTest, RefusesDatabaseFromNewerBuild) {
  TempDir dir;
  SqliteDb db(dir.database());
  db.exec("PRAGMA user_version=" + std::to_string(latest_schema_version() + 1));
  try {
    apply_migrations(db);
    FAIL() << "expected an error";
  } catch (const core::Error& error) {
    EXPECT_EQ(error.code(), core::Errc::config_invalid);
  }
}

TEST(SchemaTest, DeletingCallCascadesToItsRows) {
  TempDir dir;
  SqliteDb db(dir.database());
  apply_migrations(db);
  db.exec("INSERT INTO calls (call_id, status, started_at, updated_at) VALUES ('c', 'x', 1, 1)");
  db.exec("INSERT INTO transcript VALUES ('c', 1, 'user', 'hi', 1)");
  db.exec("DELETE FROM calls");
  auto count = db.cached("SELECT count(*) FROM transcript");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 0);
  EXPECT_THROW(db.exec("INSERT INTO transcript VALUES ('missing', 1, 'user', 'hi', 1)"),
               core::Error);
}

}  // namespace
}  // namespace patter::dashboard
