#include "app/serve_config.hpp"

#include "core/config.hpp"

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

}  // namespace

ServeConfig load_serve_config(const std::optional<std::string>& path,
                              const ServeOverrides& overrides) {
  ServeConfig config;
  if (path) {
    const auto root = core::ConfigNode::load_file(*path);
    root.reject_unknown_keys({"server", "log"});

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
  }
  if (overrides.host) config.host = *overrides.host;
  if (overrides.port) config.port = *overrides.port;
  if (overrides.log_format) apply_log_format(config, *overrides.log_format, "--log-format");
  if (overrides.log_level) apply_log_level(config, *overrides.log_level, "--log-level");
  return config;
}

}  // namespace patter::app
