/** Local history of executed AQL scripts (newest last), kept in localStorage. */
import { emptyHistory, pushHistory, type History } from "../console/history";

export const AQL_HISTORY_KEY = "acm.aql.history";

export function loadAqlHistory(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): History {
  try {
    const v = JSON.parse(storage?.getItem(AQL_HISTORY_KEY) ?? "[]") as unknown;
    return emptyHistory(Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return emptyHistory();
  }
}

export function saveAqlHistory(h: History, storage: Pick<Storage, "setItem"> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(AQL_HISTORY_KEY, JSON.stringify(h.entries));
  } catch {
    /* storage full or disabled: history stays in memory */
  }
}

export { pushHistory };

/** One line describing a script in the history list. */
export function historyLabel(script: string, max = 80): string {
  const one = script.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
