#include "core/log.hpp"

#include <chrono>
#include <ctime>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <spdlog/sinks/stdout_sinks.h>

namespace patter::core {

namespace {

std::string iso_timestamp(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t as_time_t = seconds.count();
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);
  char buffer[32];
  const auto length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03d}Z", std::string_view(buffer, length), millis.count());
}

std::string json_quote(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

class RedactingFormatter final : public spdlog::formatter {
 public:
  explicit RedactingFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string message = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    std::string line;
    if (format_ == LogFormat::json) {
      line = fmt::format(R"({{"ts":"{}","level":"{}","logger":{},"msg":{}}})",
                         iso_timestamp(msg.time), std::string_view(level.data(), level.size()),
                         json_quote(logger.empty() ? "patter" : logger), json_quote(message));
    } else {
      line = fmt::format("{} {:<5} [{}] {}", iso_timestamp(msg.time),
                         std::string_view(level.data(), level.size()),
                         logger.empty() ? "patter" : logger, message);
    }
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<RedactingFormatter>(format_);
  }

 private:
  LogFormat format_;
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "human" || text == "text") return LogFormat::human;
  if (text == "json") return LogFormat::json;
  return std::nullopt;
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn}, {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [name, level] : kLevels) {
    if (name == text) return level;
  }
  return std::nullopt;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  return std::make_unique<RedactingFormatter>(format);
}

void init_logging(const LogOptions& options) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(make_log_formatter(options.format));
  auto logger = std::make_shared<spdlog::logger>("patter", std::move(sink));
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace patter::core
