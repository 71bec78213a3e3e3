import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { ApiCallDetail } from "../api/types";

const LIVE_REFRESH_MS = 3_000;

// One call with its turns and transcript. It refetches whenever `version` changes (an event
// about this call) and every few seconds while the call is live, in case events are missed.
// A refetch that comes back with no transcript never blanks the lines already shown.
export function useCallDetail(id: string | null, version: number) {
  const [detail, setDetail] = useState<ApiCallDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const current = useRef<string | null>(null);
  const live = useRef(true);

  useEffect(() => {
    live.current = !detail || detail.ended_at === null;
  }, [detail]);

  useEffect(() => {
    current.current = id;
    setDetail(null);
    setMissing(false);
  }, [id]);

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    const load = async () => {
      try {
        const next = await api.call(id);
        if (cancelled || current.current !== id) return;
        setDetail((previous) => {
          if (previous && previous.call_id === id && next.transcript.length === 0) {
            return { ...next, transcript: previous.transcript };
          }
          return next;
        });
        setMissing(false);
      } catch {
        if (!cancelled) setMissing(true);
      }
    };
    void load();
    const timer = window.setInterval(() => {
      if (live.current) void load();
    }, LIVE_REFRESH_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [id, version]);

  return { detail, missing };
}
