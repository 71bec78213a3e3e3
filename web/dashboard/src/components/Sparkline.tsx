import { useState } from "react";
import { bucketHeadline, bucketValue, type Bucket, type MetricKind } from "../lib/buckets";
import { formatClock, plural } from "../lib/format";

interface SparklineProps {
  buckets: Bucket[];
  kind: MetricKind;
}

// Bars over time; hovering (or focusing) a bar shows what it holds for this card's metric.
export function Sparkline({ buckets, kind }: SparklineProps) {
  const [hover, setHover] = useState<number | null>(null);
  const values = buckets.map((bucket) => bucketValue(bucket, kind));
  const max = Math.max(...values, 0);
  const shown = hover === null ? null : buckets[hover];
  return (
    <div className="spark" onMouseLeave={() => setHover(null)}>
      <div className="spark-bars">
        {values.map((value, i) => (
          <span
            key={i}
            className={`spark-bar${value > 0 ? "" : " empty"}${hover === i ? " hover" : ""}`}
            style={{ height: `${value > 0 && max > 0 ? Math.max(12, (value / max) * 100) : 6}%` }}
            onMouseEnter={() => setHover(i)}
            onFocus={() => setHover(i)}
            tabIndex={-1}
          />
        ))}
      </div>
      {shown && (
        <div
          className="spark-tip"
          role="tooltip"
          data-testid={`spark-tip-${kind}`}
          style={{ left: `${((hover ?? 0) + 0.5) * (100 / buckets.length)}%` }}
        >
          <div className="spark-tip-range">
            {formatClock(shown.startMs)} – {formatClock(shown.endMs)}
          </div>
          <div className="spark-tip-head">{bucketHeadline(shown, kind)}</div>
          {kind !== "count" && shown.calls.length > 0 && (
            <div className="spark-tip-sub">{plural(shown.calls.length, "call")}</div>
          )}
        </div>
      )}
    </div>
  );
}
