#include "app/yaml_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>
#include <utility>

#include <spdlog/fmt/fmt.h>
#include <yaml-cpp/yaml.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace patter::app {
namespace {

// yaml-cpp tags a plain (unquoted, untagged) scalar "?"; quoted and block scalars get "!".
constexpr std::string_view kPlainTag = "?";

std::string quoted_json(const std::string& text) {
  return boost::json::serialize(boost::json::value(text));
}

constexpr auto kNoMatch = std::string_view::npos;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t skip_digits(std::string_view text, std::size_t i) {
  while (i < text.size() && is_digit(text[i])) ++i;
  return i;
}

// Where an optional exponent starting at `i` ends; kNoMatch when it has no digits.
std::size_t scan_exponent(std::string_view text, std::size_t i) {
  if (i == text.size() || (text[i] != 'e' && text[i] != 'E')) return i;
  ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t end = skip_digits(text, i);
  return end == i ? kNoMatch : end;
}

// YAML 1.2 core schema: [-+]?[0-9]+
bool is_yaml_int(std::string_view text) {
  const std::size_t start = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  return text.size() > start && skip_digits(text, start) == text.size();
}

// YAML 1.2 core schema: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_yaml_float(std::string_view text) {
  std::size_t i = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  const std::size_t int_end = skip_digits(text, i);
  if (int_end > i) {
    i = int_end;
    if (i < text.size() && text[i] == '.') i = skip_digits(text, i + 1);
  } else {
    if (i == text.size() || text[i] != '.') return false;
    const std::size_t fraction_end = skip_digits(text, i + 1);
    if (fraction_end == i + 1) return false;
    i = fraction_end;
  }
  return scan_exponent(text, i) == text.size();
}

// JSON: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (i == text.size() || !is_digit(text[i])) return false;
  i = text[i] == '0' ? i + 1 : skip_digits(text, i);
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_end = skip_digits(text, i + 1);
    if (fraction_end == i + 1) return false;
    i = fraction_end;
  }
  return scan_exponent(text, i) == text.size();
}

// A plain scalar as YAML 1.2's core schema reads it.
std::string plain_scalar_json(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return "null";
  }
  if (text == "true" || text == "True" || text == "TRUE") return "true";
  if (text == "false" || text == "False" || text == "FALSE") return "false";
  if (is_yaml_int(text)) {
    const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
    const char* end = text.data() + text.size();
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end) return fmt::format("{}", value);
  }
  if (is_yaml_float(text)) {
    const double value = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(value)) return is_json_number(text) ? text : fmt::format("{}", value);
  }
  return quoted_json(text);
}

class JsonWriter {
 public:
  JsonWriter(const std::string& source_name, const core::EnvLookup& env)
      : source_name_(source_name), env_(env) {}

  void write(const YAML::Node& node, const std::string& path) {
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        write_scalar(node, path);
        return;
      case YAML::NodeType::Sequence:
        write_sequence(node, path);
        return;
      case YAML::NodeType::Map:
        write_map(node, path);
        return;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out_ += "null";
        return;
    }
  }

  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  [[nodiscard]] core::Error error_at(const YAML::Node& node, const std::string& path,
                                     std::string_view message) const {
    const auto mark = node.Mark();
    const std::string where =
        mark.is_null() ? source_name_
                       : fmt::format("{}:{}:{}", source_name_, mark.line + 1, mark.column + 1);
    return core::Error(core::Errc::config_invalid, fmt::format("{}: {}: {}", where, path, message));
  }

  void write_scalar(const YAML::Node& node, const std::string& path) {
    std::string text;
    try {
      text = core::expand_env(node.Scalar(), env_);
    } catch (const core::Error& e) {
      throw error_at(node, path, e.what());
    }
    out_ += node.Tag() == kPlainTag ? plain_scalar_json(text) : quoted_json(text);
  }

  void write_sequence(const YAML::Node& node, const std::string& path) {
    out_ += '[';
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (i > 0) out_ += ',';
      write(node[i], fmt::format("{}[{}]", path, i));
    }
    out_ += ']';
  }

  void write_map(const YAML::Node& node, const std::string& path) {
    out_ += '{';
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        throw error_at(entry.first, path, "keys must be plain names");
      }
      const std::string& key = entry.first.Scalar();
      const std::string key_path = path + "." + key;
      if (!seen.insert(key).second) throw error_at(entry.first, key_path, "repeated key");
      if (seen.size() > 1) out_ += ',';
      out_ += quoted_json(key);
      out_ += ':';
      write(entry.second, key_path);
    }
    out_ += '}';
  }

  const std::string& source_name_;
  const core::EnvLookup& env_;
  std::string out_;
};

}  // namespace

std::string yaml_to_json(const YAML::Node& node, const std::string& path,
                         const std::string& source_name, const core::EnvLookup& env) {
  JsonWriter writer(source_name, env);
  writer.write(node, path);
  return writer.take();
}

}  // namespace patter::app
