import { formatCost, formatDateTime, formatDuration, formatMs, formatPhone, shortId } from "../lib/format";
import { elapsedSeconds, isLive, type UiCall } from "../state/callModel";
import { ArrowInIcon, ArrowOutIcon } from "./Icons";
import { ModeTag, StatusPill } from "./StatusPill";

interface CallsTableProps {
  calls: readonly UiCall[];
  nowMs: number;
  revealPii: boolean;
  selected: ReadonlySet<string>;
  openId: string | null;
  onToggle: (id: string) => void;
  onToggleAll: (ids: string[], select: boolean) => void;
  onOpen: (id: string) => void;
  emptyText: string;
}

export function CallsTable(props: CallsTableProps) {
  const { calls, nowMs, revealPii, selected, openId, onToggle, onToggleAll, onOpen, emptyText } = props;
  const selectable = calls.filter((call) => !isLive(call)).map((call) => call.id);
  const allSelected = selectable.length > 0 && selectable.every((id) => selected.has(id));
  return (
    <div className="table-scroll">
      <table className="calls" data-testid="calls-table">
        <thead>
          <tr>
            <th className="col-check">
              <input
                type="checkbox"
                aria-label="Select all ended calls"
                checked={allSelected}
                disabled={selectable.length === 0}
                onChange={() => onToggleAll(selectable, !allSelected)}
              />
            </th>
            <th>Started</th>
            <th>Call</th>
            <th>From → To</th>
            <th className="num">Duration</th>
            <th>Status</th>
            <th>Mode</th>
            <th className="num">Cost</th>
            <th className="num">Avg latency</th>
            <th className="num">Turns</th>
          </tr>
        </thead>
        <tbody>
          {calls.length === 0 && (
            <tr className="empty-row">
              <td colSpan={10}>{emptyText}</td>
            </tr>
          )}
          {calls.map((call) => {
            const live = isLive(call);
            return (
              <tr
                key={call.id}
                data-call-id={call.id}
                data-live={live ? "true" : "false"}
                className={`${live ? "live" : ""}${openId === call.id ? " open" : ""}`}
                onClick={() => onOpen(call.id)}
              >
                <td className="col-check" onClick={(event) => event.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label={`Select call ${call.id}`}
                    checked={selected.has(call.id)}
                    disabled={live}
                    title={live ? "A live call cannot be deleted" : undefined}
                    onChange={() => onToggle(call.id)}
                  />
                </td>
                <td className="muted">{formatDateTime(call.startedAtMs)}</td>
                <td>
                  <span className="call-id" title={call.id}>
                    <span className={`dir dir-${call.direction}`} title={call.direction}>
                      {call.direction === "outbound" ? <ArrowOutIcon /> : <ArrowInIcon />}
                    </span>
                    {shortId(call.id)}
                  </span>
                </td>
                <td className="pii" data-testid="parties">
                  {formatPhone(call.caller, revealPii)} <span className="muted">→</span> {formatPhone(call.callee, revealPii)}
                </td>
                <td className="num" data-testid="duration">
                  {formatDuration(elapsedSeconds(call, nowMs))}
                </td>
                <td>
                  <StatusPill call={call} />
                </td>
                <td>
                  <ModeTag mode={call.mode} />
                </td>
                <td className="num">{live ? <span className="muted">—</span> : formatCost(call.cost.total)}</td>
                <td className="num">{live ? <span className="muted">—</span> : formatMs(call.latencyAvgMs)}</td>
                <td className="num" data-testid="turns">
                  {call.turnsCount}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
