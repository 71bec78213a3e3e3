#pragma once

#include <vector>

namespace patter::session {

// Hyndman–Fan type 7 percentile (the default of NumPy and R): rank = p·(n−1) over the sorted
// values, interpolated linearly between neighbours. `p` is a fraction in [0, 1]; an empty input
// gives 0.
double percentile_type7(std::vector<double> values, double p);

}  // namespace patter::session
