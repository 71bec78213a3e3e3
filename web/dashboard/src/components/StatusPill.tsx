import { titleCase } from "../lib/format";
import { isFailed, isLive, type UiCall } from "../state/callModel";

export function StatusPill({ call }: { call: UiCall }) {
  const tone = isLive(call) ? "live" : isFailed(call) ? "fail" : "done";
  const label = isLive(call) ? (call.status === "initiated" ? "Ringing" : "Live") : titleCase(call.status);
  return (
    <span className={`pill pill-${tone}`} data-testid="status">
      {tone === "live" && <span className="pulse" />}
      {label}
    </span>
  );
}

export function ModeTag({ mode }: { mode: string }) {
  return <span className="tag">{mode || "pipeline"}</span>;
}
