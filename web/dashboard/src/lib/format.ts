// Display formats shared by the components.

export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function formatCost(usd: number, digits = 4): string {
  if (!Number.isFinite(usd)) return "—";
  return `$${usd.toFixed(digits)}`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "—";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatClock(ms: number): string {
  if (!ms) return "—";
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDateTime(ms: number): string {
  if (!ms) return "—";
  const date = new Date(ms);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (sameDay) return time;
  return `${date.toLocaleDateString([], { month: "short", day: "numeric" })} ${time}`;
}

const BULLETS = "\u2022\u2022\u2022";

// A phone number for display: masked to its last four digits unless revealed. A number the
// server already stored redacted ("***1234", "sha256:...") can only be shown as it is.
export function formatPhone(number: string, revealed: boolean): string {
  if (!number) return "—";
  if (number.startsWith("***")) return BULLETS + number.slice(3);
  if (number.startsWith("sha256:")) return revealed ? number : `${BULLETS}${number.slice(-4)}`;
  if (revealed) return number;
  const digits = number.replace(/\D/g, "");
  if (digits.length <= 4) return BULLETS;
  return BULLETS + digits.slice(-4);
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id;
}

export function titleCase(text: string): string {
  return text
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(" ");
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
