import type { LinkState } from "../state/liveEvents";
import type { Theme } from "../state/usePrefs";
import { EyeIcon, EyeOffIcon, MoonIcon, PatterMark, SunIcon } from "./Icons";

const LINK_LABEL: Record<LinkState, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  polling: "Polling",
};

interface TopbarProps {
  link: LinkState;
  theme: Theme;
  revealPii: boolean;
  onToggleTheme: () => void;
  onToggleReveal: () => void;
}

export function Topbar({ link, theme, revealPii, onToggleTheme, onToggleReveal }: TopbarProps) {
  return (
    <header className="topbar">
      <div className="brand">
        <PatterMark />
        <span className="brand-name">patter</span>
        <span className="brand-sub">Dashboard</span>
      </div>
      <div className="topbar-actions">
        <span className={`link-badge link-${link}`} data-testid="link-state" title="Live updates from the server">
          <span className="link-dot" />
          {LINK_LABEL[link]}
        </span>
        <button
          type="button"
          className={`icon-btn${revealPii ? " on" : ""}`}
          data-testid="toggle-pii"
          aria-pressed={revealPii}
          title={revealPii ? "Hide phone numbers" : "Reveal phone numbers"}
          onClick={onToggleReveal}
        >
          {revealPii ? <EyeIcon /> : <EyeOffIcon />}
        </button>
        <button
          type="button"
          className={`icon-btn${theme === "dark" ? " on" : ""}`}
          data-testid="toggle-theme"
          aria-pressed={theme === "dark"}
          title={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          onClick={onToggleTheme}
        >
          {theme === "dark" ? <MoonIcon /> : <SunIcon />}
        </button>
      </div>
    </header>
  );
}
