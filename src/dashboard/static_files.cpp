#include "dashboard/static_files.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <utility>

#include "core/error.hpp"

namespace patter::dashboard {
namespace {

struct TypeByExtension {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<TypeByExtension, 20> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".wasm", "application/wasm"},
    {".txt", "text/plain; charset=utf-8"},
    {".xml", "application/xml"},
}};

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw core::Error(core::Errc::unavailable, "dashboard web: cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_hidden(const std::filesystem::path& relative) {
  for (const auto& part : relative) {
    if (part.string().starts_with('.')) return true;
  }
  return false;
}

}  // namespace

std::string content_type_for(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto extension = file_name.substr(dot);
  for (const auto& entry : kTypes) {
    if (entry.extension == extension) return std::string(entry.type);
  }
  return "application/octet-stream";
}

std::string cache_control_for(std::string_view relative_path) {
  if (relative_path.starts_with("assets/")) return "public, max-age=31536000, immutable";
  return "no-cache";
}

bool is_unsafe_segment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return true;
  return segment.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos;
}

StaticFiles StaticFiles::load(const std::filesystem::path& root) {
  if (!std::filesystem::is_regular_file(root / "index.html")) {
    throw core::Error(core::Errc::config_invalid,
                      "dashboard web: no index.html in " + root.string());
  }
  StaticFiles out;
  std::size_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.is_symlink()) continue;
    const auto relative = std::filesystem::relative(entry.path(), root);
    if (is_hidden(relative)) continue;
    if (entry.file_size() > kMaxFileBytes) {
      throw core::Error(core::Errc::config_invalid,
                        "dashboard web: " + entry.path().string() + " is too large");
    }
    total += entry.file_size();
    if (total > kMaxTotalBytes) {
      throw core::Error(core::Errc::config_invalid,
                        "dashboard web: " + root.string() + " is too large");
    }
    const auto key = relative.generic_string();
    out.files_.emplace(
        key, StaticFile{read_all(entry.path()), content_type_for(key), cache_control_for(key)});
  }
  return out;
}

const StaticFile* StaticFiles::find(const std::vector<std::string>& segments) const {
  if (segments.empty()) return &index();
  std::string key;
  for (const auto& segment : segments) {
    if (is_unsafe_segment(segment)) return nullptr;
    if (!key.empty()) key += '/';
    key += segment;
  }
  const auto found = files_.find(key);
  return found == files_.end() ? nullptr : &found->second;
}

const StaticFile& StaticFiles::index() const {
  return files_.find(std::string_view("index.html"))->second;
}

}  // namespace patter::dashboard
