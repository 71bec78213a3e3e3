import type { ApiCallDetail } from "../api/types";
import { formatCost, titleCase } from "../lib/format";

function providerName(value: unknown): string {
  return typeof value === "string" && value ? titleCase(value) : "";
}

// The call's cost by part, with speech-to-text and text-to-speech on separate, named rows.
export function CostPanel({ detail, live }: { detail: ApiCallDetail; live: boolean }) {
  const { cost, agent } = detail;
  const stt = providerName(agent.stt ?? agent.stt_provider);
  const tts = providerName(agent.tts ?? agent.tts_provider);
  const llm = providerName(agent.llm ?? agent.model ?? agent.engine);
  const telephony = providerName(detail.telephony_provider);
  const rows = [
    { key: "stt", label: `${stt ? `${stt} ` : ""}STT`, value: cost.stt },
    { key: "tts", label: `${tts ? `${tts} ` : ""}TTS`, value: cost.tts },
    { key: "llm", label: `LLM${llm ? ` · ${llm}` : ""}`, value: cost.llm },
    { key: "telephony", label: `Telephony${telephony ? ` · ${telephony}` : ""}`, value: cost.telephony },
  ];
  const max = Math.max(...rows.map((row) => row.value), 0);
  return (
    <div className="cost-panel" data-testid="cost-panel">
      {rows.map((row) => (
        <div className={`cost-row cost-${row.key}`} key={row.key} data-testid={`cost-${row.key}`}>
          <span className="cost-label">{row.label}</span>
          <span className="cost-bar">
            <span style={{ width: `${max > 0 ? (row.value / max) * 100 : 0}%` }} />
          </span>
          <span className="cost-value">{formatCost(row.value, 5)}</span>
        </div>
      ))}
      <div className="cost-row cost-total">
        <span className="cost-label">Total</span>
        <span />
        <span className="cost-value">{formatCost(cost.total, 5)}</span>
      </div>
      {live && <p className="empty-note">Costs are settled when the call ends.</p>}
      {!live && (cost.llm_cached_savings ?? 0) > 0 && (
        <p className="empty-note">Prompt caching saved {formatCost(cost.llm_cached_savings ?? 0, 5)}.</p>
      )}
    </div>
  );
}
