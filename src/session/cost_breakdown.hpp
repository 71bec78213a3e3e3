#pragma once

namespace patter::session {

// US dollars, rounded to 6 decimals.
struct CostBreakdown {
  double stt = 0.0;
  double tts = 0.0;
  double llm = 0.0;
  double telephony = 0.0;
  double total = 0.0;
  double llm_cached_savings = 0.0;  // what cached prompt tokens saved, already left out of `llm`

  bool operator==(const CostBreakdown&) const = default;
};

}  // namespace patter::session
