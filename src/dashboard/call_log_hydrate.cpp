#include "dashboard/call_log_hydrate.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include <exception>
#include <utility>

#include "dashboard/call_log_reader.hpp"

namespace patter::dashboard {
namespace {

// Writes wait for the store's queue to drain every so many calls, so a large log never
// fills it.
constexpr std::size_t kCallsPerFlush = 200;

std::vector<std::string> deleted_ids(const StoreEvent& event) {
  std::vector<std::string> ids;
  boost::system::error_code error;
  const auto payload = boost::json::parse(event.payload_json, error);
  const auto* object = error ? nullptr : payload.if_object();
  const auto* list = object ? object->if_contains("call_ids") : nullptr;
  if (!list || !list->is_array()) return ids;
  for (const auto& id : list->get_array()) {
    if (id.is_string()) ids.emplace_back(id.get_string());
  }
  return ids;
}

}  // namespace

std::size_t hydrate_from_call_log(CallStore& store, const std::filesystem::path& root) {
  auto calls = read_call_log(root, read_deleted_call_ids(root));
  std::size_t written = 0;
  for (auto& call : calls) {
    store.record_call_start(std::move(call.start));
    store.record_call_end(std::move(call.end));
    if (++written % kCallsPerFlush == 0) store.flush();
  }
  store.flush();
  return written;
}

StoreEventHook remember_deletions_in(const std::filesystem::path& root, StoreEventHook next) {
  return [root, next = std::move(next)](const StoreEvent& event) {
    if (event.type == "calls_deleted") {
      try {
        add_deleted_call_ids(root, deleted_ids(event));
      } catch (const std::exception& error) {
        spdlog::error("cannot record deleted calls in {}: {}", root.string(), error.what());
      }
    }
    if (next) next(event);
  };
}

}  // namespace patter::dashboard
