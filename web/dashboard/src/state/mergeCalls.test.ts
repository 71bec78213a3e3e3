import { describe, expect, it } from "vitest";
import { placeholderCall, type UiCall } from "./callModel";
import { MAX_UI_CALLS, mergeCalls, patchCall, removeCalls } from "./mergeCalls";

function call(id: string, startedAtMs: number, fields: Partial<UiCall> = {}): UiCall {
  return placeholderCall(id, { startedAtMs, endedAtMs: startedAtMs + 1000, status: "completed", ...fields }, 0);
}

describe("mergeCalls", () => {
  it("keeps rows that the incoming snapshot lacks", () => {
    const merged = mergeCalls([call("a", 1), call("b", 2)], [call("c", 3)]);
    expect(merged.map((c) => c.id)).toEqual(["c", "b", "a"]);
  });

  it("updates a known row in place", () => {
    const merged = mergeCalls([call("a", 1, { turnsCount: 1 })], [call("a", 1, { turnsCount: 4 })]);
    expect(merged).toHaveLength(1);
    expect(merged[0].turnsCount).toBe(4);
  });

  it("sorts by start time, newest first, whatever the input order", () => {
    const merged = mergeCalls([call("old", 10), call("new", 30)], [call("mid", 20)]);
    expect(merged.map((c) => c.id)).toEqual(["new", "mid", "old"]);
  });

  it("caps the list at the newest MAX_UI_CALLS rows", () => {
    const previous = Array.from({ length: 600 }, (_, i) => call(`p${i}`, i));
    const merged = mergeCalls(previous, [call("fresh", 10_000)]);
    expect(merged).toHaveLength(MAX_UI_CALLS);
    expect(merged[0].id).toBe("fresh");
    expect(merged.at(-1)?.id).toBe(`p${600 - MAX_UI_CALLS + 1}`);
  });

  it("never revives an ended call from a late snapshot of live calls", () => {
    const ended = call("a", 1, { status: "completed", turnsCount: 3 });
    const staleLive = call("a", 1, { status: "in-progress", endedAtMs: null, turnsCount: 2 });
    const [merged] = mergeCalls([ended], [staleLive]);
    expect(merged.endedAtMs).not.toBeNull();
    expect(merged.status).toBe("completed");
  });

  it("ends a live call when its ended record arrives", () => {
    const live = call("a", 1, { status: "in-progress", endedAtMs: null, caller: "+15550001111" });
    const [merged] = mergeCalls([live], [call("a", 1, { caller: "" })]);
    expect(merged.endedAtMs).toBe(1001);
    expect(merged.caller).toBe("+15550001111");
  });

  it("does not lower a live call's turn count", () => {
    const live = call("a", 1, { endedAtMs: null, turnsCount: 3 });
    const [merged] = mergeCalls([live], [call("a", 1, { endedAtMs: null, turnsCount: 2 })]);
    expect(merged.turnsCount).toBe(3);
  });
});

describe("patchCall and removeCalls", () => {
  it("patches only the named call", () => {
    const calls = [call("a", 1), call("b", 2)];
    const patched = patchCall(calls, "b", (c) => ({ ...c, status: "failed" }));
    expect(patched.map((c) => c.status)).toEqual(["completed", "failed"]);
    expect(patchCall(calls, "zz", (c) => c)).toBe(calls);
  });

  it("removes deleted ids and keeps identity when nothing changes", () => {
    const calls = [call("a", 1), call("b", 2)];
    expect(removeCalls(calls, ["a"]).map((c) => c.id)).toEqual(["b"]);
    expect(removeCalls(calls, ["zz"])).toBe(calls);
  });
});
