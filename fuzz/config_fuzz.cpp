// Feeds arbitrary text to the YAML configuration loader and reads it the way `serve` does:
// every input must end in a value or a patter::core::Error, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  try {
    const auto root = patter::core::ConfigNode::parse(text, "fuzz.yaml", no_env);
    for (const auto& key : root.keys()) {
      const auto section = root.section(key);
      for (const auto& inner : section.keys()) {
        (void)section.string_or(inner, "");
        (void)section.integer_or(inner, 0, -1000, 1000);
        (void)section.boolean_or(inner, false);
        (void)section.strings(inner);
      }
    }
    root.reject_unknown_keys({"server", "log"});
  } catch (const patter::core::Error&) {
  }
  return 0;
}
