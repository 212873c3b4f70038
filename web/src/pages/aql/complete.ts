/**
 * AQL completion (pure): keywords everywhere, namespaces after FROM/INTO/ON/TRUNCATE/SHOW …,
 * sets after `ns.`, bins in bin positions, index names after DROP|DESC INDEX ns.
 */

export interface Names {
  namespaces: string[];
  sets: Record<string, string[]>;
  bins: string[];
  indexes: { namespace: string; name: string }[];
}

export const emptyNames: Names = { namespaces: [], sets: {}, bins: [], indexes: [] };

export interface Option {
  label: string;
  type: "keyword" | "namespace" | "set" | "bin" | "index";
}

export const KEYWORDS = [
  "SELECT", "FROM", "WHERE", "AND", "BETWEEN", "CONTAINS", "WITHIN", "IN", "LIST", "MAPKEYS", "MAPVALUES", "LIMIT",
  "INSERT", "INTO", "VALUES", "DELETE", "EXPLAIN", "SHOW", "NAMESPACES", "SETS", "BINS", "INDEXES", "UDFS", "QUERIES",
  "DESC", "INDEX", "MODULE", "CREATE", "ON", "NUMERIC", "STRING", "GEO2DSPHERE", "BLOB", "DROP", "REGISTER", "REMOVE",
  "EXECUTE", "AGGREGATE", "TRUNCATE", "SET", "OUTPUT", "TABLE", "JSON", "TIMEOUT", "RECORD_PRINT_METADATA", "KEY_SEND",
  "PK", "MAP", "GEOJSON", "CAST", "AS", "true", "false",
];

const NS_AFTER = new Set(["FROM", "INTO", "ON", "TRUNCATE", "INDEXES", "SETS", "BINS"]);
const BIN_AFTER = new Set(["SELECT", "WHERE", ",", "("]);

/** Words and single symbols before `end`, skipping strings and comments (approximate, for context). */
function tokensBefore(text: string, end: number): string[] {
  const src = text.slice(0, end);
  const re = /--[^\n]*|\/\*[\s\S]*?(\*\/|$)|'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?|`[^`]*`?|[A-Za-z0-9_$-]+|[(),.=*;]/g;
  const out: string[] = [];
  for (const m of src.matchAll(re)) {
    const t = m[0];
    if (t.startsWith("--") || t.startsWith("/*")) continue;
    if (t === ";") out.length = 0;
    else out.push(/^[A-Za-z_]/.test(t) ? t : t.startsWith("'") || t.startsWith('"') ? "'str'" : t);
  }
  return out;
}

/** Completion options at `pos`: where the word being typed starts and what fits there. */
export function completionsAt(text: string, pos: number, names: Names): { from: number; options: Option[] } {
  const word = /[A-Za-z0-9_$-]*$/.exec(text.slice(0, pos))?.[0] ?? "";
  const from = pos - word.length;
  const before = tokensBefore(text, from);
  const prev = before[before.length - 1];
  const up = (t: string | undefined) => (t ?? "").toUpperCase();
  const kw = KEYWORDS.map((k): Option => ({ label: k, type: "keyword" }));
  let options: Option[];
  if (prev === "." && before.length >= 2) {
    const ns = before[before.length - 2]!;
    options = (names.sets[ns] ?? []).map((s) => ({ label: s, type: "set" }));
  } else if (up(before[before.length - 3]) === "DROP" || up(before[before.length - 3]) === "DESC") {
    const ns = prev ?? "";
    options = up(before[before.length - 2]) === "INDEX" ? names.indexes.filter((i) => i.namespace === ns).map((i) => ({ label: i.name, type: "index" })) : kw;
  } else if (NS_AFTER.has(up(prev)) || (up(prev) === "INDEX" && ["DROP", "DESC"].includes(up(before[before.length - 2])))) {
    options = names.namespaces.map((n): Option => ({ label: n, type: "namespace" }));
  } else if (prev !== undefined && BIN_AFTER.has(up(prev))) {
    options = [...names.bins.map((b): Option => ({ label: b, type: "bin" })), ...kw];
  } else {
    options = kw;
  }
  const w = word.toLowerCase();
  return { from, options: options.filter((o) => o.label.toLowerCase().startsWith(w)) };
}

/** Completion names from the answers of `SHOW NAMESPACES; SHOW SETS; SHOW BINS; SHOW INDEXES`. */
export function namesFrom(rowsByStatement: unknown[][]): Names {
  const [nsRows = [], setRows = [], binRows = [], idxRows = []] = rowsByStatement as Record<string, unknown>[][];
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const sets: Record<string, string[]> = {};
  for (const r of setRows) {
    const ns = str(r.namespace);
    (sets[ns] ??= []).push(str(r.name));
  }
  return {
    namespaces: nsRows.map((r) => str(r.namespace)).filter(Boolean),
    sets,
    bins: [...new Set(binRows.map((r) => str(r.bin)).filter(Boolean))],
    indexes: idxRows.map((r) => ({ namespace: str(r.namespace), name: str(r.name) })),
  };
}
