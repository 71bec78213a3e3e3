#include "core/config.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/log.hpp"

namespace patter::core {

struct ConfigNode::Document {
  std::string source_name;
  EnvLookup env;
};

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Mapping keys must be plain scalars ("? [a, b]: c" is valid YAML but not a configuration key).
std::string key_text(const YAML::Node& key, const std::string& source_name) {
  if (!key.IsScalar()) {
    const auto mark = key.Mark();
    throw Error(Errc::config_invalid, fmt::format("{}:{}:{}: keys must be plain names", source_name,
                                                  mark.line + 1, mark.column + 1));
  }
  return key.Scalar();
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

bool valid_env_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    if (const char* value = std::getenv(key.c_str())) return std::string(value);
    return std::nullopt;
  };
}

std::string expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw Error(Errc::config_invalid, "unterminated ${ in " + quoted(text));
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::optional<std::string_view> fallback;
    if (const auto sep = body.find(":-"); sep != std::string_view::npos) {
      fallback = body.substr(sep + 2);
      body = body.substr(0, sep);
    }
    if (!valid_env_name(body)) {
      throw Error(Errc::config_invalid,
                  "invalid environment variable name " + quoted(body) + " in " + quoted(text));
    }
    const auto value = env(body);
    if (value && !value->empty()) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw Error(Errc::config_invalid, "environment variable " + std::string(body) +
                                            " is not set (used as ${" + std::string(body) + "})");
    }
    i = close + 1;
  }
  return out;
}

ConfigNode::ConfigNode(std::shared_ptr<const Document> document, std::unique_ptr<YAML::Node> node,
                       std::string path)
    : document_(std::move(document)), node_(std::move(node)), path_(std::move(path)) {}

ConfigNode::ConfigNode(const ConfigNode& other)
    : document_(other.document_),
      node_(std::make_unique<YAML::Node>(*other.node_)),
      path_(other.path_) {}

ConfigNode& ConfigNode::operator=(const ConfigNode& other) {
  if (this != &other) {
    document_ = other.document_;
    node_ = std::make_unique<YAML::Node>(*other.node_);
    path_ = other.path_;
  }
  return *this;
}

ConfigNode::ConfigNode(ConfigNode&&) noexcept = default;
ConfigNode& ConfigNode::operator=(ConfigNode&&) noexcept = default;
ConfigNode::~ConfigNode() = default;

ConfigNode ConfigNode::load_file(const std::string& path, EnvLookup env) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error(Errc::config_invalid, path + ": cannot open configuration file");
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  return parse(contents.str(), path, std::move(env));
}

ConfigNode ConfigNode::parse(std::string_view yaml_text, std::string source_name, EnvLookup env) {
  auto document = std::make_shared<Document>(Document{std::move(source_name), std::move(env)});
  const YAML::Node root = [&] {
    try {
      return YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
      throw Error(Errc::config_invalid,
                  fmt::format("{}:{}:{}: YAML syntax error: {}", document->source_name,
                              e.mark.line + 1, e.mark.column + 1, e.msg));
    }
  }();
  ConfigNode config(document, std::make_unique<YAML::Node>(root), "");
  if (!root.IsNull() && root.IsDefined() && !root.IsMap()) {
    throw config.error_at("", "expected a mapping of keys at the top level");
  }
  return config;
}

std::string ConfigNode::child_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  if (key.empty()) return path_;
  return path_ + "." + std::string(key);
}

std::string ConfigNode::location(const YAML::Node& node) const {
  const auto mark = node.Mark();
  if (mark.is_null()) return document_->source_name;
  return fmt::format("{}:{}:{}", document_->source_name, mark.line + 1, mark.column + 1);
}

Error ConfigNode::error_at(std::string_view key, std::string_view message) const {
  // yaml-cpp nodes have reference semantics (assignment writes through), so never assign them.
  const YAML::Node& self = *node_;
  std::string where_in_file = location(self);
  if (!key.empty() && self.IsMap()) {
    const YAML::Node child = self[std::string(key)];
    if (child.IsDefined()) where_in_file = location(child);
  }
  const std::string where = child_path(key);
  return Error(Errc::config_invalid,
               fmt::format("{}: {}{}", where_in_file, where.empty() ? "" : where + ": ", message));
}

bool ConfigNode::has(std::string_view key) const {
  const YAML::Node& self = *node_;
  if (!self.IsMap()) return false;
  const YAML::Node child = self[std::string(key)];
  return child.IsDefined() && !child.IsNull();
}

bool ConfigNode::is_map() const { return node_->IsMap(); }
bool ConfigNode::is_null() const { return !node_->IsDefined() || node_->IsNull(); }

ConfigNode ConfigNode::section(std::string_view key) const {
  const YAML::Node& self = *node_;
  if (!has(key)) {
    return ConfigNode(document_, std::make_unique<YAML::Node>(YAML::NodeType::Null), child_path(key));
  }
  const YAML::Node child = self[std::string(key)];
  if (!child.IsMap()) throw error_at(key, "expected a mapping of keys");
  return ConfigNode(document_, std::make_unique<YAML::Node>(child), child_path(key));
}

std::vector<ConfigNode> ConfigNode::list(std::string_view key) const {
  std::vector<ConfigNode> items;
  if (!has(key)) return items;
  const YAML::Node& self = *node_;
  const YAML::Node sequence = self[std::string(key)];
  if (!sequence.IsSequence()) throw error_at(key, "expected a list");
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    items.push_back(ConfigNode(document_, std::make_unique<YAML::Node>(sequence[i]),
                               fmt::format("{}[{}]", child_path(key), i)));
  }
  return items;
}

std::vector<std::string> ConfigNode::keys() const {
  std::vector<std::string> names;
  if (!node_->IsMap()) return names;
  for (const auto& entry : *node_) names.push_back(key_text(entry.first, document_->source_name));
  return names;
}

std::optional<std::string> ConfigNode::scalar_at(std::string_view key,
                                                 std::string_view expected) const {
  if (!has(key)) return std::nullopt;
  const YAML::Node& self = *node_;
  const YAML::Node child = self[std::string(key)];
  if (!child.IsScalar()) throw error_at(key, fmt::format("expected {}", expected));
  try {
    return expand_env(child.Scalar(), document_->env);
  } catch (const Error& e) {
    throw error_at(key, e.what());
  }
}

std::string ConfigNode::scalar() const {
  if (!node_->IsScalar()) throw error_at("", "expected a single value");
  try {
    return expand_env(node_->Scalar(), document_->env);
  } catch (const Error& e) {
    throw error_at("", e.what());
  }
}

std::string ConfigNode::required_string(std::string_view key) const {
  auto value = scalar_at(key, "a string");
  if (!value) throw error_at(key, "is required");
  return *value;
}

std::string ConfigNode::string_or(std::string_view key, std::string fallback) const {
  return scalar_at(key, "a string").value_or(std::move(fallback));
}

std::int64_t ConfigNode::integer_or(std::string_view key, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) const {
  const auto text = scalar_at(key, "an integer");
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    throw error_at(key, fmt::format("expected an integer between {} and {}, got {}", min, max,
                                    quoted(*text)));
  }
  return value;
}

double ConfigNode::number_or(std::string_view key, double fallback, double min, double max) const {
  const auto text = scalar_at(key, "a number");
  if (!text) return fallback;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || errno != 0 || value < min ||
      value > max) {
    throw error_at(key,
                   fmt::format("expected a number between {} and {}, got {}", min, max, quoted(*text)));
  }
  return value;
}

bool ConfigNode::boolean_or(std::string_view key, bool fallback) const {
  const auto text = scalar_at(key, "true or false");
  if (!text) return fallback;
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  throw error_at(key, "expected true or false, got " + quoted(*text));
}

std::string ConfigNode::choice_or(std::string_view key, std::string fallback,
                                  std::initializer_list<std::string_view> allowed) const {
  auto value = scalar_at(key, "a string");
  if (!value) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return *value;
  std::string options;
  for (const auto& option : allowed) options += (options.empty() ? "" : ", ") + std::string(option);
  throw error_at(key, fmt::format("expected one of {}, got {}", options, quoted(*value)));
}

std::vector<std::string> ConfigNode::strings(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& item : list(key)) values.push_back(item.scalar());
  return values;
}

std::optional<std::string> ConfigNode::optional_credential(std::string_view key,
                                                           std::string_view env_var) const {
  auto value = scalar_at(key, "a string");
  if (!value || value->empty()) value = document_->env(env_var);
  if (!value || value->empty()) return std::nullopt;
  register_secret(*value);
  return value;
}

std::string ConfigNode::credential(std::string_view key, std::string_view env_var) const {
  if (auto value = optional_credential(key, env_var)) return *value;
  throw Error(Errc::missing_credential,
              fmt::format("{}: missing credential: set the environment variable {} (or the key "
                          "'{}' in {})",
                          child_path(key), env_var, child_path(key), document_->source_name));
}

void ConfigNode::reject_unknown_keys(std::initializer_list<std::string_view> allowed) const {
  if (!node_->IsMap()) return;
  for (const auto& entry : *node_) {
    const auto name = key_text(entry.first, document_->source_name);
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string_view suggestion;
    std::size_t best = 3;  // suggest only close matches
    for (const auto& option : allowed) {
      const auto distance = edit_distance(name, option);
      if (distance < best) {
        best = distance;
        suggestion = option;
      }
    }
    std::string message = "unknown key";
    if (!suggestion.empty()) message += fmt::format(" (did you mean '{}'?)", suggestion);
    std::string where = child_path(name);
    throw Error(Errc::config_invalid,
                fmt::format("{}: {}: {}", location(entry.first), where, message));
  }
}

}  // namespace patter::core
