import type { UiCall } from "./callModel";

// The most calls the UI holds, like the server's view window.
export const MAX_UI_CALLS = 500;

// One call seen twice: the newer information wins, except that a call known to have ended
// never turns live again (a late snapshot of the active calls must not revive it), and empty
// parties never erase known ones.
export function mergeCall(previous: UiCall, incoming: UiCall): UiCall {
  if (previous.endedAtMs !== null && incoming.endedAtMs === null) {
    return { ...previous, turnsCount: Math.max(previous.turnsCount, incoming.turnsCount) };
  }
  return {
    ...previous,
    ...incoming,
    caller: incoming.caller || previous.caller,
    callee: incoming.callee || previous.callee,
    turnsCount:
      incoming.endedAtMs === null ? Math.max(previous.turnsCount, incoming.turnsCount) : incoming.turnsCount,
  };
}

function newestFirst(a: UiCall, b: UiCall): number {
  return b.startedAtMs - a.startedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// Upserts `incoming` into `previous`: rows missing from `incoming` are kept (a snapshot taken
// a moment too early must never drop a row), the result is sorted by start time, newest
// first, and capped at MAX_UI_CALLS.
export function mergeCalls(previous: readonly UiCall[], incoming: readonly UiCall[]): UiCall[] {
  const byId = new Map<string, UiCall>();
  for (const call of previous) byId.set(call.id, call);
  for (const call of incoming) {
    const known = byId.get(call.id);
    byId.set(call.id, known ? mergeCall(known, call) : call);
  }
  return [...byId.values()].sort(newestFirst).slice(0, MAX_UI_CALLS);
}

// Applies a change to one known call; unknown ids leave the list as it is.
export function patchCall(
  calls: readonly UiCall[],
  id: string,
  change: (call: UiCall) => UiCall,
): readonly UiCall[] {
  const index = calls.findIndex((call) => call.id === id);
  if (index < 0) return calls;
  const next = calls.slice();
  next[index] = change(calls[index]);
  return next;
}

export function removeCalls(calls: readonly UiCall[], ids: Iterable<string>): readonly UiCall[] {
  const gone = new Set(ids);
  if (gone.size === 0) return calls;
  const kept = calls.filter((call) => !gone.has(call.id));
  return kept.length === calls.length ? calls : kept;
}
