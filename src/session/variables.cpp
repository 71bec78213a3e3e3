#include "session/variables.hpp"

namespace patter::session {

std::string substitute_variables(std::string_view template_text, const Variables& variables) {
  std::string out;
  out.reserve(template_text.size());
  std::size_t pos = 0;
  while (pos < template_text.size()) {
    const std::size_t open = template_text.find('{', pos);
    if (open == std::string_view::npos) break;
    out.append(template_text.substr(pos, open - pos));
    const std::size_t close = template_text.find('}', open + 1);
    if (close == std::string_view::npos) {
      pos = open;
      break;
    }
    const std::string_view name = template_text.substr(open + 1, close - open - 1);
    const auto found =
        name.find('{') == std::string_view::npos ? variables.find(name) : variables.end();
    if (found != variables.end()) {
      out += found->second;
      pos = close + 1;
    } else {
      out += '{';
      pos = open + 1;
    }
  }
  out.append(template_text.substr(pos));
  return out;
}

}  // namespace patter::session
