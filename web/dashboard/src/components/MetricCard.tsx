import type { ReactNode } from "react";
import type { Bucket, MetricKind } from "../lib/buckets";
import { Sparkline } from "./Sparkline";

interface MetricCardProps {
  label: string;
  value: string;
  detail?: ReactNode;
  kind: MetricKind;
  buckets: Bucket[];
  testId: string;
}

export function MetricCard({ label, value, detail, kind, buckets, testId }: MetricCardProps) {
  return (
    <section className={`card metric metric-${kind}`} data-testid={testId}>
      <div className="metric-label">{label}</div>
      <div className="metric-value">{value}</div>
      <div className="metric-detail">{detail ?? "\u00a0"}</div>
      <Sparkline buckets={buckets} kind={kind} />
    </section>
  );
}
