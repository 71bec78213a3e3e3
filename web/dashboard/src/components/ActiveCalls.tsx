import { formatDuration, formatPhone } from "../lib/format";
import { elapsedSeconds, type UiCall } from "../state/callModel";

interface ActiveCallsProps {
  calls: readonly UiCall[];
  nowMs: number;
  revealPii: boolean;
  onOpen: (id: string) => void;
}

export function ActiveCalls({ calls, nowMs, revealPii, onOpen }: ActiveCallsProps) {
  return (
    <section className="card active-card" data-testid="active-calls">
      <div className="card-head">
        <h2>Active calls</h2>
        <span className={`count-chip${calls.length ? " hot" : ""}`}>{calls.length}</span>
      </div>
      {calls.length === 0 ? (
        <p className="empty-note">No call in progress. New calls appear here the moment they connect.</p>
      ) : (
        <ul className="active-list">
          {calls.map((call) => (
            <li key={call.id}>
              <button type="button" className="active-item" onClick={() => onOpen(call.id)}>
                <span className="pulse" />
                <span className="active-parties pii">
                  {formatPhone(call.caller, revealPii)} → {formatPhone(call.callee, revealPii)}
                </span>
                <span className="active-meta">
                  {call.turnsCount} {call.turnsCount === 1 ? "turn" : "turns"}
                </span>
                <span className="active-time">{formatDuration(elapsedSeconds(call, nowMs))}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
