#pragma once

#include <patter/metrics.hpp>

namespace patter::session {
using patter::CostBreakdown;
}  // namespace patter::session
