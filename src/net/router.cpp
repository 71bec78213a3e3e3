#include "net/router.hpp"

namespace patter::net {
namespace {

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const std::size_t slash = pattern.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? pattern.size() : slash;
    if (end > start) segments.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::optional<NameValuePairs> match_segments(const Route& route, const std::vector<std::string>& path) {
  if (route.segments.size() != path.size()) return std::nullopt;
  NameValuePairs params;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& pattern = route.segments[i];
    if (is_parameter(pattern)) {
      params.emplace_back(pattern.substr(1, pattern.size() - 2), path[i]);
    } else if (pattern != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

bool is_websocket(const Route& route) { return std::holds_alternative<WebSocketRoute>(route.target); }

}  // namespace

void Router::add(std::string method, std::string_view pattern, HttpHandler handler) {
  routes_.push_back({std::move(method), split_pattern(pattern), std::move(handler)});
}

void Router::add_stream(std::string method, std::string_view pattern, StreamHandler handler) {
  routes_.push_back({std::move(method), split_pattern(pattern), std::move(handler)});
}

void Router::add_websocket(std::string_view pattern, WebSocketHandler handler, UpgradeCheck check) {
  routes_.push_back({"GET", split_pattern(pattern), WebSocketRoute{std::move(handler), std::move(check)}});
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& path_segments,
                         bool websocket_upgrade) const {
  RouteMatch result;
  for (const auto& route : routes_) {
    if (websocket_upgrade && !is_websocket(route)) continue;
    auto params = match_segments(route, path_segments);
    if (!params) continue;
    if (route.method != method) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += route.method;
      continue;
    }
    result.route = &route;
    result.params = std::move(*params);
    result.outcome = is_websocket(route) && !websocket_upgrade ? RouteMatch::Outcome::upgrade_required
                                                               : RouteMatch::Outcome::found;
    result.allow.clear();
    return result;
  }
  if (!result.allow.empty()) result.outcome = RouteMatch::Outcome::method_not_allowed;
  return result;
}

}  // namespace patter::net
