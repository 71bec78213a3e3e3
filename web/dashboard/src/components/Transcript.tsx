import { useEffect, useRef } from "react";
import type { ApiCallDetail, ApiTranscriptEntry } from "../api/types";
import { formatClock } from "../lib/format";

const INTERRUPTED = "[interrupted]";

// The conversation so far. The server mirrors each finished turn into the transcript; a
// record that has turns but no transcript yet is shown from its turns.
function entriesOf(detail: ApiCallDetail): ApiTranscriptEntry[] {
  if (detail.transcript.length > 0) return withoutRepeats(detail.transcript);
  const entries: ApiTranscriptEntry[] = [];
  for (const turn of detail.turns) {
    if (turn.user_text) entries.push({ role: "user", text: turn.user_text, timestamp: turn.timestamp });
    const spoken = turn.agent_text.replace(INTERRUPTED, "").trim();
    if (spoken) entries.push({ role: "assistant", text: spoken, timestamp: turn.timestamp });
  }
  return entries;
}

// A line recorded twice in a row (live mirroring and the session's own entry) shows once.
function withoutRepeats(entries: ApiTranscriptEntry[]): ApiTranscriptEntry[] {
  return entries.filter((entry, i) => {
    const before = entries[i - 1];
    return !before || before.role !== entry.role || before.text !== entry.text;
  });
}

const ROLE_LABEL = { user: "Caller", assistant: "Agent", system: "System" } as const;

export function Transcript({ detail, live }: { detail: ApiCallDetail; live: boolean }) {
  const entries = entriesOf(detail);
  const end = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const scroller = box.current;
    if (!scroller) return;
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
    if (nearBottom) end.current?.scrollIntoView({ block: "nearest" });
  }, [entries.length]);

  return (
    <div className="transcript" ref={box} data-testid="transcript">
      {entries.length === 0 && (
        <p className="empty-note">{live ? "Waiting for the first turn…" : "No transcript was recorded for this call."}</p>
      )}
      {entries.map((entry, i) => (
        <div key={i} className={`line line-${entry.role}`} data-testid="transcript-line" data-role={entry.role}>
          <div className="line-meta">
            <span className="line-role">{ROLE_LABEL[entry.role] ?? entry.role}</span>
            <span className="line-time">{formatClock(entry.timestamp * 1000)}</span>
          </div>
          <div className="line-text">{entry.text}</div>
        </div>
      ))}
      {live && (
        <div className="line-live">
          <span className="typing">
            <i />
            <i />
            <i />
          </span>
          live
        </div>
      )}
      <div ref={end} />
    </div>
  );
}
