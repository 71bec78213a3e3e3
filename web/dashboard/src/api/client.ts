import type { ApiAggregates, ApiCall, ApiCallDetail } from "./types";

// The dashboard token comes from the page's own URL (`/?token=...`) and goes on every API
// and event-stream request as `?token=`, which the server accepts like a Bearer header.
const pageToken = new URLSearchParams(window.location.search).get("token") ?? "";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) query.set(key, String(value));
  if (pageToken) query.set("token", pageToken);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(path: string, init: RequestInit = {}, params = {}): Promise<T> {
  const response = await fetch(apiUrl(path, params), {
    ...init,
    headers: { Accept: "application/json", ...(init.headers ?? {}) },
    cache: "no-store",
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

export const UI_CALL_LIMIT = 500;

export const api = {
  calls: () => request<ApiCall[]>("/api/dashboard/calls", {}, { limit: UI_CALL_LIMIT }),
  active: () => request<ApiCallDetail[]>("/api/dashboard/active"),
  aggregates: () => request<ApiAggregates>("/api/dashboard/aggregates"),
  call: (id: string) => request<ApiCallDetail>(`/api/dashboard/calls/${encodeURIComponent(id)}`),
  deleteCalls: (ids: string[]) =>
    request<{ deleted: number; call_ids: string[] }>("/api/dashboard/calls/delete", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ call_ids: ids }),
    }),
  eventsUrl: () => apiUrl("/api/dashboard/events"),
  exportUrl: (format: "csv" | "json") => apiUrl("/api/dashboard/export/calls", { format }),
};
