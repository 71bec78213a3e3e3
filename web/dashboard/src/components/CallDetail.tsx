import { useEffect } from "react";
import { formatCost, formatDateTime, formatDuration, formatMs, formatPhone, titleCase } from "../lib/format";
import { elapsedSeconds, type UiCall } from "../state/callModel";
import { useCallDetail } from "../state/useCallDetail";
import { CostPanel } from "./CostPanel";
import { CloseIcon } from "./Icons";
import { LatencyWaterfall } from "./LatencyWaterfall";
import { StatusPill } from "./StatusPill";
import { Transcript } from "./Transcript";

interface CallDetailProps {
  id: string;
  row: UiCall | undefined;
  version: number;
  nowMs: number;
  revealPii: boolean;
  onClose: () => void;
}

// A slide-over with one call: overview, live transcript, latency per turn and cost.
export function CallDetail({ id, row, version, nowMs, revealPii, onClose }: CallDetailProps) {
  const { detail, missing } = useCallDetail(id, version);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const live = row ? row.endedAtMs === null : detail?.ended_at === null;
  return (
    <>
      <div className="scrim" onClick={onClose} />
      <aside className="drawer" data-testid="call-detail" aria-label="Call detail">
        <header className="drawer-head">
          <div>
            <div className="drawer-title">
              Call <code>{id}</code>
            </div>
            {row && (
              <div className="drawer-sub pii">
                {formatPhone(row.caller, revealPii)} → {formatPhone(row.callee, revealPii)} · {titleCase(row.direction)}
              </div>
            )}
          </div>
          <button type="button" className="icon-btn" onClick={onClose} title="Close (Esc)" data-testid="close-detail">
            <CloseIcon />
          </button>
        </header>
        {missing && !detail && <p className="empty-note">This call is no longer available.</p>}
        {row && (
          <div className="facts">
            <div>
              <span>Status</span>
              <StatusPill call={row} />
            </div>
            <div>
              <span>Duration</span>
              <strong data-testid="detail-duration">{formatDuration(elapsedSeconds(row, nowMs))}</strong>
            </div>
            <div>
              <span>Started</span>
              <strong>{formatDateTime(row.startedAtMs)}</strong>
            </div>
            <div>
              <span>Turns</span>
              <strong>{Math.max(row.turnsCount, detail?.turns.length ?? 0)}</strong>
            </div>
            <div>
              <span>Avg latency</span>
              <strong>{live ? "—" : formatMs(row.latencyAvgMs)}</strong>
            </div>
            <div>
              <span>Cost</span>
              <strong>{live ? "—" : formatCost(row.cost.total)}</strong>
            </div>
          </div>
        )}
        {detail && (
          <div className="drawer-body">
            <section className="panel">
              <h3>Transcript</h3>
              <Transcript detail={detail} live={live} />
            </section>
            <section className="panel">
              <h3>Latency per turn</h3>
              <LatencyWaterfall turns={detail.turns} />
            </section>
            <section className="panel">
              <h3>Cost</h3>
              <CostPanel detail={detail} live={live} />
            </section>
          </div>
        )}
      </aside>
    </>
  );
}
