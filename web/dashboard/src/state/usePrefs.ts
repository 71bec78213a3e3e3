import { useCallback, useEffect, useState } from "react";

export type Theme = "light" | "dark";

const THEME_KEY = "patter.dashboard.theme";
const REVEAL_KEY = "patter.dashboard.revealPii";

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

// The two toggles of the top bar, kept in localStorage. Defaults are screen-share safe:
// phone numbers masked, light theme.
export function usePrefs() {
  const [theme, setTheme] = useState<Theme>(() => (read(THEME_KEY) === "dark" ? "dark" : "light"));
  const [revealPii, setRevealPii] = useState<boolean>(() => read(REVEAL_KEY) === "true");

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    write(THEME_KEY, theme);
  }, [theme]);
  useEffect(() => write(REVEAL_KEY, String(revealPii)), [revealPii]);

  const toggleTheme = useCallback(() => setTheme((t) => (t === "dark" ? "light" : "dark")), []);
  const toggleReveal = useCallback(() => setRevealPii((r) => !r), []);
  return { theme, revealPii, toggleTheme, toggleReveal };
}
