import { describe, expect, it } from "vitest";
import type { RecordData } from "../../api/types";
import { buildWrite, draftFromRecord, keyFromText, keyToText, newBin, recordAddress, writeAddress } from "./recordDraft";

const rec: RecordData = {
  key: { namespace: "test", set: "users", userKey: "user-1", digest: "ab" },
  generation: 3,
  ttl: 3600,
  bins: {
    name: "Ada",
    age: 36,
    score: { $float: 2 },
    avatar: { $bytes: "AQID" },
    tags: ["a", 1, 1.5],
    prefs: { theme: "dark", n: { $int: "9007199254740993" } },
    home: { $geo: { type: "Point", coordinates: [2.35, 48.85] } },
    active: true,
  },
};

describe("record draft", () => {
  it("round-trips every bin of a record through the editor unchanged", () => {
    const d = draftFromRecord(rec);
    expect(d.bins.map((b) => b.draft.type)).toEqual(["string", "int", "float", "bytes", "list", "map", "geojson", "bool"]);
    const r = buildWrite(d, false);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.write).toEqual({ bins: rec.bins, ttl: -2 });
  });

  it("deletes removed bins with nil in the same write and keeps new ones", () => {
    const d = draftFromRecord(rec);
    d.bins[1]!.removed = true;
    d.bins.push(newBin("city", "string", "Paris"));
    const r = buildWrite(d, false);
    expect(r.ok && r.write.bins.age).toBeNull();
    expect(r.ok && r.write.bins.city).toBe("Paris");
  });

  it("duplicates with an empty key and the same bins", () => {
    const d = draftFromRecord(rec, true);
    expect(d.keyText).toBe("");
    expect(d.ttl).toBe("3600");
    expect(buildWrite(d, true)).toMatchObject({ ok: false, errors: { key: "Enter the record's primary key." } });
    d.keyText = "user-2";
    const r = buildWrite(d, true);
    expect(r.ok && r.key).toBe("user-2");
  });

  it("reports bad bins, duplicate names and bad TTL", () => {
    const d = draftFromRecord(undefined);
    d.keyText = "k";
    d.ttl = "soon";
    d.bins = [newBin("a", "int", "x"), newBin("b"), newBin("b"), newBin("waytoolongbinname")];
    const r = buildWrite(d, true);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.ttl).toMatch(/TTL/);
      expect(Object.values(r.errors.bins)).toEqual(['"x" is not an integer: use digits only, e.g. 42 or -7.', 'Bin "b" appears twice.', "Bin names are at most 15 bytes."]);
    }
  });

  it("converts keys of every type", () => {
    expect(keyToText(42)).toEqual({ keyType: "int", keyText: "42" });
    expect(keyToText({ $bytes: "AQI=" })).toEqual({ keyType: "bytes", keyText: "AQI=" });
    expect(keyToText(null)).toBeNull();
    expect(keyFromText("int", "9007199254740993")).toEqual({ ok: true, key: { $int: "9007199254740993" } });
    expect(keyFromText("int", "x").ok).toBe(false);
  });
});

describe("record address", () => {
  const noKey: RecordData = { ...rec, key: { namespace: "test", set: "", userKey: null, digest: "0a".repeat(20) } };

  it("uses the stored user key when there is one", () => {
    expect(recordAddress(rec)).toEqual({ key: "user-1", keyType: "string" });
    expect(recordAddress({ ...rec, key: { ...rec.key, userKey: 42 } })).toEqual({ key: "42", keyType: "integer" });
    expect(writeAddress(rec)).toEqual({ key: "user-1" });
  });

  it("falls back to the digest for records written without their key", () => {
    expect(recordAddress(noKey)).toEqual({ digest: "0a".repeat(20) });
    expect(writeAddress(noKey)).toEqual({ digest: "0a".repeat(20) });
  });

  it("gives up only when there is neither", () => {
    const none: RecordData = { ...rec, key: { namespace: "test", set: "s", userKey: null, digest: null } };
    expect(recordAddress(none)).toBeNull();
    expect(writeAddress(none)).toBeNull();
  });
});
