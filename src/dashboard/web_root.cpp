#include "dashboard/web_root.hpp"

#include <cstdlib>
#include <system_error>

namespace patter::dashboard {

std::vector<std::filesystem::path> web_root_candidates(const std::filesystem::path& configured) {
  std::vector<std::filesystem::path> out;
  const auto add = [&out](const std::filesystem::path& path) {
    if (!path.empty()) out.push_back(path);
  };
  add(configured);
  if (const char* variable = std::getenv("PATTER_DASHBOARD_WEB")) add(variable);
  add(PATTER_DASHBOARD_BUILD_WEB_ROOT);
  add(PATTER_DASHBOARD_INSTALL_WEB_ROOT);
  return out;
}

std::optional<std::filesystem::path> find_web_root(
    const std::vector<std::filesystem::path>& candidates) {
  for (const auto& candidate : candidates) {
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate / "index.html", error)) return candidate;
  }
  return std::nullopt;
}

}  // namespace patter::dashboard
