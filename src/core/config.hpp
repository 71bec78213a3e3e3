#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace YAML {
class Node;
}

namespace patter::core {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment.
[[nodiscard]] EnvLookup process_env();

// Expands ${VAR} and ${VAR:-default} in `text`; "$${" stands for a literal "${". An unset
// variable without a default is an error naming the variable.
[[nodiscard]] std::string expand_env(std::string_view text, const EnvLookup& env);

// A node of a YAML configuration document that knows where it came from, so every error
// names the file, the line and column, and the key path: "agent.yaml:3:9: server.port: ...".
// Scalar values go through ${ENV} expansion when read.
class ConfigNode {
 public:
  // Parses a file / a string; syntax errors are Errc::config_invalid with file:line:column.
  static ConfigNode load_file(const std::string& path, EnvLookup env = process_env());
  static ConfigNode parse(std::string_view yaml_text, std::string source_name,
                          EnvLookup env = process_env());

  ConfigNode(const ConfigNode&);
  ConfigNode& operator=(const ConfigNode&);
  ConfigNode(ConfigNode&&) noexcept;
  ConfigNode& operator=(ConfigNode&&) noexcept;
  ~ConfigNode();

  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] bool is_map() const;
  [[nodiscard]] bool is_null() const;
  [[nodiscard]] const std::string& path() const { return path_; }

  // A nested mapping; an absent key gives an empty (null) node, a non-mapping is an error.
  [[nodiscard]] ConfigNode section(std::string_view key) const;
  // The elements of a sequence under `key` (absent → empty).
  [[nodiscard]] std::vector<ConfigNode> list(std::string_view key) const;
  // The keys of this mapping, in document order.
  [[nodiscard]] std::vector<std::string> keys() const;

  [[nodiscard]] std::string required_string(std::string_view key) const;
  [[nodiscard]] std::string string_or(std::string_view key, std::string fallback) const;
  [[nodiscard]] std::int64_t integer_or(std::string_view key, std::int64_t fallback,
                                        std::int64_t min, std::int64_t max) const;
  [[nodiscard]] double number_or(std::string_view key, double fallback, double min,
                                 double max) const;
  [[nodiscard]] bool boolean_or(std::string_view key, bool fallback) const;
  [[nodiscard]] std::string choice_or(std::string_view key, std::string fallback,
                                      std::initializer_list<std::string_view> allowed) const;
  [[nodiscard]] std::vector<std::string> strings(std::string_view key) const;
  // This node's own scalar value (for list elements).
  [[nodiscard]] std::string scalar() const;

  // A credential from `key`, else from the environment variable `env_var`; missing both is
  // Errc::missing_credential naming the variable to set. The value is registered as a secret
  // so it never appears in logs.
  [[nodiscard]] std::string credential(std::string_view key, std::string_view env_var) const;
  [[nodiscard]] std::optional<std::string> optional_credential(std::string_view key,
                                                               std::string_view env_var) const;

  // Errors on any key not in `allowed`, suggesting the closest allowed key for typos.
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;

  // An Errc::config_invalid error located at `key` (or at this node when key is empty).
  [[nodiscard]] Error error_at(std::string_view key, std::string_view message) const;

 private:
  struct Document;
  ConfigNode(std::shared_ptr<const Document> document, std::unique_ptr<YAML::Node> node,
             std::string path);
  [[nodiscard]] std::optional<std::string> scalar_at(std::string_view key,
                                                     std::string_view expected) const;
  [[nodiscard]] std::string child_path(std::string_view key) const;
  [[nodiscard]] std::string location(const YAML::Node& node) const;

  std::shared_ptr<const Document> document_;
  std::unique_ptr<YAML::Node> node_;
  std::string path_;
};

}  // namespace patter::core
