#include "app/serve_config.hpp"

#include <cstdlib>

#include "core/config.hpp"
#include "core/phone_number.hpp"

namespace patter::app {

namespace {

void apply_log_format(ServeConfig& config, const std::string& text, const std::string& where) {
  const auto format = core::parse_log_format(text);
  if (!format) {
    throw core::Error(core::Errc::config_invalid,
                      where + ": expected one of human, json, got \"" + text + "\"");
  }
  config.log.format = *format;
}

void apply_log_level(ServeConfig& config, const std::string& text, const std::string& where) {
  const auto level = core::parse_log_level(text);
  if (!level) {
    throw core::Error(core::Errc::config_invalid,
                      where + ": expected one of trace, debug, info, warn, error, critical, off, "
                              "got \"" + text + "\"");
  }
  config.log.level = *level;
}

constexpr std::string_view kDashboardTokenVariable = "PATTER_DASHBOARD_TOKEN";

server::TwilioSettings load_twilio_settings(const core::ConfigNode& twilio) {
  twilio.reject_unknown_keys({"account_sid", "auth_token", "public_host", "phone_number",
                              "require_signature", "configure_number", "use_rest_api", "api_base_url"});
  server::TwilioSettings settings;
  settings.account_sid = twilio.optional_credential("account_sid", "TWILIO_ACCOUNT_SID").value_or("");
  settings.auth_token = twilio.optional_credential("auth_token", "TWILIO_AUTH_TOKEN").value_or("");
  settings.public_host = twilio.required_string("public_host");
  settings.phone_number = twilio.string_or("phone_number", "");
  if (!settings.phone_number.empty() && !core::is_e164(settings.phone_number)) {
    throw twilio.error_at("phone_number", "expected an E.164 number such as +15550001234");
  }
  settings.require_signature = twilio.boolean_or("require_signature", true);
  settings.configure_number = twilio.boolean_or("configure_number", true);
  settings.use_rest_api = twilio.boolean_or("use_rest_api", true);
  settings.api_base_url = twilio.string_or("api_base_url", settings.api_base_url);
  return settings;
}

}  // namespace

std::filesystem::path default_database_path() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && *data_home != '\0') {
    return std::filesystem::path(data_home) / "patter" / "calls.db";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    throw core::Error(core::Errc::config_invalid,
                      "cannot place the call database: set HOME, XDG_DATA_HOME or dashboard.database");
  }
  return std::filesystem::path(home) / ".local" / "share" / "patter" / "calls.db";
}

ServeConfig load_serve_config(const std::optional<std::string>& path,
                              const ServeOverrides& overrides) {
  ServeConfig config;
  if (path) {
    const auto root = core::ConfigNode::load_file(*path);
    root.reject_unknown_keys({"server", "log", "dashboard", "agent", "twilio"});
    config.has_agent = root.has("agent");
    if (root.has("twilio")) config.twilio = load_twilio_settings(root.section("twilio"));

    const auto server = root.section("server");
    server.reject_unknown_keys({"host", "port", "drain_timeout_ms", "threads"});
    config.host = server.string_or("host", config.host);
    config.port = static_cast<std::uint16_t>(server.integer_or("port", config.port, 0, 65535));
    config.drain_timeout = std::chrono::milliseconds(
        server.integer_or("drain_timeout_ms", config.drain_timeout.count(), 0, 600'000));
    config.threads = static_cast<std::size_t>(server.integer_or("threads", 0, 0, 256));

    const auto log = root.section("log");
    log.reject_unknown_keys({"format", "level"});
    config.log.format = *core::parse_log_format(log.choice_or("format", "human", {"human", "json"}));
    config.log.level = *core::parse_log_level(log.choice_or(
        "level", "info", {"trace", "debug", "info", "warn", "error", "critical", "off"}));

    const auto dashboard = root.section("dashboard");
    dashboard.reject_unknown_keys({"enabled", "database", "token", "web_root"});
    config.dashboard.enabled = dashboard.boolean_or("enabled", true);
    config.dashboard.database = dashboard.string_or("database", "");
    config.dashboard.web_root = dashboard.string_or("web_root", "");
    config.dashboard.token =
        dashboard.optional_credential("token", kDashboardTokenVariable).value_or("");
  } else if (const char* token = std::getenv(std::string(kDashboardTokenVariable).c_str())) {
    config.dashboard.token = token;
    core::register_secret(config.dashboard.token);
  }
  if (overrides.host) config.host = *overrides.host;
  if (overrides.port) config.port = *overrides.port;
  if (overrides.log_format) apply_log_format(config, *overrides.log_format, "--log-format");
  if (overrides.log_level) apply_log_level(config, *overrides.log_level, "--log-level");
  if (overrides.dashboard_database) config.dashboard.database = *overrides.dashboard_database;
  if (overrides.no_dashboard) config.dashboard.enabled = false;
  if (config.dashboard.enabled && config.dashboard.database.empty()) {
    config.dashboard.database = default_database_path();
  }
  return config;
}

}  // namespace patter::app
