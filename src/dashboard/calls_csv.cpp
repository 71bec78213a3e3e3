#include "dashboard/calls_csv.hpp"

#include <charconv>

#include "dashboard/iso_time.hpp"

namespace patter::dashboard {
namespace {

std::string format_number(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), result.ptr};
}

void write_row(std::ostream& out, std::span<const std::string> fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

}  // namespace

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void write_calls_csv(std::ostream& out, std::span<const CallRecord> calls) {
  const std::array<std::string, kCsvColumns.size()> header = [] {
    std::array<std::string, kCsvColumns.size()> names;
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = kCsvColumns[i];
    return names;
  }();
  write_row(out, header);
  for (const auto& call : calls) {
    const std::array<std::string, kCsvColumns.size()> fields = {
        call.call_id,
        call.caller,
        call.callee,
        call.direction,
        format_iso_utc(call.started_at),
        call.ended_at ? format_iso_utc(*call.ended_at) : std::string(),
        format_number(call.duration_seconds),
        format_number(call.cost.total),
        format_number(call.cost.stt),
        format_number(call.cost.tts),
        format_number(call.cost.llm),
        format_number(call.cost.telephony),
        format_number(call.latency.average),
        std::to_string(call.turns_count),
        call.provider_mode};
    write_row(out, fields);
  }
}

}  // namespace patter::dashboard
