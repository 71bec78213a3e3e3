import { useMemo } from "react";
import type { ApiAggregates } from "../api/types";
import { bucketCalls } from "../lib/buckets";
import { formatCost, formatDuration, formatMs } from "../lib/format";
import type { UiCall } from "../state/callModel";
import { MetricCard } from "./MetricCard";

interface MetricCardsProps {
  aggregates: ApiAggregates | null;
  calls: readonly UiCall[];
  activeCount: number;
  nowMs: number;
}

export function MetricCards({ aggregates, calls, activeCount, nowMs }: MetricCardsProps) {
  // Re-bucket once a minute, not on every clock tick.
  const minute = Math.floor(nowMs / 60_000);
  const buckets = useMemo(() => bucketCalls(calls, (minute + 1) * 60_000), [calls, minute]);
  const a = aggregates;
  const breakdown = a?.cost_breakdown;
  return (
    <div className="metrics">
      <MetricCard
        testId="metric-calls"
        label="Total calls"
        value={a ? String(a.total_calls) : "—"}
        detail={
          <span className={activeCount > 0 ? "live-count" : undefined}>
            {activeCount > 0 && <span className="pulse" />}
            {activeCount} active now
          </span>
        }
        kind="count"
        buckets={buckets}
      />
      <MetricCard
        testId="metric-cost"
        label="Total cost"
        value={a ? formatCost(a.total_cost, 4) : "—"}
        detail={
          breakdown && (
            <span className="split">
              <span>STT {formatCost(breakdown.stt, 3)}</span>
              <span>LLM {formatCost(breakdown.llm, 3)}</span>
              <span>TTS {formatCost(breakdown.tts, 3)}</span>
              <span>Tel {formatCost(breakdown.telephony, 3)}</span>
            </span>
          )
        }
        kind="spend"
        buckets={buckets}
      />
      <MetricCard
        testId="metric-duration"
        label="Avg duration"
        value={a ? formatDuration(a.avg_duration) : "—"}
        detail="per ended call"
        kind="duration"
        buckets={buckets}
      />
      <MetricCard
        testId="metric-latency"
        label="Avg latency"
        value={a ? formatMs(a.avg_latency_ms) : "—"}
        detail="time to first agent audio"
        kind="latency"
        buckets={buckets}
      />
    </div>
  );
}
