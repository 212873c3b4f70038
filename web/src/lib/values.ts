/**
 * Typed Aerospike values and their text form in the record editor.
 *
 * Every bin value has an explicit type so that `1` (int) and `1.0` (float), or a string and a blob,
 * never get mixed up on a round trip through the editor. Lists and maps are edited as JSON where
 * integer literals stay ints (64-bit, as bigint), literals with a dot or exponent are floats, and
 * tagged objects carry what JSON lacks: `{"$bytes": "<base64>"}` and `{"$geo": {...}}`. Maps whose
 * keys are not all strings are written `{"$map": [[key, value], ...]}`. The reader also accepts the
 * manager's wire tags `{"$int": "<digits>"}` and `{"$float": n}`, so wire JSON pastes in as is.
 *
 * [`fromWire`] / [`toWire`] convert to and from the manager's lossless JSON encoding (see
 * docs/manager-api.md): plain JSON where unambiguous, `$int` beyond 2^53, `$float` for floats
 * without a fraction, `$bytes`, `$geo`, `$map`.
 */

/** The particle types the editor supports. */
export const BIN_TYPES = ["string", "int", "float", "bool", "bytes", "list", "map", "geojson", "nil"] as const;
export type BinType = (typeof BIN_TYPES)[number];

/** A value with its Aerospike type. */
export type TypedValue =
  | { type: "nil" }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "string"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "bool"; value: boolean }
  | { type: "list"; value: TypedValue[] }
  | { type: "map"; value: Array<[TypedValue, TypedValue]> }
  | { type: "geojson"; value: GeoJson };

/** A GeoJSON object as Aerospike accepts it (Point, Polygon, MultiPolygon or AeroCircle). */
export interface GeoJson {
  type: string;
  coordinates: unknown;
  [k: string]: unknown;
}

/** Result of parsing editor text. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const GEO_TYPES = new Set(["Point", "Polygon", "MultiPolygon", "AeroCircle"]);

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

// ---------------------------------------------------------------- base64

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Encodes bytes as standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? B64[n & 63]! : "=";
  }
  return out;
}

/** Decodes standard or URL-safe base64 (padding optional, whitespace ignored). */
export function base64ToBytes(text: string): Parsed<Uint8Array> {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (clean.length % 4 === 1) return fail("Invalid base64: the length is not valid (one character too many?).");
  const out: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) return fail(`Invalid base64: unexpected character '${ch}'. Use A–Z, a–z, 0–9, + and /.`);
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buf >> bits) & 0xff);
    }
  }
  return ok(Uint8Array.from(out));
}

// ---------------------------------------------------------------- scalars

/** Parses a 64-bit signed integer written in decimal. */
export function parseInt64(text: string): Parsed<bigint> {
  const t = text.trim();
  if (!/^[-+]?\d+$/.test(t)) return fail(`"${text}" is not an integer: use digits only, e.g. 42 or -7.`);
  const v = BigInt(t);
  if (v < I64_MIN || v > I64_MAX) return fail("Out of range: Aerospike integers are 64-bit signed.");
  return ok(v);
}

/** Parses a finite double. */
export function parseFloat64(text: string): Parsed<number> {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return fail(`"${text}" is not a number, e.g. 3.14 or 1e-3.`);
  const v = Number(t);
  if (!Number.isFinite(v)) return fail("Out of range: the number is too large for a double.");
  return ok(v);
}

/** Text of a double that always reads back as a float (1 → "1.0"). */
export function formatFloat(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) || !Number.isFinite(v) ? s : `${s}.0`;
}

/** Checks that an object is usable GeoJSON for Aerospike. */
export function validateGeoJson(obj: unknown): Parsed<GeoJson> {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return fail("GeoJSON must be an object.");
  const o = obj as Record<string, unknown>;
  if (typeof o.type !== "string" || !GEO_TYPES.has(o.type))
    return fail('GeoJSON "type" must be one of Point, Polygon, MultiPolygon, AeroCircle.');
  if (!Array.isArray(o.coordinates)) return fail('GeoJSON needs a "coordinates" array.');
  if (o.type === "Point") {
    const c = o.coordinates;
    if (c.length !== 2 || !c.every((x) => typeof x === "number"))
      return fail("A Point needs [longitude, latitude], e.g. [-122.4, 37.8].");
  }
  if (o.type === "AeroCircle") {
    const [center, radius] = o.coordinates as unknown[];
    if (!Array.isArray(center) || center.length !== 2 || typeof radius !== "number")
      return fail("An AeroCircle needs [[longitude, latitude], radius-in-meters].");
  }
  return ok(o as GeoJson);
}

// ---------------------------------------------------------------- extended JSON reader

const TAGS = new Set(["$bytes", "$geo", "$geojson", "$map", "$int", "$float"]);

class Reader {
  pos = 0;
  constructor(readonly src: string) {}
  ws() {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }
  err(msg: string): never {
    throw new SyntaxError(`${msg} at position ${this.pos + 1}`);
  }
  peek() {
    this.ws();
    return this.src[this.pos];
  }
  expect(ch: string) {
    if (this.peek() !== ch) this.err(`Expected '${ch}'`);
    this.pos++;
  }
  raw(): unknown {
    // Plain JSON value (used inside $geojson), numbers as JS numbers.
    const start = this.pos;
    this.value();
    return JSON.parse(this.src.slice(start, this.pos));
  }
  string(): string {
    this.ws();
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.src.slice(this.pos));
    if (!m) this.err("Invalid string");
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }
  value(): TypedValue {
    const c = this.peek();
    if (c === "{") return this.object();
    if (c === "[") {
      this.pos++;
      const items: TypedValue[] = [];
      if (this.peek() === "]") {
        this.pos++;
        return { type: "list", value: items };
      }
      for (;;) {
        items.push(this.value());
        const n = this.peek();
        this.pos++;
        if (n === "]") return { type: "list", value: items };
        if (n !== ",") this.err("Expected ',' or ']'");
      }
    }
    if (c === '"') return { type: "string", value: this.string() };
    const rest = this.src.slice(this.pos);
    for (const [word, v] of [
      ["true", { type: "bool", value: true }],
      ["false", { type: "bool", value: false }],
      ["null", { type: "nil" }],
    ] as const) {
      if (rest.startsWith(word)) {
        this.pos += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (!m || m[0] === "-") this.err("Unexpected token");
    this.pos += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = parseInt64(m[0]);
      if (!n.ok) this.err(n.error);
      return { type: "int", value: n.value };
    }
    return { type: "float", value: Number(m[0]) };
  }
  object(): TypedValue {
    this.expect("{");
    const entries: Array<[TypedValue, TypedValue]> = [];
    if (this.peek() === "}") {
      this.pos++;
      return { type: "map", value: entries };
    }
    let first = true;
    for (;;) {
      const key = this.string();
      this.expect(":");
      if (first && TAGS.has(key)) {
        const tagged = this.tagged(key);
        this.expect("}");
        return tagged;
      }
      first = false;
      entries.push([{ type: "string", value: key }, this.value()]);
      const n = this.peek();
      this.pos++;
      if (n === "}") return { type: "map", value: entries };
      if (n !== ",") this.err("Expected ',' or '}'");
    }
  }
  tagged(tag: string): TypedValue {
    if (tag === "$int") {
      const n = parseInt64(this.string());
      if (!n.ok) this.err(n.error);
      return { type: "int", value: n.value };
    }
    if (tag === "$float") {
      const raw = this.raw();
      const f = typeof raw === "number" ? raw : Number(raw);
      if (typeof raw !== "number" && typeof raw !== "string") this.err('"$float" needs a number');
      return { type: "float", value: f };
    }
    if (tag === "$bytes") {
      const b = base64ToBytes(this.string());
      if (!b.ok) this.err(b.error);
      return { type: "bytes", value: b.value };
    }
    if (tag === "$geo" || tag === "$geojson") {
      const g = validateGeoJson(this.raw());
      if (!g.ok) this.err(g.error);
      return { type: "geojson", value: g.value };
    }
    const pairs = this.value();
    if (pairs.type !== "list") this.err('"$map" needs a list of [key, value] pairs');
    const entries: Array<[TypedValue, TypedValue]> = [];
    for (const p of pairs.value) {
      if (p.type !== "list" || p.value.length !== 2) this.err('Each "$map" entry must be [key, value]');
      entries.push([p.value[0]!, p.value[1]!]);
    }
    return { type: "map", value: entries };
  }
}

/** Parses the extended JSON used for lists and maps. */
export function parseExtendedJson(text: string): Parsed<TypedValue> {
  const r = new Reader(text);
  try {
    const v = r.value();
    if (r.peek() !== undefined) r.err("Unexpected text after the value");
    return ok(v);
  } catch (e) {
    return fail(`Invalid JSON: ${(e as Error).message}.`);
  }
}

/** Writes a typed value as extended JSON (compact, or indented with `indent` spaces). */
export function toExtendedJson(v: TypedValue, indent = 0): string {
  const nl = (d: number) => (indent ? "\n" + " ".repeat(indent * d) : "");
  const sep = indent ? ": " : ":";
  const go = (x: TypedValue, d: number): string => {
    switch (x.type) {
      case "nil":
        return "null";
      case "int":
        return x.value.toString();
      case "float":
        return formatFloat(x.value);
      case "string":
        return JSON.stringify(x.value);
      case "bool":
        return String(x.value);
      case "bytes":
        return `{"$bytes"${sep}${JSON.stringify(bytesToBase64(x.value))}}`;
      case "geojson":
        return `{"$geo"${sep}${JSON.stringify(x.value)}}`;
      case "list":
        if (x.value.length === 0) return "[]";
        return `[${x.value.map((i) => nl(d + 1) + go(i, d + 1)).join(",")}${nl(d)}]`;
      case "map": {
        if (x.value.length === 0) return "{}";
        const stringKeys = x.value.every(([k]) => k.type === "string" && !k.value.startsWith("$"));
        if (stringKeys)
          return `{${x.value.map(([k, val]) => nl(d + 1) + go(k, d + 1) + sep + go(val, d + 1)).join(",")}${nl(d)}}`;
        const pairs: TypedValue = { type: "list", value: x.value.map(([k, val]) => ({ type: "list", value: [k, val] })) };
        return `{"$map"${sep}${go(pairs, d)}}`;
      }
    }
  };
  return go(v, 0);
}

// ---------------------------------------------------------------- wire (manager JSON) <-> value

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Encodes a value in the manager's lossless JSON (ready for JSON.stringify). */
export function toWire(v: TypedValue): unknown {
  switch (v.type) {
    case "nil":
      return null;
    case "bool":
    case "string":
      return v.value;
    case "int":
      return v.value >= -MAX_SAFE && v.value <= MAX_SAFE ? Number(v.value) : { $int: v.value.toString() };
    case "float":
      if (Number.isNaN(v.value)) return { $float: "NaN" };
      if (!Number.isFinite(v.value)) return { $float: v.value > 0 ? "Infinity" : "-Infinity" };
      return Number.isInteger(v.value) ? { $float: v.value } : v.value;
    case "bytes":
      return { $bytes: bytesToBase64(v.value) };
    case "geojson":
      return { $geo: v.value };
    case "list":
      return v.value.map(toWire);
    case "map": {
      const plain =
        v.value.every(([k]) => k.type === "string") &&
        !(v.value.length === 1 && v.value[0]![0].type === "string" && v.value[0]![0].value.startsWith("$"));
      if (plain) {
        const o: Record<string, unknown> = {};
        for (const [k, val] of v.value) o[(k as { value: string }).value] = toWire(val);
        return o;
      }
      return { $map: v.value.map(([k, val]) => [toWire(k), toWire(val)]) };
    }
  }
}

/** Decodes the manager's JSON into a typed value. Numbers without a fraction are ints: the server
 * tags integer-valued floats as `$float`, so this is exact for anything the server sent. */
export function fromWire(j: unknown): TypedValue {
  if (j === null || j === undefined) return { type: "nil" };
  if (typeof j === "boolean") return { type: "bool", value: j };
  if (typeof j === "string") return { type: "string", value: j };
  if (typeof j === "number") return Number.isInteger(j) ? { type: "int", value: BigInt(j) } : { type: "float", value: j };
  if (Array.isArray(j)) return { type: "list", value: j.map(fromWire) };
  if (typeof j === "object") {
    const o = j as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const t = o[keys[0]!];
      switch (keys[0]) {
        case "$int":
          if (typeof t === "string" && /^-?\d+$/.test(t)) return { type: "int", value: BigInt(t) };
          break;
        case "$float":
          if (typeof t === "number" || typeof t === "string") return { type: "float", value: Number(t) };
          break;
        case "$bytes":
        case "$hll":
          if (typeof t === "string") {
            const b = base64ToBytes(t);
            if (b.ok) return { type: "bytes", value: b.value };
          }
          break;
        case "$geo":
          if (typeof t === "object" && t !== null) return { type: "geojson", value: t as GeoJson };
          if (typeof t === "string") {
            try {
              return { type: "geojson", value: JSON.parse(t) as GeoJson };
            } catch {
              return { type: "string", value: t };
            }
          }
          break;
        case "$map":
          if (Array.isArray(t))
            return {
              type: "map",
              value: t.map((p) => {
                const pair = Array.isArray(p) ? p : [p, null];
                return [fromWire(pair[0]), fromWire(pair[1])] as [TypedValue, TypedValue];
              }),
            };
          break;
      }
    }
    return { type: "map", value: keys.map((k) => [{ type: "string", value: k }, fromWire(o[k])]) };
  }
  return { type: "string", value: String(j) };
}

// ---------------------------------------------------------------- editor text <-> value

/** Text shown in the editor for a value (the inverse of [`parseValue`]). */
export function formatValue(v: TypedValue): string {
  switch (v.type) {
    case "nil":
      return "";
    case "int":
      return v.value.toString();
    case "float":
      return formatFloat(v.value);
    case "string":
      return v.value;
    case "bytes":
      return bytesToBase64(v.value);
    case "bool":
      return String(v.value);
    case "geojson":
      return JSON.stringify(v.value, null, 2);
    case "list":
    case "map":
      return toExtendedJson(v, 2);
  }
}

/** Parses editor text as a value of the chosen type, with an error that says how to fix it. */
export function parseValue(type: BinType, text: string): Parsed<TypedValue> {
  switch (type) {
    case "nil":
      return ok({ type: "nil" });
    case "string":
      return ok({ type: "string", value: text });
    case "int": {
      const r = parseInt64(text);
      return r.ok ? ok({ type: "int", value: r.value }) : r;
    }
    case "float": {
      const r = parseFloat64(text);
      return r.ok ? ok({ type: "float", value: r.value }) : r;
    }
    case "bool": {
      const t = text.trim().toLowerCase();
      if (t === "true") return ok({ type: "bool", value: true });
      if (t === "false") return ok({ type: "bool", value: false });
      return fail('A boolean is "true" or "false".');
    }
    case "bytes": {
      const r = base64ToBytes(text);
      return r.ok ? ok({ type: "bytes", value: r.value }) : r;
    }
    case "geojson": {
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        return fail(`Invalid JSON: ${(e as Error).message}.`);
      }
      const g = validateGeoJson(obj);
      return g.ok ? ok({ type: "geojson", value: g.value }) : g;
    }
    case "list":
    case "map": {
      const r = parseExtendedJson(text);
      if (!r.ok) return r;
      if (r.value.type !== type)
        return fail(type === "list" ? "A list is written [ ... ]." : "A map is written { ... }.");
      return r;
    }
  }
}

/** Default editor text when the user switches a bin to `type`. */
export function emptyText(type: BinType): string {
  switch (type) {
    case "int":
      return "0";
    case "float":
      return "0.0";
    case "bool":
      return "false";
    case "list":
      return "[]";
    case "map":
      return "{}";
    case "geojson":
      return '{\n  "type": "Point",\n  "coordinates": [0, 0]\n}';
    default:
      return "";
  }
}

/** Deep equality of typed values (floats compared with Object.is). */
export function valuesEqual(a: TypedValue, b: TypedValue): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "nil":
      return true;
    case "bytes": {
      const bv = (b as typeof a).value;
      return a.value.length === bv.length && a.value.every((x, i) => x === bv[i]);
    }
    case "list": {
      const bv = (b as typeof a).value;
      return a.value.length === bv.length && a.value.every((x, i) => valuesEqual(x, bv[i]!));
    }
    case "map": {
      const bv = (b as typeof a).value;
      return (
        a.value.length === bv.length &&
        a.value.every(([k, v], i) => valuesEqual(k, bv[i]![0]) && valuesEqual(v, bv[i]![1]))
      );
    }
    case "geojson":
      return JSON.stringify(a.value) === JSON.stringify((b as typeof a).value);
    case "float":
      return Object.is(a.value, (b as typeof a).value);
    default:
      return a.value === (b as { value: unknown }).value;
  }
}

/** One-line preview for tables (truncated). */
export function previewValue(v: TypedValue, max = 80): string {
  const s = v.type === "string" ? v.value : v.type === "nil" ? "—" : toExtendedJson(v);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

// ---------------------------------------------------------------- TTL

/** Record TTL as Aerospike understands it on write. */
export type Ttl =
  | { kind: "default" } // 0: namespace default-ttl
  | { kind: "never" } // -1: never expire
  | { kind: "unchanged" } // -2: keep the record's current TTL
  | { kind: "seconds"; seconds: number };

/** The wire number for a TTL. */
export function ttlToWire(t: Ttl): number {
  switch (t.kind) {
    case "default":
      return 0;
    case "never":
      return -1;
    case "unchanged":
      return -2;
    case "seconds":
      return t.seconds;
  }
}

/** Parses a TTL written as seconds or with units: `90`, `15m`, `1h30m`, `7d`. */
export function parseTtl(text: string): Parsed<Ttl> {
  const t = text.trim().toLowerCase();
  if (t === "" || t === "default" || t === "0") return ok({ kind: "default" });
  if (t === "never" || t === "-1") return ok({ kind: "never" });
  if (t === "unchanged" || t === "-2") return ok({ kind: "unchanged" });
  if (/^\d+$/.test(t)) return ok({ kind: "seconds", seconds: Number(t) });
  const re = /(\d+)\s*([dhms])/g;
  let total = 0;
  let consumed = "";
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as "d" | "h" | "m" | "s"];
    consumed += m[0];
  }
  if (consumed.replace(/\s/g, "") !== t.replace(/\s/g, "") || total === 0)
    return fail('TTL is seconds or a duration like "1h30m" or "7d"; "never" keeps the record forever.');
  if (total > 0xffffffff) return fail("TTL is too large (max about 136 years).");
  return ok({ kind: "seconds", seconds: total });
}

/** Human duration for a TTL or uptime in seconds (e.g. "2d 3h"). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const parts = d ? [`${d}d`, h ? `${h}h` : ""] : h ? [`${h}h`, m ? `${m}m` : ""] : m ? [`${m}m`, s ? `${s}s` : ""] : [`${s}s`];
  return parts.filter(Boolean).join(" ");
}
