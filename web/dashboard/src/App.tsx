import { useCallback, useMemo, useState } from "react";
import { api } from "./api/client";
import { ActiveCalls } from "./components/ActiveCalls";
import { CallDetail } from "./components/CallDetail";
import { CallsTable } from "./components/CallsTable";
import { DeleteBar } from "./components/DeleteBar";
import { DownloadIcon } from "./components/Icons";
import { MetricCards } from "./components/MetricCards";
import { Topbar } from "./components/Topbar";
import { isFailed, isLive } from "./state/callModel";
import { useDashboardData } from "./state/useDashboardData";
import { useNow } from "./state/useNow";
import { usePrefs } from "./state/usePrefs";

type Filter = "all" | "active" | "completed" | "failed";

const FILTERS: { key: Filter; label: string }[] = [
  { key: "all", label: "All" },
  { key: "active", label: "Active" },
  { key: "completed", label: "Completed" },
  { key: "failed", label: "Failed" },
];

const EMPTY_TEXT: Record<Filter, string> = {
  all: "No calls yet. Calls appear here live as they arrive.",
  active: "No call in progress.",
  completed: "No completed call.",
  failed: "No failed call.",
};

export function App() {
  const prefs = usePrefs();
  const data = useDashboardData();
  const [filter, setFilter] = useState<Filter>("all");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);

  const active = useMemo(() => data.calls.filter(isLive), [data.calls]);
  const nowMs = useNow(active.length > 0 || openId !== null);
  const shown = useMemo(() => {
    switch (filter) {
      case "active":
        return active;
      case "completed":
        return data.calls.filter((call) => !isLive(call) && !isFailed(call));
      case "failed":
        return data.calls.filter(isFailed);
      default:
        return data.calls;
    }
  }, [filter, data.calls, active]);

  // Selection only ever holds rows that still exist and have ended.
  const selectedIds = useMemo(
    () => data.calls.filter((call) => selected.has(call.id) && !isLive(call)).map((call) => call.id),
    [data.calls, selected],
  );

  const toggle = useCallback((id: string) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const toggleAll = useCallback((ids: string[], select: boolean) => {
    setSelected((previous) => {
      const next = new Set(previous);
      for (const id of ids) {
        if (select) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);
  const deleteSelected = useCallback(async () => {
    await data.deleteCalls(selectedIds);
    setSelected(new Set());
    if (openId && selectedIds.includes(openId)) setOpenId(null);
  }, [data, selectedIds, openId]);
  const closeDetail = useCallback(() => setOpenId(null), []);

  const openRow = openId ? data.calls.find((call) => call.id === openId) : undefined;
  return (
    <div className="app">
      <Topbar
        link={data.link}
        theme={prefs.theme}
        revealPii={prefs.revealPii}
        onToggleTheme={prefs.toggleTheme}
        onToggleReveal={prefs.toggleReveal}
      />
      <main className="content">
        {data.error && (
          <div className="banner" role="alert">
            {data.error}
          </div>
        )}
        <MetricCards aggregates={data.aggregates} calls={data.calls} activeCount={active.length} nowMs={nowMs} />
        <div className="grid">
          <section className="card calls-card">
            <div className="card-head">
              <h2>Calls</h2>
              <div className="seg" role="tablist">
                {FILTERS.map((option) => (
                  <button
                    key={option.key}
                    type="button"
                    role="tab"
                    aria-selected={filter === option.key}
                    className={filter === option.key ? "on" : ""}
                    onClick={() => setFilter(option.key)}
                  >
                    {option.label}
                    {option.key === "active" && active.length > 0 && <span className="seg-count">{active.length}</span>}
                  </button>
                ))}
              </div>
              <a className="btn ghost small" href={api.exportUrl("csv")} download>
                <DownloadIcon /> CSV
              </a>
            </div>
            {selectedIds.length > 0 && (
              <DeleteBar count={selectedIds.length} onClear={() => setSelected(new Set())} onDelete={deleteSelected} />
            )}
            <CallsTable
              calls={shown}
              nowMs={nowMs}
              revealPii={prefs.revealPii}
              selected={selected}
              openId={openId}
              onToggle={toggle}
              onToggleAll={toggleAll}
              onOpen={setOpenId}
              emptyText={EMPTY_TEXT[filter]}
            />
          </section>
          <ActiveCalls calls={active} nowMs={nowMs} revealPii={prefs.revealPii} onOpen={setOpenId} />
        </div>
      </main>
      {openId && (
        <CallDetail
          id={openId}
          row={openRow}
          version={data.callVersions.get(openId) ?? 0}
          nowMs={nowMs}
          revealPii={prefs.revealPii}
          onClose={closeDetail}
        />
      )}
    </div>
  );
}
