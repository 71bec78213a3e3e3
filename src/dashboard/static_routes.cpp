#include "dashboard/static_routes.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <utility>

#include "dashboard/static_files.hpp"
#include "dashboard/web_root.hpp"

namespace patter::dashboard {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// The SPA's client-side routes are shallow; deeper unknown paths get a plain 404.
constexpr std::size_t kMaxFallbackDepth = 8;

constexpr std::string_view kNotBuiltPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>patter dashboard not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:12vh auto;padding:0 24px;color:#1b1a17}
code,pre{background:#f3f0ea;border-radius:6px;padding:2px 6px}pre{padding:12px 14px}</style></head>
<body><h1>The dashboard is not built</h1>
<p>The server is running and its API answers under <code>/api/dashboard</code>, but the web
dashboard was not found. Build it (Node.js and npm needed):</p>
<pre>cd web/dashboard &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>then point <code>dashboard.web_root</code> (or <code>PATTER_DASHBOARD_WEB</code>) at
<code>web/dashboard/dist</code>, or rebuild with CMake, which builds it into the build tree.</p>
</body></html>
)";

HttpResponse file_response(const StaticFile& file) {
  HttpResponse response = HttpResponse::text(file.body, 200, file.content_type);
  response.headers.set("Cache-Control", file.cache_control);
  response.headers.set("X-Content-Type-Options", "nosniff");
  // The page URL may carry the dashboard token: never send it on as a referrer.
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}

HttpResponse not_built_response() {
  HttpResponse response =
      HttpResponse::text(std::string(kNotBuiltPage), 503, "text/html; charset=utf-8");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

bool names_a_file(const std::string& last_segment) {
  return last_segment.find('.') != std::string::npos;
}

HttpResponse answer(const StaticFiles* files, const HttpRequest& request) {
  const auto& segments = request.path_segments;
  if (!segments.empty() && segments.front() == "api") return HttpResponse::error(404, "Not found");
  if (!files) {
    if (segments.empty()) return not_built_response();
    return HttpResponse::error(404, "Not found");
  }
  if (const auto* file = files->find(segments)) return file_response(*file);
  for (const auto& segment : segments) {
    if (is_unsafe_segment(segment)) return HttpResponse::error(404, "Not found");
  }
  if (names_a_file(segments.back())) return HttpResponse::error(404, "Not found");
  return file_response(files->index());
}

std::string wildcard_pattern(std::size_t depth) {
  std::string pattern;
  for (std::size_t i = 0; i < depth; ++i) pattern += "/{s" + std::to_string(i) + "}";
  return pattern;
}

}  // namespace

void add_static_routes(net::Router& router, const std::optional<std::filesystem::path>& web_root) {
  std::shared_ptr<const StaticFiles> files;
  if (web_root) files = std::make_shared<const StaticFiles>(StaticFiles::load(*web_root));
  auto handler = [files](HttpRequest& request) -> boost::asio::awaitable<HttpResponse> {
    co_return answer(files.get(), request);
  };
  router.get("/", handler);
  for (std::size_t depth = 1; depth <= kMaxFallbackDepth; ++depth)
    router.get(wildcard_pattern(depth), handler);
}

void add_dashboard_web(net::Router& router, const std::filesystem::path& configured_web_root) {
  const auto candidates = web_root_candidates(configured_web_root);
  const auto web_root = find_web_root(candidates);
  if (!configured_web_root.empty() && web_root != configured_web_root) {
    spdlog::warn("dashboard.web_root {} holds no index.html", configured_web_root.string());
  }
  if (web_root) {
    spdlog::info("dashboard web app served at / from {}", web_root->string());
  } else {
    spdlog::warn(
        "the dashboard web app is not built: / explains how (cd web/dashboard && npm ci && npm run "
        "build)");
  }
  add_static_routes(router, web_root);
}

}  // namespace patter::dashboard
