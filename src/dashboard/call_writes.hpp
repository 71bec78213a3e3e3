#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dashboard/call_records.hpp"
#include "dashboard/sqlite_db.hpp"
#include "dashboard/store_event.hpp"

// The store's write operations, run on the writer connection inside a transaction. Each
// returns the events to publish once that transaction commits. Changes aimed at an unknown
// call (other than its start or end) and at a soft-deleted call are ignored.
namespace patter::dashboard {

// Outbound call placed: first writer wins, status "initiated", direction outbound unless set.
std::vector<StoreEvent> write_call_initiated(SqliteDb& db, const CallInfo& info);
// Media started: "in-progress"; keeps the stored direction (new calls default to inbound) and
// never clears a known caller or callee. A call that already ended is left alone.
std::vector<StoreEvent> write_call_start(SqliteDb& db, const CallInfo& info);
// Appends to the status history; a terminal status ends an open call, and patches one that
// already ended without creating a second record.
std::vector<StoreEvent> write_call_status(SqliteDb& db, const StatusUpdate& update);
// Inserts or replaces one turn; a new turn is mirrored into the transcript when `mirror`.
std::vector<StoreEvent> write_turn(SqliteDb& db, const std::string& call_id,
                                   const session::TurnMetrics& turn, bool mirror);
// The carrier's billed price replaces the telephony estimate, now and when the call's final
// metrics arrive later.
std::vector<StoreEvent> write_telephony_price(SqliteDb& db, const std::string& call_id, double price);
std::vector<StoreEvent> write_transcript_entry(SqliteDb& db, const std::string& call_id,
                                               const TranscriptEntry& entry);
// Completes the existing record in place (turns, transcript, caller and callee survive an
// earlier terminal status); creates it only when the call was never seen.
std::vector<StoreEvent> write_call_end(SqliteDb& db, const CallEnd& end);
// Soft-deletes the ended calls among `call_ids`; `deleted` receives the ids actually hidden.
std::vector<StoreEvent> write_soft_delete(SqliteDb& db, const std::vector<std::string>& call_ids,
                                          UnixMs at, std::vector<std::string>& deleted);
// Removes ended calls started before `cutoff` from disk; `removed` receives how many.
std::vector<StoreEvent> write_retention(SqliteDb& db, UnixMs cutoff, std::int64_t& removed);

}  // namespace patter::dashboard
