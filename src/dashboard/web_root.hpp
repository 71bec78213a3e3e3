#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Where the built dashboard SPA (web/dashboard) is found: a folder holding index.html.
namespace patter::dashboard {

// The places searched, in order: the configured path (dashboard.web_root), then
// $PATTER_DASHBOARD_WEB, then the build tree this binary was compiled in, then the install
// data folder. Empty entries are left out.
[[nodiscard]] std::vector<std::filesystem::path> web_root_candidates(
    const std::filesystem::path& configured);

// The first candidate that holds an index.html.
[[nodiscard]] std::optional<std::filesystem::path> find_web_root(
    const std::vector<std::filesystem::path>& candidates);

}  // namespace patter::dashboard
