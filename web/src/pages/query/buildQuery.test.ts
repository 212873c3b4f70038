import { describe, expect, it } from "vitest";
import { newCondition, newGroup } from "../../lib/filterTree";
import { buildQuery } from "./QueryPage";

const base = {
  namespace: "test",
  set: "users",
  predOp: "none" as const,
  predBin: "",
  predType: "int" as const,
  predValue: "",
  predValue2: "",
  predCollection: "default" as const,
  pkOp: "none" as const,
  pkValue: "",
  bins: "",
  maxRecords: "1000",
};

describe("query request", () => {
  it("builds a scan with a filter, selected bins and a limit", () => {
    const filter = newGroup("and", [newCondition({ bin: "age", valueType: "int", op: "ge", value: "18" })]);
    expect(buildQuery({ ...base, bins: "name, age" }, filter)).toEqual({
      ok: true,
      q: {
        namespace: "test",
        set: "users",
        predicate: null,
        filter: { op: "ge", bin: "age", type: "int", value: 18 },
        bins: ["name", "age"],
        maxRecords: 1000,
      },
    });
  });

  it("adds an index range predicate on a collection and a key prefix", () => {
    const r = buildQuery(
      { ...base, predOp: "range", predBin: "scores", predValue: "1", predValue2: "9", predCollection: "list", pkOp: "prefix", pkValue: "user0", maxRecords: "" },
      newGroup(),
    );
    expect(r).toEqual({
      ok: true,
      q: {
        namespace: "test",
        set: "users",
        predicate: { bin: "scores", op: "range", value: 1, end: 9, collection: "list" },
        filter: null,
        bins: null,
        maxRecords: null,
        primaryKey: { op: "prefix", value: "user0" },
      },
    });
  });

  it("lists every problem", () => {
    const r = buildQuery({ ...base, namespace: "", predOp: "equals", predValue: "x", maxRecords: "-3", pkOp: "regex" }, newGroup("and", [newCondition()]));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        "Choose a namespace.",
        "The index predicate needs a bin.",
        "Index predicate values must be integers for a numeric index.",
        "Bin names are 1 to 15 characters without spaces.",
        "Enter the primary key, prefix or regular expression to match.",
        "Max records is a positive whole number, or empty for no limit.",
      ]);
  });
});
