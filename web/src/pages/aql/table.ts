/** Turns result rows into table columns: records get PK + bins (+ metadata), other rows their keys. */

export interface Table {
  columns: string[];
  cells: unknown[][];
}

interface RecordRow {
  key: { userKey?: unknown; digest?: string | null; namespace?: string; set?: string };
  generation?: number;
  ttl?: number;
  bins: Record<string, unknown>;
}

function isRecord(r: unknown): r is RecordRow {
  return typeof r === "object" && r !== null && "key" in r && "bins" in r && typeof (r as RecordRow).bins === "object";
}

/** Columns and cells of a result; `meta` adds digest, generation and TTL (RECORD_PRINT_METADATA). */
export function tableOf(rows: unknown[], meta: boolean): Table {
  if (rows.length > 0 && rows.every(isRecord)) {
    const recs = rows as RecordRow[];
    const bins: string[] = [];
    for (const r of recs) for (const b of Object.keys(r.bins)) if (!bins.includes(b)) bins.push(b);
    const metaCols = meta ? ["digest", "generation", "ttl"] : [];
    return {
      columns: ["PK", ...bins, ...metaCols],
      cells: recs.map((r) => [
        r.key.userKey ?? null,
        ...bins.map((b) => (b in r.bins ? r.bins[b] : undefined)),
        ...(meta ? [r.key.digest ?? null, r.generation ?? null, r.ttl ?? null] : []),
      ]),
    };
  }
  const columns: string[] = [];
  for (const r of rows) if (typeof r === "object" && r !== null) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return {
    columns,
    cells: rows.map((r) => columns.map((c) => (typeof r === "object" && r !== null ? (r as Record<string, unknown>)[c] : undefined))),
  };
}

/** Text of one cell: strings as is, missing as empty, everything else as compact JSON. */
export function cellText(v: unknown): string {
  if (v === undefined) return "";
  if (v === null) return "NULL";
  if (typeof v === "string") return v;
  if (typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    // Numbers the lossless encoding wraps read as numbers in a table cell.
    if (keys.length === 1 && keys[0] === "$float") return typeof o.$float === "number" && Number.isInteger(o.$float) ? `${o.$float}.0` : String(o.$float);
    if (keys.length === 1 && keys[0] === "$int") return String(o.$int);
  }
  return JSON.stringify(v);
}
