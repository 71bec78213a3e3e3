import type { ApiAgent, ApiCall, ApiCost } from "../api/types";

// One row of the calls table, as the UI keeps it.
export interface UiCall {
  id: string;
  caller: string;
  callee: string;
  direction: string;
  status: string;
  startedAtMs: number;
  endedAtMs: number | null; // null while the call is live
  durationSeconds: number;
  mode: string;
  telephony: string;
  agent: ApiAgent;
  turnsCount: number;
  cost: ApiCost;
  latencyAvgMs: number;
  latencyP95Ms: number;
}

export const ZERO_COST: ApiCost = { stt: 0, tts: 0, llm: 0, telephony: 0, total: 0 };

const FAILED_STATUSES = new Set(["failed", "busy", "no-answer", "canceled", "webhook_error"]);

export function isLive(call: UiCall): boolean {
  return call.endedAtMs === null;
}

export function isFailed(call: UiCall): boolean {
  return FAILED_STATUSES.has(call.status);
}

export function fromApiCall(call: ApiCall): UiCall {
  return {
    id: call.call_id,
    caller: call.caller ?? "",
    callee: call.callee ?? "",
    direction: call.direction || "inbound",
    status: call.status || "in-progress",
    startedAtMs: Math.round((call.started_at ?? 0) * 1000),
    endedAtMs: call.ended_at == null ? null : Math.round(call.ended_at * 1000),
    durationSeconds: call.duration_seconds ?? 0,
    mode: call.provider_mode || "pipeline",
    telephony: call.telephony_provider ?? "",
    agent: call.agent ?? {},
    turnsCount: call.turns_count ?? 0,
    cost: { ...ZERO_COST, ...(call.cost ?? {}) },
    latencyAvgMs: call.latency?.avg_total_ms ?? 0,
    latencyP95Ms: call.latency?.p95_total_ms ?? 0,
  };
}

// A row for a call the UI has only heard of through an event so far.
export function placeholderCall(id: string, fields: Partial<UiCall>, nowMs: number): UiCall {
  return {
    id,
    caller: "",
    callee: "",
    direction: "inbound",
    status: "in-progress",
    startedAtMs: nowMs,
    endedAtMs: null,
    durationSeconds: 0,
    mode: "pipeline",
    telephony: "",
    agent: {},
    turnsCount: 0,
    cost: ZERO_COST,
    latencyAvgMs: 0,
    latencyP95Ms: 0,
    ...fields,
  };
}

// Seconds the call has lasted: ticking while live.
export function elapsedSeconds(call: UiCall, nowMs: number): number {
  if (call.endedAtMs === null) return Math.max(0, (nowMs - call.startedAtMs) / 1000);
  return call.durationSeconds;
}
