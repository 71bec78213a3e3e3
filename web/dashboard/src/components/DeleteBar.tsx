import { useState } from "react";
import { plural } from "../lib/format";
import { TrashIcon } from "./Icons";

interface DeleteBarProps {
  count: number;
  onClear: () => void;
  onDelete: () => Promise<void>;
}

// Shown while rows are selected: delete asks for a confirmation before anything is removed.
export function DeleteBar({ count, onClear, onDelete }: DeleteBarProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await onDelete();
      setConfirming(false);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`bulk-bar${confirming ? " confirming" : ""}`} data-testid="bulk-bar">
      {confirming ? (
        <>
          <span className="bulk-text">
            <strong>Delete {plural(count, "call")}?</strong> Removes from view + metrics. Logs kept on disk.
          </span>
          {failure && <span className="bulk-error">{failure}</span>}
          <span className="bulk-actions">
            <button type="button" className="btn ghost" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="btn danger" data-testid="confirm-delete" onClick={confirm} disabled={busy}>
              <TrashIcon /> {busy ? "Deleting…" : `Delete ${plural(count, "call")}`}
            </button>
          </span>
        </>
      ) : (
        <>
          <span className="bulk-text">
            <strong>{count}</strong> selected
          </span>
          <span className="bulk-actions">
            <button type="button" className="btn ghost" onClick={onClear}>
              Clear
            </button>
            <button type="button" className="btn danger-outline" data-testid="delete-selected" onClick={() => setConfirming(true)}>
              <TrashIcon /> Delete
            </button>
          </span>
        </>
      )}
    </div>
  );
}
