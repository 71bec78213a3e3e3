#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace patter::net {

// One dispatched Server-Sent Event (WHATWG HTML, "event stream interpretation").
struct SseEvent {
  std::string type = "message";  // the `event:` field, or "message" when absent
  std::string data;              // `data:` lines joined with '\n'
  std::string last_event_id;     // the stream's last `id:` so far (it persists across events)

  friend bool operator==(const SseEvent&, const SseEvent&) = default;
};

struct SseParserLimits {
  std::size_t max_line_bytes = std::size_t{64} * 1024;
  std::size_t max_event_bytes = std::size_t{1024} * 1024;  // all data lines of one event together
};

// A stream exceeded a limit. The parser stays failed: every later feed() throws again.
class SseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Incremental event-stream parser: feed it the body bytes as they arrive, split anywhere.
// Line endings may be CR, LF or CRLF (a CRLF may straddle two feeds); a leading UTF-8 BOM is
// skipped; comments and unknown fields are ignored; events without data are not dispatched.
class SseParser {
 public:
  using EventCallback = std::function<void(const SseEvent&)>;

  explicit SseParser(SseParserLimits limits = {}) : limits_(limits) {}

  void feed(std::string_view bytes, const EventCallback& on_event);
  std::vector<SseEvent> feed(std::string_view bytes);

  // The latest valid `retry:` value, the reconnection delay the server asked for.
  [[nodiscard]] std::optional<std::chrono::milliseconds> retry() const { return retry_; }
  [[nodiscard]] const std::string& last_event_id() const { return last_event_id_; }

 private:
  std::string_view skip_byte_order_mark(std::string_view bytes);
  void append_to_line(std::string_view bytes);
  void process_line(const EventCallback& on_event);
  void process_field(std::string_view name, std::string_view value);
  void dispatch(const EventCallback& on_event);
  [[noreturn]] void fail(const std::string& message);

  SseParserLimits limits_;
  std::string line_;
  std::string data_;
  std::string event_type_;
  std::string last_event_id_;
  std::optional<std::chrono::milliseconds> retry_;
  std::size_t bom_bytes_matched_ = 0;
  bool checking_bom_ = true;
  bool skip_next_lf_ = false;
  bool has_data_ = false;
  std::optional<std::string> failure_;
};

}  // namespace patter::net
