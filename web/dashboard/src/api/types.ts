// Payloads of the patter dashboard API, with the reference's field names (times are unix
// seconds, money is USD, latency is ms).

export interface ApiCost {
  stt: number;
  tts: number;
  llm: number;
  telephony: number;
  total: number;
  llm_cached_savings?: number;
}

export interface ApiCallLatency {
  avg_total_ms: number;
  p50_total_ms: number;
  p90_total_ms: number;
  p95_total_ms: number;
  p99_total_ms: number;
}

export interface ApiAgent {
  provider?: string;
  engine?: string;
  model?: string;
  voice?: string;
  language?: string;
  stt?: string;
  tts?: string;
  llm?: string;
  [key: string]: unknown;
}

export interface ApiCall {
  call_id: string;
  caller: string;
  callee: string;
  direction: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  duration_seconds: number;
  telephony_provider: string;
  provider_mode: string;
  agent: ApiAgent;
  turns_count: number;
  cost: ApiCost;
  latency: ApiCallLatency;
}

export interface ApiTurnLatency {
  stt_ms: number;
  llm_ms: number;
  tts_ms: number;
  total_ms: number;
  llm_ttft_ms?: number;
  endpoint_ms?: number;
  bargein_ms?: number;
  agent_response_ms?: number;
}

export interface ApiTurn {
  turn_index: number;
  user_text: string;
  agent_text: string;
  interrupted: boolean;
  latency: ApiTurnLatency;
  stt_audio_seconds: number;
  tts_characters: number;
  timestamp: number;
}

export interface ApiTranscriptEntry {
  role: "user" | "assistant" | "system";
  text: string;
  timestamp: number;
}

export interface ApiCallDetail extends ApiCall {
  turns: ApiTurn[];
  transcript: ApiTranscriptEntry[];
  status_history: { status: string; at: number; extra: Record<string, unknown> }[];
}

export interface ApiAggregates {
  total_calls: number;
  total_cost: number;
  avg_duration: number;
  avg_latency_ms: number;
  cost_breakdown: { stt: number; tts: number; llm: number; telephony: number };
  active_calls: number;
}

// Server-sent events (`event: <type>`), reference F2.
export interface CallPartiesEvent {
  call_id: string;
  caller?: string;
  callee?: string;
  direction?: string;
  status?: string;
}
export interface CallStatusEvent {
  call_id: string;
  status: string;
}
export interface TurnCompleteEvent {
  call_id: string;
  turn: ApiTurn;
}
export interface CallEndEvent {
  call_id: string;
  metrics: ApiCall;
}
export interface CallsDeletedEvent {
  call_ids: string[];
}

export type DashboardEvent =
  | { type: "call_initiated" | "call_start"; data: CallPartiesEvent }
  | { type: "call_status"; data: CallStatusEvent }
  | { type: "turn_complete"; data: TurnCompleteEvent }
  | { type: "call_end"; data: CallEndEvent }
  | { type: "calls_deleted"; data: CallsDeletedEvent };

export const EVENT_TYPES = [
  "call_initiated",
  "call_start",
  "call_status",
  "turn_complete",
  "call_end",
  "calls_deleted",
] as const;
