#include "dashboard/call_log.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "core/phone_number.hpp"
#include "dashboard/call_json.hpp"
#include "dashboard/iso_time.hpp"

namespace patter::dashboard {
namespace {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw core::Error(core::Errc::internal, "call log: SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    std::array<char, 3> pair{};
    std::snprintf(pair.data(), pair.size(), "%02x", digest[i]);
    hex += pair.data();
  }
  return hex;
}

[[noreturn]] void fail_io(const std::string& action, const std::filesystem::path& path) {
  throw core::Error(core::Errc::unavailable,
                    "call log: " + action + " " + path.string() + ": " +
                        std::error_code(errno, std::generic_category()).message());
}

class FileDescriptor {
 public:
  FileDescriptor(const std::filesystem::path& path, int flags)
      : fd_(::open(path.c_str(), flags, 0644)) {
    if (fd_ < 0) fail_io("open", path);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { ::close(fd_); }

  void write_all(std::string_view data, const std::filesystem::path& path) const {
    while (!data.empty()) {
      const auto written = ::write(fd_, data.data(), data.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        fail_io("write", path);
      }
      data.remove_prefix(static_cast<std::size_t>(written));
    }
  }
  void sync(const std::filesystem::path& path) const {
    if (::fsync(fd_) != 0) fail_io("fsync", path);
  }

 private:
  int fd_;
};

// Write to a temporary file, sync it, rename it over the target, sync the folder: a reader
// sees the old file or the new one, never a torn one, even after a crash.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content) {
  auto temporary = path;
  temporary += ".tmp";
  {
    const FileDescriptor file(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
    file.write_all(content, temporary);
    file.sync(temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail_io("rename", temporary);
  const FileDescriptor folder(path.parent_path(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  folder.sync(path.parent_path());
}

std::string folder_name(std::string_view call_id) {
  std::string name(call_id.substr(0, CallLog::kMaxFolderNameLength));
  for (auto& c : name) {
    if (c == '/') c = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

}  // namespace

namespace {

std::optional<int> number_of_digits(const std::string& name, std::size_t digits) {
  if (name.size() != digits || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(name);
}

bool remove_if_empty(const std::filesystem::path& folder) {
  std::error_code error;
  return std::filesystem::is_empty(folder, error) && std::filesystem::remove(folder, error);
}

}  // namespace

std::size_t prune_call_log(const std::filesystem::path& root, int retention_days, std::chrono::sys_days today) {
  namespace fs = std::filesystem;
  const auto calls = root / "calls";
  if (retention_days <= 0 || !fs::is_directory(calls)) return 0;
  const auto cutoff = today - std::chrono::days(retention_days);
  std::vector<fs::path> expired;
  std::vector<fs::path> containers;
  for (const auto& year : fs::directory_iterator(calls)) {
    const auto y = number_of_digits(year.path().filename().string(), 4);
    if (!y || !year.is_directory()) continue;
    for (const auto& month : fs::directory_iterator(year.path())) {
      const auto m = number_of_digits(month.path().filename().string(), 2);
      if (!m || !month.is_directory()) continue;
      for (const auto& day : fs::directory_iterator(month.path())) {
        const auto d = number_of_digits(day.path().filename().string(), 2);
        if (!d || !day.is_directory()) continue;
        const std::chrono::year_month_day date{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
                                               std::chrono::day(static_cast<unsigned>(*d))};
        if (date.ok() && std::chrono::sys_days(date) < cutoff) expired.push_back(day.path());
      }
      containers.push_back(month.path());
    }
    containers.push_back(year.path());
  }
  for (const auto& day : expired) fs::remove_all(day);
  for (const auto& folder : containers) remove_if_empty(folder);
  return expired.size();
}

std::optional<CallLogOptions> call_log_options_from_env(const core::EnvLookup& env) {
  const auto text = [&](std::string_view name) { return env(name).value_or(""); };
  const auto log_dir = text("PATTER_LOG_DIR");
  if (log_dir.empty()) return std::nullopt;
  const auto root = resolve_log_root(log_dir, text("XDG_DATA_HOME"), text("HOME"));
  if (!root) throw core::Error(core::Errc::config_invalid, "PATTER_LOG_DIR=auto needs XDG_DATA_HOME or HOME");
  CallLogOptions options;
  options.root = *root;
  if (const auto redaction = text("PATTER_LOG_REDACT_PHONE"); !redaction.empty()) {
    const auto parsed = parse_phone_redaction(redaction);
    if (!parsed) {
      throw core::Error(core::Errc::config_invalid,
                        "PATTER_LOG_REDACT_PHONE must be mask, full or hash_only, not \"" + redaction + "\"");
    }
    options.redaction = *parsed;
  }
  if (const auto days = text("PATTER_LOG_RETENTION_DAYS"); !days.empty()) {
    int value = -1;
    const auto [end, error] = std::from_chars(days.data(), days.data() + days.size(), value);
    if (error != std::errc() || end != days.data() + days.size() || value < 0) {
      throw core::Error(core::Errc::config_invalid,
                        "PATTER_LOG_RETENTION_DAYS must be a whole number of days (0 keeps everything), not \"" +
                            days + "\"");
    }
    options.retention_days = value;
  }
  return options;
}

std::optional<PhoneRedaction> parse_phone_redaction(std::string_view text) {
  if (text == "mask") return PhoneRedaction::mask;
  if (text == "full") return PhoneRedaction::full;
  if (text == "hash_only") return PhoneRedaction::hash_only;
  return std::nullopt;
}

std::string redact_phone(std::string_view number, PhoneRedaction redaction) {
  if (number.empty()) return {};
  switch (redaction) {
    case PhoneRedaction::mask:
      return core::mask_phone(number);
    case PhoneRedaction::full:
      return std::string(number);
    case PhoneRedaction::hash_only:
      return "sha256:" + sha256_hex(number).substr(0, 16);
  }
  return core::mask_phone(number);
}

std::optional<std::filesystem::path> resolve_log_root(std::string_view log_dir,
                                                      std::string_view xdg_data_home,
                                                      std::string_view home) {
  if (log_dir.empty()) return std::nullopt;
  if (log_dir != "auto") return std::filesystem::path(log_dir);
  if (!xdg_data_home.empty()) return std::filesystem::path(xdg_data_home) / "patter";
  if (!home.empty()) return std::filesystem::path(home) / ".local" / "share" / "patter";
  return std::nullopt;
}

CallLog::CallLog(std::filesystem::path root, PhoneRedaction redaction)
    : root_(std::move(root)), redaction_(redaction) {}

std::filesystem::path CallLog::call_dir(const CallRecord& call) const {
  using namespace std::chrono;
  const year_month_day date{floor<days>(sys_time<milliseconds>{milliseconds{call.started_at}})};
  std::array<char, 16> year{};
  std::array<char, 4> month{};
  std::array<char, 4> day{};
  std::snprintf(year.data(), year.size(), "%04d", static_cast<int>(date.year()));
  std::snprintf(month.data(), month.size(), "%02u", static_cast<unsigned>(date.month()));
  std::snprintf(day.data(), day.size(), "%02u", static_cast<unsigned>(date.day()));
  return root_ / "calls" / year.data() / month.data() / day.data() / folder_name(call.call_id);
}

void CallLog::write_metadata(const CallRecord& call, std::string_view error) const {
  const auto folder = call_dir(call);
  std::filesystem::create_directories(folder);
  const auto when = [](std::optional<UnixMs> ms) {
    return ms ? boost::json::value(format_iso_utc(*ms)) : boost::json::value(nullptr);
  };
  const boost::json::object metadata{
      {"schema_version", kCallLogSchemaVersion},
      {"call_id", call.call_id},
      {"trace_id", nullptr},
      {"started_at", when(call.started_at)},
      {"ended_at", when(call.ended_at)},
      {"duration_ms", std::llround(call.duration_seconds * 1000.0)},
      {"status", call.ended_at ? std::string_view(call.status) : std::string_view("in_progress")},
      {"caller", redact_phone(call.caller, redaction_)},
      {"callee", redact_phone(call.callee, redaction_)},
      {"telephony_provider", call.telephony_provider},
      {"provider_mode", call.provider_mode},
      {"agent", parse_json_object(call.agent_json, "agent")},
      {"turns", call.turns_count},
      {"cost", cost_to_json(call.cost)},
      {"latency",
       {{"avg_ms", call.latency.average},
        {"p50_ms", call.latency.p50},
        {"p90_ms", call.latency.p90},
        {"p95_ms", call.latency.p95},
        {"p99_ms", call.latency.p99}}},
      {"error", error.empty() ? boost::json::value(nullptr) : boost::json::value(error)},
  };
  replace_file_atomically(folder / "metadata.json", boost::json::serialize(metadata) + "\n");
}

void CallLog::append_turn(const CallRecord& call, const session::TurnMetrics& turn) const {
  const auto folder = call_dir(call);
  std::filesystem::create_directories(folder);
  boost::json::object line{{"schema_version", kCallLogSchemaVersion},
                           {"ts", format_iso_utc(to_unix_ms(turn.timestamp))}};
  for (auto& field : turn_to_json(turn)) line[field.key()] = std::move(field.value());
  const auto path = folder / "transcript.jsonl";
  const FileDescriptor file(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC);
  file.write_all(boost::json::serialize(line) + "\n", path);
  file.sync(path);
}

}  // namespace patter::dashboard
