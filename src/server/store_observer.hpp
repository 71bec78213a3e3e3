#pragma once

#include "dashboard/call_store.hpp"
#include "session/call_session.hpp"

namespace patter::server {

// Records a call in the dashboard's store as it happens: start, each transcript line and turn,
// and the end with its metrics. The store queues writes off the call's thread.
class StoreCallObserver final : public session::CallObserver {
 public:
  StoreCallObserver(dashboard::CallStore& store, std::string provider_mode, std::string agent_json)
      : store_(store), provider_mode_(std::move(provider_mode)), agent_json_(std::move(agent_json)) {}

  void call_started(const CallStartEvent& event) override;
  void transcript_line(const std::string& call_id, const HistoryEntry& entry) override;
  void turn_completed(const std::string& call_id, const TurnMetrics& turn) override;
  void call_ended(const CallEndEvent& event) override;

 private:
  dashboard::CallStore& store_;
  std::string provider_mode_;
  std::string agent_json_;
};

}  // namespace patter::server
