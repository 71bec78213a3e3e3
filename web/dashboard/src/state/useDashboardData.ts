import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "../api/client";
import type { ApiAggregates, DashboardEvent } from "../api/types";
import { fromApiCall, placeholderCall, type UiCall } from "./callModel";
import { connectLiveEvents, type LinkState } from "./liveEvents";
import { mergeCalls, patchCall, removeCalls } from "./mergeCalls";

export interface DashboardData {
  calls: readonly UiCall[];
  aggregates: ApiAggregates | null;
  link: LinkState;
  error: string | null;
  // Bumped on every event about a call, so an open detail view can refetch.
  callVersions: ReadonlyMap<string, number>;
  deleteCalls: (ids: string[]) => Promise<void>;
}

const RESYNC_DEBOUNCE_MS = 250;

// The calls table's rows: the ended calls and the active ones, merged (never dropping a
// row), kept live by the event stream, with the aggregates for the metric cards.
export function useDashboardData(): DashboardData {
  const [calls, setCalls] = useState<readonly UiCall[]>([]);
  const [aggregates, setAggregates] = useState<ApiAggregates | null>(null);
  const [link, setLink] = useState<LinkState>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [callVersions, setCallVersions] = useState<ReadonlyMap<string, number>>(new Map());
  const resyncTimer = useRef<number | undefined>(undefined);

  const report = useCallback((failure: unknown) => {
    if (failure instanceof ApiError && failure.status === 401) {
      setError("This dashboard needs its access token: open it as /?token=YOUR_TOKEN.");
    } else {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, []);

  const resync = useCallback(async () => {
    try {
      const [ended, active, totals] = await Promise.all([api.calls(), api.active(), api.aggregates()]);
      const incoming = [...ended.map(fromApiCall), ...active.map(fromApiCall)];
      setCalls((previous) => mergeCalls(previous, incoming));
      setAggregates(totals);
      setError(null);
    } catch (failure) {
      report(failure);
    }
  }, [report]);

  const scheduleResync = useCallback(() => {
    window.clearTimeout(resyncTimer.current);
    resyncTimer.current = window.setTimeout(() => void resync(), RESYNC_DEBOUNCE_MS);
  }, [resync]);

  const touch = useCallback((id: string) => {
    setCallVersions((previous) => new Map(previous).set(id, (previous.get(id) ?? 0) + 1));
  }, []);

  const onEvent = useCallback(
    (event: DashboardEvent) => {
      const now = Date.now();
      switch (event.type) {
        case "call_initiated":
        case "call_start": {
          const { call_id, caller, callee, direction, status } = event.data;
          const row = placeholderCall(
            call_id,
            {
              caller: caller ?? "",
              callee: callee ?? "",
              direction: direction || "inbound",
              status: status ?? (event.type === "call_start" ? "in-progress" : "initiated"),
            },
            now,
          );
          setCalls((previous) => {
            const known = previous.some((call) => call.id === call_id);
            if (!known) return mergeCalls(previous, [row]);
            return patchCall(previous, call_id, (call) =>
              call.endedAtMs === null ? { ...call, status: row.status } : call,
            );
          });
          touch(call_id);
          break;
        }
        case "call_status":
          setCalls((previous) => patchCall(previous, event.data.call_id, (call) => ({ ...call, status: event.data.status })));
          touch(event.data.call_id);
          break;
        case "turn_complete": {
          const turns = event.data.turn.turn_index + 1;
          setCalls((previous) =>
            patchCall(previous, event.data.call_id, (call) => ({ ...call, turnsCount: Math.max(call.turnsCount, turns) })),
          );
          touch(event.data.call_id);
          break;
        }
        case "call_end":
          setCalls((previous) => mergeCalls(previous, [fromApiCall(event.data.metrics)]));
          touch(event.data.call_id);
          break;
        case "calls_deleted":
          setCalls((previous) => removeCalls(previous, event.data.call_ids));
          break;
      }
      scheduleResync();
    },
    [scheduleResync, touch],
  );

  useEffect(() => {
    const stop = connectLiveEvents({
      url: api.eventsUrl,
      onEvent,
      onResync: () => void resync(),
      onState: setLink,
    });
    return () => {
      stop();
      window.clearTimeout(resyncTimer.current);
    };
  }, [onEvent, resync]);

  const deleteCalls = useCallback(
    async (ids: string[]) => {
      const result = await api.deleteCalls(ids);
      setCalls((previous) => removeCalls(previous, result.call_ids));
      scheduleResync();
    },
    [scheduleResync],
  );

  return { calls, aggregates, link, error, callVersions, deleteCalls };
}
