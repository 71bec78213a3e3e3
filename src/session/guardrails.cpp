#include "session/guardrails.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <exception>

namespace patter::session {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

}  // namespace

std::optional<std::string> apply_guardrails(std::span<const Guardrail> guardrails,
                                            std::string_view text) {
  if (guardrails.empty()) return std::nullopt;
  const std::string lowered = lower(text);
  for (const auto& guardrail : guardrails) {
    for (const auto& term : guardrail.blocked_terms) {
      if (!term.empty() && lowered.find(lower(term)) != std::string::npos) {
        spdlog::info("guardrail {} blocked a sentence (term)", guardrail.name);
        return guardrail.replacement;
      }
    }
    if (!guardrail.check) continue;
    try {
      if (guardrail.check(text)) {
        spdlog::info("guardrail {} blocked a sentence (check)", guardrail.name);
        return guardrail.replacement;
      }
    } catch (const std::exception& error) {
      spdlog::warn("guardrail {} check raised (text passes): {}", guardrail.name, error.what());
    }
  }
  return std::nullopt;
}

}  // namespace patter::session
