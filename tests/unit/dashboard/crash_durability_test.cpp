#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dashboard/call_store.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using namespace testing;

constexpr std::int32_t kMaxRecords = 5000;
constexpr std::size_t kKillAfterReports = 100;

std::string record_id(std::int32_t n) {
  return "CA-crash-" + std::to_string(n);
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const auto written = ::write(fd, bytes, size);
    if (written <= 0) return false;
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

// Child side: writes calls and reports each id once flush() says it is committed, until it
// is killed (after kMaxRecords it waits to be killed, so the ending is always a SIGKILL).
[[noreturn]] void write_records_until_killed(const TempDir& dir, int report_fd) {
  try {
    CallStore store(options_for(dir));
    for (std::int32_t n = 0; n < kMaxRecords; ++n) {
      const auto id = record_id(n);
      record_finished_call(store, id, kT0 + n, 2.0, 0.001 * (n + 1), 300.0);
      store.record_turn(id, make_turn(0, "hello", "hi there", 300.0, kT0 + n));
      store.flush();
      if (!write_all(report_fd, &n, sizeof n)) ::_exit(3);
    }
  } catch (...) {
    ::_exit(2);
  }
  for (;;) ::pause();
}

bool read_report(int fd, std::int32_t& n) {
  auto* bytes = reinterpret_cast<char*>(&n);
  std::size_t got = 0;
  while (got < sizeof n) {
    const auto count = ::read(fd, bytes + got, sizeof n - got);
    if (count <= 0) return false;
    got += static_cast<std::size_t>(count);
  }
  return true;
}

TEST(CrashDurabilityTest, EveryFlushedRecordSurvivesSigkill) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    write_records_until_killed(dir, fds[1]);
  }
  ::close(fds[1]);

  std::vector<std::int32_t> reported;
  std::int32_t n = 0;
  while (reported.size() < kKillAfterReports && read_report(fds[0], n)) reported.push_back(n);
  ASSERT_EQ(reported.size(), kKillAfterReports) << "child stopped reporting early";
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  // Reports already in the pipe were flushed before the kill: they must survive too.
  while (read_report(fds[0], n)) reported.push_back(n);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  {
    SqliteDb raw(dir.database());
    auto check = raw.cached("PRAGMA integrity_check");
    ASSERT_TRUE(check->step());
    EXPECT_EQ(check->text(0), "ok");
  }
  CallStore store(options_for(dir));
  for (const auto id : reported) {
    const auto detail = store.get_call(record_id(id));
    ASSERT_TRUE(detail) << record_id(id);
    EXPECT_EQ(detail->call.status, "completed");
    EXPECT_DOUBLE_EQ(detail->call.cost.total, 0.001 * (id + 1));
    EXPECT_EQ(detail->turns.size(), 1u);
  }
}

}  // namespace
}  // namespace patter::dashboard
