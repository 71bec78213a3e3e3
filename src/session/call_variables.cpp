#include "session/call_variables.hpp"

#include <string_view>

namespace patter::session {

namespace {

constexpr std::size_t kMaxCustomParamLength = 500;

std::string sanitize_custom_param(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out.push_back(c);
    if (out.size() == kMaxCustomParamLength) break;
  }
  return out;
}

}  // namespace

Variables call_variables(const std::map<std::string, std::string>& agent_variables,
                         const std::map<std::string, std::string>& custom_params) {
  Variables variables(agent_variables.begin(), agent_variables.end());
  for (const auto& [key, value] : custom_params) variables[key] = sanitize_custom_param(value);
  return variables;
}

}  // namespace patter::session
