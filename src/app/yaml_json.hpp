#pragma once

#include <string>

#include "core/config.hpp"

namespace YAML {
class Node;
}

namespace patter::app {

// Writes a YAML value as compact JSON text, keys in document order. A plain scalar is expanded
// (${VAR}) and then keeps the type YAML's core schema gives it: null, true/false, an integer or a
// float (numbers already valid as JSON are written as they stand); quoted, block and tagged
// scalars stay strings. Throws core::Error (config_invalid) as "source:line:col: path: ..." for
// a key that is not a plain name, a repeated key or an unset variable.
[[nodiscard]] std::string yaml_to_json(const YAML::Node& node, const std::string& path,
                                       const std::string& source_name, const core::EnvLookup& env);

}  // namespace patter::app
