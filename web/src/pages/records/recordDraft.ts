/** Pure conversions between a record and the editor's draft, and the draft's validation. */
import type { RecordData, RecordWrite } from "../../api/types";
import { formatValue, fromWire, parseTtl, parseValue, toWire, ttlToWire, type TypedValue } from "../../lib/values";
import type { ValueDraft } from "./ValueEditor";

export type KeyType = "string" | "int" | "bytes";

/** The server's name for a key type. */
export function wireKeyType(t: KeyType): "string" | "integer" | "bytes" {
  return t === "int" ? "integer" : t;
}

export interface BinDraft {
  id: string;
  name: string;
  draft: ValueDraft;
  /** The bin exists on the server (so removing it must delete it). */
  existing: boolean;
  removed: boolean;
}

export interface RecordDraft {
  keyType: KeyType;
  keyText: string;
  ttl: string;
  bins: BinDraft[];
}

let n = 0;
const nextId = () => `b${++n}`;

/** Text and type of a record's user key, for URLs and the key field. */
export function keyToText(userKey: unknown): { keyType: KeyType; keyText: string } | null {
  if (userKey === undefined || userKey === null) return null;
  const v = fromWire(userKey);
  if (v.type === "int") return { keyType: "int", keyText: v.value.toString() };
  if (v.type === "bytes") return { keyType: "bytes", keyText: formatValue(v) };
  if (v.type === "string") return { keyType: "string", keyText: v.value };
  return null;
}

/**
 * How the API addresses an existing record: by its user key when the key was stored, else by
 * its digest (records written with `sendKey=false`); null when the record carries neither.
 */
export type RecordAddress = { key: string; keyType: "string" | "integer" | "bytes" } | { digest: string };

export function recordAddress(r: RecordData): RecordAddress | null {
  const k = keyToText(r.key.userKey);
  if (k) return { key: k.keyText, keyType: wireKeyType(k.keyType) };
  return r.key.digest ? { digest: r.key.digest } : null;
}

/** The key fields of a write to an existing record: the stored user key, else the digest. */
export function writeAddress(r: RecordData): { key: unknown } | { digest: string } | null {
  if (r.key.userKey !== undefined && r.key.userKey !== null) return { key: r.key.userKey };
  return r.key.digest ? { digest: r.key.digest } : null;
}

/** Parses the key field into the wire value, or an error message. */
export function keyFromText(keyType: KeyType, text: string): { ok: true; key: unknown } | { ok: false; error: string } {
  if (keyType === "string" && text === "") return { ok: false, error: "Enter the record's primary key." };
  const r = parseValue(keyType, text);
  return r.ok ? { ok: true, key: toWire(r.value) } : { ok: false, error: r.error };
}

export function newBin(name = "", type: ValueDraft["type"] = "string", text = ""): BinDraft {
  return { id: nextId(), name, draft: { type, text }, existing: false, removed: false };
}

/** Draft for editing (`existing` bins) or duplicating (all bins new, key cleared). */
export function draftFromRecord(r: RecordData | undefined, duplicate = false): RecordDraft {
  if (!r) return { keyType: "string", keyText: "", ttl: "", bins: [newBin()] };
  const key = duplicate ? null : keyToText(r.key.userKey);
  return {
    keyType: key?.keyType ?? "string",
    keyText: key?.keyText ?? "",
    ttl: duplicate ? (r.ttl > 0 ? String(r.ttl) : r.ttl === -1 ? "never" : "") : "unchanged",
    bins: Object.entries(r.bins).map(([name, wire]) => {
      const v: TypedValue = fromWire(wire);
      return { id: nextId(), name, draft: { type: v.type, text: formatValue(v) }, existing: !duplicate, removed: false };
    }),
  };
}

export interface DraftErrors {
  key?: string;
  ttl?: string;
  bins: Record<string, string>; // by BinDraft.id
  form?: string;
}

/** Validates the draft and builds the write request. Removed existing bins are written as nil,
 * which deletes them in the same atomic write. */
export function buildWrite(
  d: RecordDraft,
  needKey: boolean,
): { ok: true; key: unknown; write: Omit<RecordWrite, "key"> } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = { bins: {} };
  let key: unknown = undefined;
  if (needKey) {
    const k = keyFromText(d.keyType, d.keyText);
    if (k.ok) key = k.key;
    else errors.key = k.error;
  }
  const ttl = parseTtl(d.ttl);
  if (!ttl.ok) errors.ttl = ttl.error;
  const bins: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const b of d.bins) {
    if (b.removed) {
      if (b.existing) bins[b.name] = null;
      continue;
    }
    const name = b.name.trim();
    if (!name) {
      errors.bins[b.id] = "Give the bin a name.";
      continue;
    }
    if (new TextEncoder().encode(name).length > 15) {
      errors.bins[b.id] = "Bin names are at most 15 bytes.";
      continue;
    }
    if (seen.has(name)) {
      errors.bins[b.id] = `Bin "${name}" appears twice.`;
      continue;
    }
    seen.add(name);
    const v = parseValue(b.draft.type, b.draft.text);
    if (!v.ok) {
      errors.bins[b.id] = v.error;
      continue;
    }
    bins[name] = toWire(v.value);
  }
  if (Object.keys(bins).length === 0 && !errors.key) errors.form = "A record needs at least one bin.";
  if (errors.key || errors.ttl || errors.form || Object.keys(errors.bins).length) return { ok: false, errors };
  const write: Omit<RecordWrite, "key"> = { bins };
  if (ttl.ok) write.ttl = ttlToWire(ttl.value);
  return { ok: true, key, write };
}
