#include "dashboard/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "dashboard/web_root.hpp"
#include "store_test_support.hpp"

namespace patter::dashboard {
namespace {

using testing::TempDir;

void write_text(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void write_spa(const std::filesystem::path& root) {
  write_text(root / "index.html", "<!doctype html><div id=root></div>");
  write_text(root / "assets/index-abc123.js", "console.log(1)");
  write_text(root / "assets/index-abc123.css", "body{}");
  write_text(root / "favicon.svg", "<svg/>");
  write_text(root / ".secret", "no");
}

TEST(StaticFilesTest, NamesContentTypesAndCachePolicy) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("assets/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("LICENSE"), "application/octet-stream");
  EXPECT_EQ(cache_control_for("assets/index-abc.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(cache_control_for("index.html"), "no-cache");
  EXPECT_EQ(cache_control_for("favicon.svg"), "no-cache");
}

TEST(StaticFilesTest, RefusesSegmentsThatCouldLeaveTheRoot) {
  EXPECT_TRUE(is_unsafe_segment(".."));
  EXPECT_TRUE(is_unsafe_segment("."));
  EXPECT_TRUE(is_unsafe_segment(".env"));
  EXPECT_TRUE(is_unsafe_segment(""));
  EXPECT_TRUE(is_unsafe_segment("a/b"));
  EXPECT_TRUE(is_unsafe_segment("a\\b"));
  EXPECT_TRUE(is_unsafe_segment(std::string("a\0b", 3)));
  EXPECT_FALSE(is_unsafe_segment("index-abc.js"));
}

TEST(StaticFilesTest, ServesOnlyWhatIsUnderTheRoot) {
  TempDir dir;
  write_spa(dir.path() / "dist");
  write_text(dir.path() / "outside.txt", "private");
  const auto files = StaticFiles::load(dir.path() / "dist");
  EXPECT_EQ(files.size(), 4u);
  const auto* script = files.find({"assets", "index-abc123.js"});
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->body, "console.log(1)");
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(&files.index(), files.find({}));
  EXPECT_EQ(files.find({"..", "outside.txt"}), nullptr);
  EXPECT_EQ(files.find({".secret"}), nullptr);
  EXPECT_EQ(files.find({"assets/index-abc123.js"}), nullptr);
  EXPECT_EQ(files.find({"missing.js"}), nullptr);
}

TEST(StaticFilesTest, NeedsAnIndex) {
  TempDir dir;
  EXPECT_THROW(static_cast<void>(StaticFiles::load(dir.path())), core::Error);
}

TEST(WebRootTest, TakesTheFirstCandidateWithAnIndex) {
  TempDir dir;
  write_spa(dir.path() / "second");
  write_spa(dir.path() / "third");
  const auto found =
      find_web_root({dir.path() / "first", dir.path() / "second", dir.path() / "third"});
  EXPECT_EQ(found, dir.path() / "second");
  EXPECT_EQ(find_web_root({dir.path() / "first"}), std::nullopt);
}

TEST(WebRootTest, ConfiguredPathComesFirstThenTheEnvironment) {
  ::setenv("PATTER_DASHBOARD_WEB", "/from/env", 1);
  const auto candidates = web_root_candidates("/configured");
  ::unsetenv("PATTER_DASHBOARD_WEB");
  ASSERT_GE(candidates.size(), 3u);
  EXPECT_EQ(candidates[0], "/configured");
  EXPECT_EQ(candidates[1], "/from/env");
  EXPECT_EQ(web_root_candidates("").front(), candidates[2]);
}

}  // namespace
}  // namespace patter::dashboard
