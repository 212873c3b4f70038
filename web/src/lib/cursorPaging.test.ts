import { describe, expect, it } from "vitest";
import {
  canNext,
  canPrev,
  clampPageSize,
  currentCursor,
  initialPaging,
  pagingReducer,
  rangeLabel,
  type PagingAction,
  type PagingState,
} from "./cursorPaging";

const run = (s: PagingState, ...actions: PagingAction[]) => actions.reduce(pagingReducer, s);

describe("cursor paging", () => {
  it("walks forward three pages and back to the start", () => {
    let s = initialPaging(50);
    expect(currentCursor(s)).toBeNull();
    s = run(s, { type: "next", nextCursor: "c1" }, { type: "next", nextCursor: "c2" }, { type: "next", nextCursor: "c3" });
    expect(s.index).toBe(3);
    expect(currentCursor(s)).toBe("c3");
    s = run(s, { type: "prev" });
    expect(currentCursor(s)).toBe("c2");
    s = run(s, { type: "prev" }, { type: "prev" });
    expect(currentCursor(s)).toBeNull();
    expect(canPrev(s)).toBe(false);
    expect(run(s, { type: "prev" })).toBe(s);
  });

  it("forgets the forward history when a different path is taken", () => {
    let s = run(initialPaging(), { type: "next", nextCursor: "a" }, { type: "next", nextCursor: "b" }, { type: "prev" });
    s = run(s, { type: "next", nextCursor: "b2" });
    expect(s.cursors).toEqual([null, "a", "b2"]);
  });

  it("stays on the last page when there is no next cursor", () => {
    const s = run(initialPaging(), { type: "next", nextCursor: "a" });
    expect(run(s, { type: "next", nextCursor: null })).toBe(s);
    expect(run(s, { type: "next", nextCursor: "" })).toBe(s);
    expect(canNext(null)).toBe(false);
    expect(canNext("")).toBe(false);
    expect(canNext("x")).toBe(true);
  });

  it("restarts from the first page when the page size changes", () => {
    const s = run(initialPaging(100), { type: "next", nextCursor: "a" }, { type: "setPageSize", pageSize: 250 });
    expect(s).toEqual({ pageSize: 250, cursors: [null], index: 0 });
    expect(run(s, { type: "setPageSize", pageSize: 250 })).toBe(s);
  });

  it("clamps page sizes and labels pages", () => {
    expect(clampPageSize(0)).toBe(1);
    expect(clampPageSize(5000)).toBe(1000);
    expect(clampPageSize(Number.NaN)).toBe(100);
    const s = run(initialPaging(100), { type: "next", nextCursor: "a" });
    expect(rangeLabel(s, 100)).toBe("Page 2 · 100 records");
    expect(rangeLabel(initialPaging(), 1)).toBe("Page 1 · 1 record");
    expect(run(s, { type: "reset" }).index).toBe(0);
    expect(run(s, { type: "first" }).index).toBe(0);
  });
});
