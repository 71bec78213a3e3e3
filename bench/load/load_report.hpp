#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "load_run.hpp"

namespace patter::load {

[[nodiscard]] boost::json::object to_json(const LoadReport& report);
// One row per load point, in a fixed-width table.
[[nodiscard]] std::string format_table(const std::vector<LoadReport>& reports);

}  // namespace patter::load
