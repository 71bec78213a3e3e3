#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace patter::core {

enum class LogFormat { human, json };

struct LogOptions {
  LogFormat format = LogFormat::human;
  spdlog::level::level_enum level = spdlog::level::info;
};

[[nodiscard]] std::optional<LogFormat> parse_log_format(std::string_view text);
[[nodiscard]] std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text);

// Installs the process-wide logger (stderr) with the chosen format. Every line passes
// through redact() first, so credentials never reach a log.
void init_logging(const LogOptions& options);

// Marks a value as secret: any later log line containing it shows "***" instead. Values
// shorter than 6 characters are ignored (they would mask ordinary words).
void register_secret(std::string_view secret);

// Masks credentials in a log line: registered secrets, Authorization / API-key headers and
// JSON fields, Bearer/Token/Basic credentials, key-like query parameters, and OpenAI-style keys.
[[nodiscard]] std::string redact(std::string_view line);

// The formatter used by init_logging, exposed so tests can format into their own sinks.
[[nodiscard]] std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

}  // namespace patter::core
