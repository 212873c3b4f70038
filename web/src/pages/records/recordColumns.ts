/** Helpers shared by the record browser and the query results. */
import type { RecordData } from "../../api/types";
import { keyToText } from "./recordDraft";

/** Union of bin names over a page, in order of first appearance. */
export function binColumns(records: RecordData[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const b of Object.keys(r.bins)) seen.add(b);
  return [...seen];
}

/** Display text of a record's key; records written without `sendKey` only have a digest. */
export function keyLabel(r: RecordData): string {
  const k = keyToText(r.key.userKey);
  return k ? k.keyText : r.key.digest ? `#${r.key.digest.slice(0, 12)}…` : "(no key)";
}
