#include "dashboard/call_log_reader.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "dashboard/iso_time.hpp"
#include "session/metrics.hpp"

namespace patter::dashboard {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kDeletedIdsFile = ".deleted_call_ids.json";

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::optional<json::value> parse(std::string_view text) {
  boost::system::error_code error;
  auto value = json::parse(text, error);
  if (error) return std::nullopt;
  return value;
}

double number(const json::object& object, std::string_view key, double fallback = 0.0) {
  const auto* value = object.if_contains(key);
  if (!value) return fallback;
  if (value->is_double()) return value->get_double();
  if (value->is_int64()) return static_cast<double>(value->get_int64());
  if (value->is_uint64()) return static_cast<double>(value->get_uint64());
  return fallback;
}

std::optional<double> optional_number(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value || !value->is_number()) return std::nullopt;
  return number(object, key);
}

std::string text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

const json::object& object_or_empty(const json::object& object, std::string_view key) {
  static const json::object kEmpty;
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? value->get_object() : kEmpty;
}

std::optional<UnixMs> time_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_string()) return parse_iso_utc(value->get_string());
  if (value->is_number()) return static_cast<UnixMs>(std::llround(number(object, key) * 1000.0));
  return std::nullopt;
}

bool is_numeric(const std::string& name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

session::TurnMetrics parse_turn(const json::object& line) {
  session::TurnMetrics turn;
  turn.turn_index = static_cast<int>(number(line, "turn_index"));
  turn.user_text = text(line, "user_text");
  turn.agent_text = text(line, "agent_text");
  const auto& latency = object_or_empty(line, "latency");
  turn.latency.stt_ms = number(latency, "stt_ms");
  turn.latency.llm_ms = number(latency, "llm_ms");
  turn.latency.tts_ms = number(latency, "tts_ms");
  turn.latency.total_ms = number(latency, "total_ms");
  turn.latency.llm_ttft_ms = optional_number(latency, "llm_ttft_ms");
  turn.latency.llm_total_ms = optional_number(latency, "llm_total_ms");
  turn.latency.endpoint_ms = optional_number(latency, "endpoint_ms");
  turn.latency.bargein_ms = optional_number(latency, "bargein_ms");
  turn.latency.tts_total_ms = optional_number(latency, "tts_total_ms");
  turn.latency.agent_response_ms = optional_number(latency, "agent_response_ms");
  turn.latency.user_speech_duration_ms = optional_number(latency, "user_speech_duration_ms");
  turn.stt_audio_seconds = number(line, "stt_audio_seconds");
  turn.tts_characters = static_cast<std::size_t>(std::max(0.0, number(line, "tts_characters")));
  const auto at = time_field(line, "timestamp");
  const auto ts = at ? at : time_field(line, "ts");
  if (ts) turn.timestamp = from_unix_ms(*ts);
  return turn;
}

std::vector<session::TurnMetrics> read_turns(const fs::path& path) {
  std::vector<session::TurnMetrics> turns;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto value = parse(line);
    if (!value || !value->is_object()) {
      spdlog::warn("call log: skipping a malformed line in {}", path.string());
      continue;
    }
    turns.push_back(parse_turn(value->get_object()));
  }
  // A turn written twice (a retry) keeps its last line.
  std::stable_sort(turns.begin(), turns.end(),
                   [](const auto& a, const auto& b) { return a.turn_index < b.turn_index; });
  auto last = std::unique(turns.rbegin(), turns.rend(), [](const auto& a, const auto& b) {
    return a.turn_index == b.turn_index;
  });
  turns.erase(turns.begin(), last.base());
  return turns;
}

// The 0.5.5 logger nested cost and latency under "metrics"; later ones write them on top.
const json::object& section(const json::object& metadata, std::string_view key) {
  if (const auto* value = metadata.if_contains(key); value && value->is_object())
    return value->get_object();
  return object_or_empty(object_or_empty(metadata, "metrics"), key);
}

std::optional<LoggedCall> read_call(const fs::path& folder) {
  const auto content = read_text(folder / "metadata.json");
  if (!content) return std::nullopt;
  const auto value = parse(*content);
  if (!value || !value->is_object()) {
    spdlog::warn("call log: {} is not a JSON object", (folder / "metadata.json").string());
    return std::nullopt;
  }
  const auto& metadata = value->get_object();
  const auto started_at = time_field(metadata, "started_at");
  auto call_id = text(metadata, "call_id");
  if (!started_at || call_id.empty()) return std::nullopt;

  LoggedCall call;
  call.start.call_id = call_id;
  call.start.caller = text(metadata, "caller");
  call.start.callee = text(metadata, "callee");
  call.start.direction = text(metadata, "direction");
  call.start.telephony_provider = text(metadata, "telephony_provider");
  call.start.provider_mode = text(metadata, "provider_mode");
  const auto& agent = object_or_empty(metadata, "agent");
  call.start.agent_json = json::serialize(agent);
  call.start.at = *started_at;

  const auto ended_at = time_field(metadata, "ended_at");
  const double duration_ms = number(metadata, "duration_ms",
                                    ended_at ? static_cast<double>(*ended_at - *started_at) : 0.0);
  const auto status = text(metadata, "status");
  call.end.call_id = call_id;
  call.end.at = ended_at.value_or(*started_at + static_cast<UnixMs>(std::llround(duration_ms)));
  call.end.status =
      ended_at
          ? (status.empty() || status == "in_progress" ? std::string(kStatusCompleted) : status)
          : std::string("failed");
  call.end.caller = call.start.caller;
  call.end.callee = call.start.callee;

  session::CallMetrics metrics;
  metrics.call.call_id = call_id;
  metrics.call.duration_seconds = std::max(0.0, duration_ms) / 1000.0;
  metrics.call.provider_mode = call.start.provider_mode;
  metrics.call.telephony_provider = call.start.telephony_provider;
  metrics.turns = read_turns(folder / "transcript.jsonl");
  if (!metrics.turns.empty()) metrics.latency = session::aggregate_latency(metrics.turns);
  const auto& cost = section(metadata, "cost");
  metrics.cost.stt = number(cost, "stt");
  metrics.cost.tts = number(cost, "tts");
  metrics.cost.llm = number(cost, "llm");
  metrics.cost.telephony = number(cost, "telephony");
  metrics.cost.total = number(cost, "total");
  metrics.cost.llm_cached_savings = number(cost, "llm_cached_savings");
  const auto& latency = section(metadata, "latency");
  const auto take = [&latency](std::string_view key, double& field) {
    if (const auto given = optional_number(latency, key)) field = *given;
  };
  take("avg_ms", metrics.latency.average.total_ms);
  take("p50_ms", metrics.latency.p50.total_ms);
  take("p90_ms", metrics.latency.p90.total_ms);
  take("p95_ms", metrics.latency.p95.total_ms);
  take("p99_ms", metrics.latency.p99.total_ms);
  call.end.metrics = std::move(metrics);
  return call;
}

std::vector<fs::path> numeric_children(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.is_directory() && is_numeric(entry.path().filename().string()))
      out.push_back(entry.path());
  }
  return out;
}

}  // namespace

std::vector<LoggedCall> read_call_log(const fs::path& root, const std::set<std::string>& skip_ids) {
  std::vector<LoggedCall> calls;
  for (const auto& year : numeric_children(root / "calls")) {
    for (const auto& month : numeric_children(year)) {
      for (const auto& day : numeric_children(month)) {
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(day, error)) {
          if (!entry.is_directory()) continue;
          auto call = read_call(entry.path());
          if (call && !skip_ids.contains(call->start.call_id)) calls.push_back(std::move(*call));
        }
      }
    }
  }
  std::sort(calls.begin(), calls.end(), [](const LoggedCall& a, const LoggedCall& b) {
    return a.start.at != b.start.at ? a.start.at < b.start.at : a.start.call_id < b.start.call_id;
  });
  return calls;
}

std::set<std::string> read_deleted_call_ids(const fs::path& root) {
  std::set<std::string> ids;
  const auto content = read_text(root / kDeletedIdsFile);
  if (!content) return ids;
  const auto value = parse(*content);
  if (!value || !value->is_array()) {
    spdlog::warn("call log: {} is not a JSON array of call ids", (root / kDeletedIdsFile).string());
    return ids;
  }
  for (const auto& id : value->get_array()) {
    if (id.is_string()) ids.emplace(id.get_string());
  }
  return ids;
}

void add_deleted_call_ids(const fs::path& root, const std::vector<std::string>& ids) {
  auto all = read_deleted_call_ids(root);
  all.insert(ids.begin(), ids.end());
  json::array out;
  for (const auto& id : all) out.emplace_back(id);
  fs::create_directories(root);
  const auto path = root / kDeletedIdsFile;
  auto temporary = path;
  temporary += ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << json::serialize(out) << "\n";
    file.flush();
    if (!file)
      throw core::Error(core::Errc::unavailable, "call log: cannot write " + temporary.string());
  }
  fs::rename(temporary, path);
}

}  // namespace patter::dashboard
