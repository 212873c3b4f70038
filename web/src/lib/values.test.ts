import { describe, expect, it } from "vitest";
import {
  BIN_TYPES,
  base64ToBytes,
  bytesToBase64,
  fromWire,
  toWire,
  formatDuration,
  formatValue,
  parseExtendedJson,
  parseTtl,
  parseValue,
  toExtendedJson,
  ttlToWire,
  valuesEqual,
  type BinType,
  type TypedValue,
} from "./values";

const samples: Record<BinType, TypedValue[]> = {
  nil: [{ type: "nil" }],
  int: [
    { type: "int", value: 0n },
    { type: "int", value: -42n },
    { type: "int", value: 9223372036854775807n },
    { type: "int", value: -9223372036854775808n },
  ],
  float: [
    { type: "float", value: 1 },
    { type: "float", value: -0.5 },
    { type: "float", value: 1e-300 },
    { type: "float", value: 6.02214076e23 },
  ],
  string: [
    { type: "string", value: "" },
    { type: "string", value: "héllo \"world\"\n\ttab ✓" },
    { type: "string", value: "  padded  " },
  ],
  bytes: [
    { type: "bytes", value: new Uint8Array([]) },
    { type: "bytes", value: new Uint8Array([0, 255, 1, 128]) },
    { type: "bytes", value: new Uint8Array([1, 2, 3, 4, 5]) },
  ],
  bool: [
    { type: "bool", value: true },
    { type: "bool", value: false },
  ],
  list: [
    { type: "list", value: [] },
    {
      type: "list",
      value: [
        { type: "int", value: 1n },
        { type: "float", value: 1 },
        { type: "string", value: "x" },
        { type: "nil" },
        { type: "bytes", value: new Uint8Array([9]) },
        { type: "list", value: [{ type: "bool", value: true }] },
        { type: "geojson", value: { type: "Point", coordinates: [1.5, 2] } },
      ],
    },
  ],
  map: [
    { type: "map", value: [] },
    {
      type: "map",
      value: [
        [{ type: "string", value: "a" }, { type: "int", value: 12345678901234567n }],
        [{ type: "string", value: "nested" }, { type: "map", value: [[{ type: "string", value: "b" }, { type: "float", value: 2.5 }]] }],
      ],
    },
    {
      type: "map",
      value: [
        [{ type: "int", value: 1n }, { type: "string", value: "int key" }],
        [{ type: "string", value: "$weird" }, { type: "bool", value: false }],
      ],
    },
  ],
  geojson: [
    { type: "geojson", value: { type: "Point", coordinates: [-122.4194, 37.7749] } },
    { type: "geojson", value: { type: "AeroCircle", coordinates: [[2.35, 48.85], 1000] } },
    {
      type: "geojson",
      value: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
    },
  ],
};

describe("value editor round trip", () => {
  for (const type of BIN_TYPES) {
    it(`round-trips every ${type} sample through the editor text`, () => {
      for (const v of samples[type]) {
        const text = formatValue(v);
        const back = parseValue(type, text);
        expect(back.ok, `${type}: ${text}`).toBe(true);
        if (back.ok) expect(valuesEqual(back.value, v), `${type}: ${text}`).toBe(true);
        // and the text itself is stable
        if (back.ok) expect(formatValue(back.value)).toBe(text);
      }
    });
  }

  it("covers every bin type with samples", () => {
    for (const t of BIN_TYPES) expect(samples[t].length).toBeGreaterThan(0);
  });

  it("keeps ints and floats apart", () => {
    expect(formatValue({ type: "float", value: 3 })).toBe("3.0");
    const r = parseExtendedJson("[1, 1.0, 1e2]");
    expect(r.ok && r.value).toEqual({
      type: "list",
      value: [
        { type: "int", value: 1n },
        { type: "float", value: 1 },
        { type: "float", value: 100 },
      ],
    });
  });

  it("rejects bad input with a message that says how to fix it", () => {
    const cases: Array<[BinType, string, RegExp]> = [
      ["int", "12.5", /not an integer/],
      ["int", "9223372036854775808", /64-bit/],
      ["float", "abc", /not a number/],
      ["float", "1e999", /too large/],
      ["bool", "yes", /"true" or "false"/],
      ["bytes", "@@@", /base64/],
      ["list", "{}", /list is written/],
      ["map", "[]", /map is written/],
      ["map", '{"a":}', /Invalid JSON/],
      ["geojson", '{"type":"Line","coordinates":[]}', /Point, Polygon/],
      ["geojson", '{"type":"Point","coordinates":[1]}', /longitude, latitude/],
      ["geojson", "nope", /Invalid JSON/],
    ];
    for (const [type, text, re] of cases) {
      const r = parseValue(type, text);
      expect(r.ok, `${type} ${text}`).toBe(false);
      if (!r.ok) expect(r.error).toMatch(re);
    }
  });

  it("writes non-string map keys with $map and reads them back", () => {
    const v = samples.map[2]!;
    expect(toExtendedJson(v)).toBe('{"$map":[[1,"int key"],["$weird",false]]}');
  });
});

describe("base64", () => {
  it("encodes like the platform and accepts URL-safe input", () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 10]);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    const r = base64ToBytes("-_-_");
    expect(r.ok && Array.from(r.value)).toEqual(Array.from(Buffer.from("+/+/", "base64")));
  });
});

describe("ttl", () => {
  it("parses durations and the special values", () => {
    expect(parseTtl("")).toEqual({ ok: true, value: { kind: "default" } });
    expect(parseTtl("never")).toEqual({ ok: true, value: { kind: "never" } });
    expect(parseTtl("-2")).toEqual({ ok: true, value: { kind: "unchanged" } });
    expect(parseTtl("1h30m")).toEqual({ ok: true, value: { kind: "seconds", seconds: 5400 } });
    expect(parseTtl("7d")).toEqual({ ok: true, value: { kind: "seconds", seconds: 604800 } });
    expect(parseTtl("3600")).toEqual({ ok: true, value: { kind: "seconds", seconds: 3600 } });
    expect(parseTtl("soon").ok).toBe(false);
    expect(parseTtl("1h junk").ok).toBe(false);
  });
  it("maps to Aerospike wire numbers", () => {
    expect(ttlToWire({ kind: "default" })).toBe(0);
    expect(ttlToWire({ kind: "never" })).toBe(-1);
    expect(ttlToWire({ kind: "unchanged" })).toBe(-2);
    expect(ttlToWire({ kind: "seconds", seconds: 60 })).toBe(60);
  });
  it("formats durations", () => {
    expect(formatDuration(59)).toBe("59s");
    expect(formatDuration(3661)).toBe("1h 1m");
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe("2d 3h");
  });
});

describe("wire encoding (manager JSON)", () => {
  it("round-trips every sample through JSON text", () => {
    for (const type of BIN_TYPES) {
      for (const v of samples[type]) {
        const json = JSON.stringify(toWire(v));
        const back = fromWire(JSON.parse(json));
        expect(valuesEqual(back, v), `${type}: ${json}`).toBe(true);
      }
    }
  });

  it("uses the documented tags", () => {
    expect(toWire({ type: "int", value: 42n })).toBe(42);
    expect(toWire({ type: "int", value: 9007199254740993n })).toEqual({ $int: "9007199254740993" });
    expect(toWire({ type: "float", value: 2 })).toEqual({ $float: 2 });
    expect(toWire({ type: "float", value: 1.5 })).toBe(1.5);
    expect(toWire({ type: "bytes", value: new Uint8Array([1, 2]) })).toEqual({ $bytes: "AQI=" });
    expect(toWire(samples.geojson[0]!)).toEqual({ $geo: { type: "Point", coordinates: [-122.4194, 37.7749] } });
    expect(toWire(samples.map[2]!)).toEqual({ $map: [[1, "int key"], ["$weird", false]] });
    expect(toWire({ type: "map", value: [[{ type: "string", value: "$a" }, { type: "nil" }]] })).toEqual({
      $map: [["$a", null]],
    });
  });

  it("accepts wire tags pasted into the list/map editor", () => {
    const r = parseValue("list", '[{"$int":"9223372036854775807"},{"$float":3},{"$geo":{"type":"Point","coordinates":[1,2]}}]');
    expect(r.ok && r.value).toEqual({
      type: "list",
      value: [
        { type: "int", value: 9223372036854775807n },
        { type: "float", value: 3 },
        { type: "geojson", value: { type: "Point", coordinates: [1, 2] } },
      ],
    });
  });
});
