import type { ApiTurn } from "../api/types";
import { formatMs } from "../lib/format";

interface Segment {
  key: "stt" | "wait" | "llm" | "tts";
  label: string;
  ms: number;
}

// STT, LLM and TTS in the order they run. What the total holds beyond the three (endpointing,
// the caller finishing their sentence) sits between STT and LLM as "other".
function segments(turn: ApiTurn): Segment[] {
  const l = turn.latency;
  const stt = Math.max(0, l.stt_ms);
  const llm = Math.max(0, l.llm_ms);
  const tts = Math.max(0, l.tts_ms);
  const other = Math.max(0, l.total_ms - stt - llm - tts);
  return [
    { key: "stt", label: "STT", ms: stt },
    { key: "wait", label: "Other", ms: other },
    { key: "llm", label: "LLM", ms: llm },
    { key: "tts", label: "TTS", ms: tts },
  ];
}

function turnSpan(turn: ApiTurn): number {
  return segments(turn).reduce((sum, s) => sum + s.ms, 0);
}

function percentile(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

// One row per turn: the stages laid end to end on a time scale shared by all turns, so the
// slow stage of each turn stands out.
export function LatencyWaterfall({ turns }: { turns: ApiTurn[] }) {
  const measured = turns.filter((turn) => turnSpan(turn) > 0);
  if (measured.length === 0) {
    return <p className="empty-note">No measured turn yet.</p>;
  }
  const scale = Math.max(...measured.map(turnSpan));
  const totals = measured
    .filter((turn) => !turn.interrupted && turn.latency.total_ms > 0)
    .map((turn) => turn.latency.total_ms)
    .sort((a, b) => a - b);
  return (
    <div className="waterfall" data-testid="waterfall">
      <div className="wf-legend">
        <span className="key key-stt">STT</span>
        <span className="key key-llm">LLM</span>
        <span className="key key-tts">TTS</span>
        <span className="key key-wait">Other</span>
        {totals.length >= 2 ? (
          <span className="wf-stats">
            p50 {formatMs(percentile(totals, 0.5))} · p95 {formatMs(percentile(totals, 0.95))}
          </span>
        ) : (
          <span className="wf-stats muted">percentiles need 2 turns</span>
        )}
      </div>
      {measured.map((turn) => {
        let offset = 0;
        return (
          <div className="wf-row" key={turn.turn_index} data-testid="waterfall-row">
            <span className="wf-label">#{turn.turn_index + 1}</span>
            <div className="wf-track">
              {segments(turn).map((segment) => {
                const left = (offset / scale) * 100;
                offset += segment.ms;
                if (segment.ms <= 0) return null;
                return (
                  <span
                    key={segment.key}
                    className={`wf-seg seg-${segment.key}`}
                    style={{ left: `${left}%`, width: `${Math.max(0.8, (segment.ms / scale) * 100)}%` }}
                    title={`${segment.label} ${formatMs(segment.ms)}`}
                  />
                );
              })}
            </div>
            <span className="wf-value">
              {formatMs(turn.latency.total_ms)}
              {turn.interrupted && <span className="wf-flag" title="The caller interrupted this turn">cut</span>}
            </span>
          </div>
        );
      })}
    </div>
  );
}
