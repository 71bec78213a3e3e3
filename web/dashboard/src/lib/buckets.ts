import type { UiCall } from "../state/callModel";
import { formatCost, formatDuration, plural } from "./format";

export type MetricKind = "count" | "spend" | "duration" | "latency";

export interface Bucket {
  startMs: number;
  endMs: number;
  calls: UiCall[];
}

const MIN_SPAN_MS = 30 * 60_000;
const MAX_SPAN_MS = 24 * 3600_000;

// Splits the calls that started in the recent window into equal time buckets, oldest first.
// The window reaches back to the oldest call of the last 24 hours, and at least 30 minutes.
export function bucketCalls(calls: readonly UiCall[], nowMs: number, count = 16): Bucket[] {
  const recent = calls.filter((call) => call.startedAtMs > nowMs - MAX_SPAN_MS && call.startedAtMs <= nowMs);
  const oldest = recent.reduce((min, call) => Math.min(min, call.startedAtMs), nowMs);
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, (nowMs - oldest) * 1.05));
  const width = span / count;
  const start = nowMs - span;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    startMs: start + i * width,
    endMs: start + (i + 1) * width,
    calls: [],
  }));
  for (const call of recent) {
    const index = Math.min(count - 1, Math.floor((call.startedAtMs - start) / width));
    if (index >= 0) buckets[index].calls.push(call);
  }
  return buckets;
}

function ended(bucket: Bucket): UiCall[] {
  return bucket.calls.filter((call) => call.endedAtMs !== null);
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function bucketValue(bucket: Bucket, kind: MetricKind): number {
  switch (kind) {
    case "count":
      return bucket.calls.length;
    case "spend":
      return ended(bucket).reduce((sum, call) => sum + call.cost.total, 0);
    case "duration":
      return mean(ended(bucket).map((call) => call.durationSeconds));
    case "latency":
      return mean(ended(bucket).map((call) => call.latencyP95Ms || call.latencyAvgMs).filter((v) => v > 0));
  }
}

// The tooltip's headline for one bucket of one card.
export function bucketHeadline(bucket: Bucket, kind: MetricKind): string {
  const value = bucketValue(bucket, kind);
  switch (kind) {
    case "count":
      return plural(bucket.calls.length, "call").toUpperCase();
    case "spend":
      return `TOTAL COST ${formatCost(value, 3)}`;
    case "duration":
      return `AVG DURATION ${formatDuration(value)}`;
    case "latency":
      return `AVG LATENCY ${Math.round(value)} ms`;
  }
}
