import { EVENT_TYPES, type DashboardEvent } from "../api/types";

export type LinkState = "connecting" | "live" | "reconnecting" | "polling";

export interface LiveEventsOptions {
  url: () => string;
  onEvent: (event: DashboardEvent) => void;
  // Called when the stream (re)opens and on every poll: reload the snapshots.
  onResync: () => void;
  onState: (state: LinkState) => void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
const FAILURES_BEFORE_POLLING = 5;
const POLL_MS = 5_000;
const POLL_WITHOUT_EVENTSOURCE_MS = 3_000;

// Keeps one EventSource open. When it fails it retries after 1 s, 2 s, 4 s ... up to 30 s;
// after five failures in a row it also polls the snapshots every 5 s until the stream is
// back. Without EventSource at all it polls every 3 s. Returns a function that stops it.
export function connectLiveEvents(options: LiveEventsOptions): () => void {
  let stopped = false;
  let source: EventSource | null = null;
  let failures = 0;
  let retryTimer: number | undefined;
  let pollTimer: number | undefined;

  const startPolling = (everyMs: number) => {
    if (pollTimer !== undefined) return;
    options.onState("polling");
    options.onResync();
    pollTimer = window.setInterval(options.onResync, everyMs);
  };
  const stopPolling = () => {
    if (pollTimer === undefined) return;
    window.clearInterval(pollTimer);
    pollTimer = undefined;
  };

  if (typeof window.EventSource !== "function") {
    startPolling(POLL_WITHOUT_EVENTSOURCE_MS);
    return stopPolling;
  }

  const open = () => {
    if (stopped) return;
    source = new EventSource(options.url());
    source.onopen = () => {
      failures = 0;
      stopPolling();
      options.onState("live");
      options.onResync();
    };
    source.onerror = () => {
      source?.close();
      source = null;
      if (stopped) return;
      failures += 1;
      if (failures >= FAILURES_BEFORE_POLLING) startPolling(POLL_MS);
      else options.onState("reconnecting");
      const delay = Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), MAX_RETRY_MS);
      retryTimer = window.setTimeout(open, delay);
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        try {
          const data = JSON.parse((message as MessageEvent<string>).data);
          options.onEvent({ type, data } as DashboardEvent);
        } catch {
          // a malformed frame is skipped; the next resync repairs the view
        }
      });
    }
  };

  options.onState("connecting");
  open();
  return () => {
    stopped = true;
    source?.close();
    window.clearTimeout(retryTimer);
    stopPolling();
  };
}
