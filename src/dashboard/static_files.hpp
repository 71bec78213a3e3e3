#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The built dashboard SPA, read once into memory: requests are answered from this snapshot,
// so no request path ever reaches the file system.
namespace patter::dashboard {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string cache_control;
};

class StaticFiles {
 public:
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
  static constexpr std::size_t kMaxTotalBytes = 64 * 1024 * 1024;

  // Reads every regular file under `root` (hidden files and folders are skipped, symlinks
  // are not followed). Throws core::Error when `root` has no index.html or is too large.
  static StaticFiles load(const std::filesystem::path& root);

  // The file for URL path segments ("assets", "index-abc.js"); nullopt for an unknown file
  // or for segments that are empty, hidden ("." first) or hold a separator.
  [[nodiscard]] const StaticFile* find(const std::vector<std::string>& segments) const;
  [[nodiscard]] const StaticFile& index() const;
  [[nodiscard]] std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

// "text/javascript; charset=utf-8" for "app.js"; application/octet-stream when unknown.
[[nodiscard]] std::string content_type_for(std::string_view file_name);
// Vite puts content-hashed names under assets/: those may be cached for a year; anything
// else (index.html first) must be revalidated.
[[nodiscard]] std::string cache_control_for(std::string_view relative_path);
// True for a segment that cannot name a served file: empty, ".", "..", hidden, or holding
// '/', '\\' or NUL.
[[nodiscard]] bool is_unsafe_segment(std::string_view segment);

}  // namespace patter::dashboard
