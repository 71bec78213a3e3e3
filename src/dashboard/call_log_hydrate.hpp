#pragma once

#include <cstddef>
#include <filesystem>

#include "dashboard/call_store.hpp"

namespace patter::dashboard {

// Loads the call log under `root` into the store, oldest call first, leaving out the ids in
// <root>/.deleted_call_ids.json. Safe to run again over the same store: known calls are
// rewritten with the same values, and calls soft-deleted in the store stay deleted. Blocks
// until the store has committed everything; returns how many calls were read.
std::size_t hydrate_from_call_log(CallStore& store, const std::filesystem::path& root);

// A store event hook that records the ids of `calls_deleted` events in
// <root>/.deleted_call_ids.json (so a later hydrate leaves them out), then calls `next`.
[[nodiscard]] StoreEventHook remember_deletions_in(const std::filesystem::path& root,
                                                   StoreEventHook next);

}  // namespace patter::dashboard
