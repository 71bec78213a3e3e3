// Feeds arbitrary bytes to SseParser twice, whole and split into pieces chosen by the input,
// and checks both feeds give the same events (or both hit the same limit).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "net/sse_parser.hpp"

namespace {

struct Outcome {
  std::vector<patter::net::SseEvent> events;
  bool failed = false;
};

Outcome parse_in_pieces(std::string_view input, std::size_t piece_size) {
  patter::net::SseParser parser(
      patter::net::SseParserLimits{.max_line_bytes = 256, .max_event_bytes = 1024});
  Outcome outcome;
  try {
    while (!input.empty()) {
      const auto piece = input.substr(0, piece_size);
      input.remove_prefix(piece.size());
      parser.feed(piece,
                  [&](const patter::net::SseEvent& event) { outcome.events.push_back(event); });
    }
  } catch (const patter::net::SseError&) {
    outcome.failed = true;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece_size = 1 + data[0] % 17;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = parse_in_pieces(input, input.size() + 1);
  const auto split = parse_in_pieces(input, piece_size);
  if (whole.failed != split.failed) std::abort();
  if (!whole.failed && whole.events != split.events) std::abort();
  return 0;
}
