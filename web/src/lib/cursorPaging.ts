/**
 * Cursor paging state for scans and queries. The server returns an opaque `nextCursor` with each
 * page; going back re-uses the cursor that produced the earlier page, so we keep the stack of cursors
 * that started each page visited so far.
 */

export interface PagingState {
  pageSize: number;
  /** cursors[i] is the cursor that fetches page i (cursors[0] is always null: the first page). */
  cursors: Array<string | null>;
  /** Index of the page on screen. */
  index: number;
}

export type PagingAction =
  | { type: "next"; nextCursor: string | null | undefined }
  | { type: "prev" }
  | { type: "first" }
  | { type: "setPageSize"; pageSize: number }
  | { type: "reset" };

export const PAGE_SIZES = [25, 50, 100, 250, 500, 1000] as const;

export function initialPaging(pageSize = 100): PagingState {
  return { pageSize: clampPageSize(pageSize), cursors: [null], index: 0 };
}

/** Keeps the page size within what the server accepts (1..1000). */
export function clampPageSize(n: number): number {
  if (!Number.isFinite(n)) return 100;
  return Math.min(1000, Math.max(1, Math.trunc(n)));
}

export function pagingReducer(state: PagingState, action: PagingAction): PagingState {
  switch (action.type) {
    case "next": {
      if (!action.nextCursor) return state; // last page: nothing further
      const cursors = state.cursors.slice(0, state.index + 1);
      cursors.push(action.nextCursor);
      return { ...state, cursors, index: state.index + 1 };
    }
    case "prev":
      return state.index === 0 ? state : { ...state, index: state.index - 1 };
    case "first":
      return state.index === 0 ? state : { ...state, index: 0 };
    case "setPageSize": {
      const pageSize = clampPageSize(action.pageSize);
      // Cursors depend on the page size: start over from the first page.
      return pageSize === state.pageSize ? state : { pageSize, cursors: [null], index: 0 };
    }
    case "reset":
      return { ...state, cursors: [null], index: 0 };
  }
}

/** The cursor to fetch the page on screen. */
export function currentCursor(s: PagingState): string | null {
  return s.cursors[s.index] ?? null;
}

export function canPrev(s: PagingState): boolean {
  return s.index > 0;
}

export function canNext(nextCursor: string | null | undefined): boolean {
  return typeof nextCursor === "string" && nextCursor.length > 0;
}

/** "Page 3 · 100 records" label for the page on screen (scans may return short pages, so no
 * absolute record numbers are claimed). */
export function rangeLabel(s: PagingState, rowsOnPage: number): string {
  const n = rowsOnPage.toLocaleString("en-US");
  return `Page ${s.index + 1} · ${n} record${rowsOnPage === 1 ? "" : "s"}`;
}
