#include "net/sse_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace patter::net {

namespace {
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
}  // namespace

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> events;
  feed(bytes, [&events](const SseEvent& event) { events.push_back(event); });
  return events;
}

void SseParser::feed(std::string_view bytes, const EventCallback& on_event) {
  if (failure_) throw SseError(*failure_);
  bytes = skip_byte_order_mark(bytes);
  while (!bytes.empty()) {
    if (skip_next_lf_) {
      skip_next_lf_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    const auto line_end = bytes.find_first_of("\r\n");
    if (line_end == std::string_view::npos) {
      append_to_line(bytes);
      return;
    }
    append_to_line(bytes.substr(0, line_end));
    skip_next_lf_ = bytes[line_end] == '\r';
    bytes.remove_prefix(line_end + 1);
    process_line(on_event);
  }
}

// The BOM may itself arrive split across feeds, so the bytes matched so far are remembered
// and handed back as content if the stream turns out not to start with a BOM.
std::string_view SseParser::skip_byte_order_mark(std::string_view bytes) {
  while (checking_bom_ && !bytes.empty()) {
    if (bytes.front() != kByteOrderMark[bom_bytes_matched_]) {
      checking_bom_ = false;
      append_to_line(kByteOrderMark.substr(0, bom_bytes_matched_));
      break;
    }
    bytes.remove_prefix(1);
    if (++bom_bytes_matched_ == kByteOrderMark.size()) checking_bom_ = false;
  }
  return bytes;
}

void SseParser::append_to_line(std::string_view bytes) {
  if (line_.size() + bytes.size() > limits_.max_line_bytes) {
    fail("SSE line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
  }
  line_.append(bytes);
}

void SseParser::process_line(const EventCallback& on_event) {
  const std::string_view line = line_;
  if (line.empty()) {
    dispatch(on_event);
  } else if (line.front() != ':') {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      process_field(line, {});
    } else {
      auto value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      process_field(line.substr(0, colon), value);
    }
  }
  line_.clear();
}

void SseParser::process_field(std::string_view name, std::string_view value) {
  if (name == "event") {
    event_type_.assign(value);
  } else if (name == "data") {
    if (data_.size() + value.size() + 1 > limits_.max_event_bytes) {
      fail("SSE event larger than " + std::to_string(limits_.max_event_bytes) + " bytes");
    }
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
  } else if (name == "retry") {
    const bool all_digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    std::int64_t milliseconds = 0;
    if (all_digits) {
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), milliseconds);
      if (error == std::errc{} && end == value.data() + value.size()) {
        retry_ = std::chrono::milliseconds(milliseconds);
      }
    }
  }
}

void SseParser::dispatch(const EventCallback& on_event) {
  if (has_data_) {
    SseEvent event;
    if (!event_type_.empty()) event.type = std::move(event_type_);
    event.data = std::move(data_);
    event.last_event_id = last_event_id_;
    has_data_ = false;
    data_.clear();
    event_type_.clear();
    on_event(event);
    return;
  }
  event_type_.clear();
}

void SseParser::fail(const std::string& message) {
  failure_ = message;
  throw SseError(message);
}

}  // namespace patter::net
