/** Command history of the info console (shell-like ↑/↓ navigation). */

export interface History {
  entries: string[]; // oldest first
  /** Position while navigating: entries.length means "the line being typed". */
  cursor: number;
  /** What the user had typed before pressing ↑, restored when coming back down. */
  draft: string;
}

export const MAX_HISTORY = 200;

export function emptyHistory(entries: string[] = []): History {
  return { entries, cursor: entries.length, draft: "" };
}

/** Records an executed command (skips blanks and immediate repeats) and resets navigation. */
export function pushHistory(h: History, cmd: string): History {
  const c = cmd.trim();
  if (!c) return { ...h, cursor: h.entries.length, draft: "" };
  const entries = h.entries[h.entries.length - 1] === c ? h.entries : [...h.entries, c].slice(-MAX_HISTORY);
  return { entries, cursor: entries.length, draft: "" };
}

/** ↑: older entry. Returns the new state and the text to show. */
export function historyUp(h: History, current: string): [History, string] {
  if (h.cursor === 0) return [h, h.entries[0] ?? current];
  const draft = h.cursor === h.entries.length ? current : h.draft;
  const cursor = h.cursor - 1;
  return [{ ...h, cursor, draft }, h.entries[cursor]!];
}

/** ↓: newer entry, then back to the line being typed. */
export function historyDown(h: History, current: string): [History, string] {
  if (h.cursor >= h.entries.length) return [h, current];
  const cursor = h.cursor + 1;
  return [{ ...h, cursor }, cursor === h.entries.length ? h.draft : h.entries[cursor]!];
}
