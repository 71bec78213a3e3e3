#pragma once

#include <filesystem>
#include <optional>

#include "net/router.hpp"

namespace patter::dashboard {

// Serves the built dashboard SPA at /: its files with their content types (hashed assets
// cached for a year, everything else revalidated), and index.html for any other GET path
// that is not under /api and does not name a file (client-side routes). Without a web root
// (nullopt), / answers a short page that says how to build the SPA. Add these routes after
// every other route: they match any GET path the earlier routes did not take.
void add_static_routes(net::Router& router, const std::optional<std::filesystem::path>& web_root);

// Finds the SPA (see web_root.hpp), logs where it is served from or how to build it, and adds
// the routes.
void add_dashboard_web(net::Router& router, const std::filesystem::path& configured_web_root);

}  // namespace patter::dashboard
