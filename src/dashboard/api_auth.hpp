#pragma once

#include <string_view>

#include "dashboard/api_options.hpp"
#include "net/http_message.hpp"

namespace patter::dashboard {

// True when the request carries the configured token, as `Authorization: Bearer <token>` or
// `?token=<token>`, or when the options do not enforce auth. Compared in constant time.
[[nodiscard]] bool is_authorized(const net::HttpRequest& request, const DashboardApiOptions& options);

// Throws core::Error(config_invalid) when the dashboard would listen beyond loopback with
// no token: call logs hold phone numbers and transcripts.
void validate_dashboard_exposure(std::string_view host, std::string_view token);

}  // namespace patter::dashboard
