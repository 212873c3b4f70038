import { describe, expect, it } from "vitest";
import { spansOf } from "./aqlClient";
import { markRanges } from "./AqlEditor";
import { errorMarks, lineCol } from "./AqlPage";
import { completionsAt, namesFrom, type Names } from "./complete";
import { AQL_HISTORY_KEY, historyLabel, loadAqlHistory, pushHistory, saveAqlHistory } from "./history";
import { applyEvent, emptyRun, splitLines, type AqlEvent } from "./stream";
import { cellText, tableOf } from "./table";

const span = { start: 0, end: 6, startUtf16: 0, endUtf16: 6 };

describe("NDJSON stream", () => {
  it("splits lines across chunk boundaries", () => {
    const a = splitLines("", '{"type":"start","index":0,"kind":"SELECT","statement":"S","span":{}}\n{"type":"ro');
    expect(a.events.map((e) => e.type)).toEqual(["start"]);
    const b = splitLines(a.rest, 'ws","index":0,"rows":[1]}\n\n');
    expect(b.events).toEqual([{ type: "rows", index: 0, rows: [1] }]);
    expect(b.rest).toBe("");
    expect(splitLines("", "not json\n").events).toEqual([]);
  });

  it("folds events into one result per statement", () => {
    const evs: AqlEvent[] = [
      { type: "start", index: 0, kind: "SELECT", statement: "SELECT * FROM test.s", span },
      { type: "rows", index: 0, rows: [{ a: 1 }] },
      { type: "rows", index: 0, rows: [{ a: 2 }] },
      { type: "end", index: 0, rowCount: 2, truncated: false, elapsedMs: 1.5, message: "2 records" },
      { type: "start", index: 1, kind: "DELETE", statement: "DELETE …", span },
      { type: "error", index: 1, elapsedMs: 0.3, problem: { code: "record_not_found", detail: "gone" } },
      { type: "done", statements: 3, succeeded: 1, elapsedMs: 2, settings: { output: "json", recordPrintMetadata: true, keySend: false } },
    ];
    const s = evs.reduce(applyEvent, emptyRun);
    expect(s.results).toHaveLength(2);
    expect(s.results[0]).toMatchObject({ status: "ok", rowCount: 2, rows: [{ a: 1 }, { a: 2 }], message: "2 records" });
    expect(s.results[1]).toMatchObject({ status: "error", problem: { code: "record_not_found" } });
    expect(s.done).toEqual({ statements: 3, succeeded: 1, elapsedMs: 2 });
    expect(s.settings?.output).toBe("json");
    // The input state is not mutated.
    expect(emptyRun.results).toEqual([]);
  });
});

describe("result tables", () => {
  const rec = (k: unknown, bins: Record<string, unknown>) => ({ key: { userKey: k, digest: "ab" }, generation: 2, ttl: -1, bins });

  it("records: PK, the union of bins, then metadata on request", () => {
    const t = tableOf([rec("k1", { a: 1 }), rec(2, { b: "x", a: 3 })], false);
    expect(t.columns).toEqual(["PK", "a", "b"]);
    expect(t.cells).toEqual([
      ["k1", 1, undefined],
      [2, 3, "x"],
    ]);
    const m = tableOf([rec(null, { a: 1 })], true);
    expect(m.columns).toEqual(["PK", "a", "digest", "generation", "ttl"]);
    expect(m.cells[0]).toEqual([null, 1, "ab", 2, -1]);
  });

  it("other rows use their keys", () => {
    const t = tableOf([{ namespace: "test" }, { namespace: "bar", objects: 3 }], false);
    expect(t.columns).toEqual(["namespace", "objects"]);
    expect(t.cells[0]).toEqual(["test", undefined]);
    expect([cellText(undefined), cellText(null), cellText("s"), cellText({ $bytes: "AA==" })]).toEqual(["", "NULL", "s", '{"$bytes":"AA=="}']);
    expect([cellText({ $float: 68 }), cellText({ $float: "NaN" }), cellText({ $int: "9007199254740993" }), cellText({ $float: 1, x: 2 })]).toEqual([
      "68.0",
      "NaN",
      "9007199254740993",
      '{"$float":1,"x":2}',
    ]);
  });
});

describe("completion", () => {
  const names: Names = {
    namespaces: ["test", "bar"],
    sets: { test: ["users", "orders"] },
    bins: ["age", "name"],
    indexes: [
      { namespace: "test", name: "idx_age" },
      { namespace: "bar", name: "idx_other" },
    ],
  };
  const at = (text: string) => completionsAt(text, text.length, names);
  const labels = (text: string) => at(text).options.map((o) => o.label);

  it("offers namespaces, then sets of that namespace", () => {
    expect(labels("SELECT * FROM ")).toEqual(["test", "bar"]);
    expect(labels("SELECT * FROM te")).toEqual(["test"]);
    expect(at("SELECT * FROM te").from).toBe(14);
    expect(labels("SELECT * FROM test.")).toEqual(["users", "orders"]);
    expect(labels("SELECT * FROM test.o")).toEqual(["orders"]);
    expect(labels("INSERT INTO ")).toEqual(["test", "bar"]);
    expect(labels("TRUNCATE b")).toEqual(["bar"]);
  });

  it("offers bins in bin positions and index names after DROP INDEX ns", () => {
    expect(labels("SELECT ")).toContain("age");
    expect(labels("SELECT a, n")).toEqual(["name", "NAMESPACES", "NUMERIC"]);
    expect(labels("SELECT * FROM test.users WHERE a")).toEqual(["age", "AND", "AGGREGATE", "AS"]);
    expect(labels("DROP INDEX test ")).toEqual(["idx_age"]);
    expect(labels("DESC INDEX ")).toEqual(["test", "bar"]);
  });

  it("offers keywords elsewhere, ignoring earlier statements, strings and comments", () => {
    expect(labels("SEL")).toEqual(["SELECT"]);
    expect(labels("SELECT * FROM test; SH")).toEqual(["SHOW"]);
    expect(labels("INSERT INTO test.s (PK, a) VALUES ('FROM ")).not.toContain("test");
    expect(labels("-- FROM\nSEL")).toEqual(["SELECT"]);
  });

  it("reads names from SHOW answers", () => {
    const n = namesFrom([
      [{ namespace: "test" }],
      [
        { namespace: "test", name: "users" },
        { namespace: "test", name: "orders" },
      ],
      [
        { namespace: "test", bin: "age", records: 3 },
        { namespace: "bar", bin: "age", records: 1 },
      ],
      [{ namespace: "test", name: "idx_age" }],
    ]);
    expect(n).toEqual({ namespaces: ["test"], sets: { test: ["users", "orders"] }, bins: ["age"], indexes: [{ namespace: "test", name: "idx_age" }] });
    expect(namesFrom([])).toEqual({ namespaces: [], sets: {}, bins: [], indexes: [] });
  });
});

describe("error spans", () => {
  it("become editor marks with the expected tokens", () => {
    const marks = errorMarks([{ span: { start: 3, end: 8, startUtf16: 2, endUtf16: 7 }, message: "unexpected `SELEC`", expected: ["`SELECT`", "`SHOW`"] }]);
    expect(marks).toEqual([{ from: 2, to: 7, message: "unexpected `SELEC`; expected `SELECT` or `SHOW`" }]);
  });

  it("an empty span at the end marks the last character; ranges are clamped", () => {
    expect(markRanges([{ from: 13, to: 13, message: "m" }], 13)).toEqual([{ from: 12, to: 13, message: "m" }]);
    expect(markRanges([{ from: 0, to: 0, message: "m" }], 5)).toEqual([{ from: 0, to: 1, message: "m" }]);
    expect(markRanges([{ from: 50, to: 90, message: "m" }], 10)).toEqual([{ from: 9, to: 10, message: "m" }]);
    expect(markRanges([{ from: 0, to: 0, message: "m" }], 0)).toEqual([]);
  });

  it("line and column for messages", () => {
    expect(lineCol("SHOW SETS;\nSELEC *", 11)).toBe("2:1");
    expect(lineCol("abc", 2)).toBe("1:3");
  });

  it("spans are read from a problem body, tolerating junk", () => {
    const body = JSON.stringify({ code: "aql_syntax_error", spans: [{ span, message: "m", expected: [] }, { nope: 1 }] });
    expect(spansOf(body)).toHaveLength(1);
    expect(spansOf("<html>")).toEqual([]);
    expect(spansOf(JSON.stringify({ code: "x" }))).toEqual([]);
  });
});

describe("history", () => {
  it("keeps scripts in storage, skipping immediate repeats", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    let h = loadAqlHistory(storage);
    h = pushHistory(pushHistory(pushHistory(h, "SHOW SETS"), "SHOW SETS"), "SELECT * FROM test");
    saveAqlHistory(h, storage);
    expect(JSON.parse(store.get(AQL_HISTORY_KEY)!)).toEqual(["SHOW SETS", "SELECT * FROM test"]);
    expect(loadAqlHistory(storage).entries).toEqual(["SHOW SETS", "SELECT * FROM test"]);
    store.set(AQL_HISTORY_KEY, "{broken");
    expect(loadAqlHistory(storage).entries).toEqual([]);
    expect(historyLabel("SELECT *\n  FROM test", 12)).toBe("SELECT * FR…");
  });
});
