import { describe, expect, it } from "vitest";
import {
  MAX_DEPTH,
  addCondition,
  addGroup,
  countConditions,
  depthOf,
  describeTree,
  newCondition,
  newGroup,
  removeNode,
  setLogic,
  toFilterExpr,
  updateCondition,
  validateTree,
  type Group,
} from "./filterTree";

function sample(): { root: Group; inner: Group; a: string; b: string; c: string } {
  const a = newCondition({ bin: "age", op: "gt", valueType: "int", value: "30" });
  const b = newCondition({ bin: "city", op: "eq", valueType: "string", value: "Paris" });
  const c = newCondition({ bin: "vip", op: "eq", valueType: "bool", value: "true" });
  const inner = newGroup("or", [b, c]);
  return { root: newGroup("and", [a, inner]), inner, a: a.id, b: b.id, c: c.id };
}

describe("filter tree", () => {
  it("builds the nested request body", () => {
    const { root } = sample();
    expect(validateTree(root)).toEqual([]);
    expect(toFilterExpr(root)).toEqual({
      op: "and",
      args: [
        { op: "gt", bin: "age", type: "int", value: 30 },
        {
          op: "or",
          args: [
            { op: "eq", bin: "city", type: "string", value: "Paris" },
            { op: "eq", bin: "vip", type: "bool", value: true },
          ],
        },
      ],
    });
    expect(describeTree(root)).toBe('(age > 30 and (city = "Paris" or vip = true))');
  });

  it("adds conditions and groups without mutating the input", () => {
    const { root, inner } = sample();
    const before = JSON.stringify(root);
    const r1 = addCondition(root, inner.id, newCondition({ bin: "x", value: "1" }));
    const r2 = addGroup(r1, inner.id, "and");
    expect(JSON.stringify(root)).toBe(before);
    expect(countConditions(r2)).toBe(5);
    const nested = (r2.children[1] as Group).children[3] as Group;
    expect(nested.kind).toBe("group");
    expect(nested.logic).toBe("and");
    expect(depthOf(r2, nested.id)).toBe(3);
    // unchanged subtrees are shared, not copied
    expect(r1.children[0]).toBe(root.children[0]);
  });

  it("refuses to nest deeper than MAX_DEPTH", () => {
    let root = newGroup();
    let gid = root.id;
    for (let d = 1; d < MAX_DEPTH; d++) {
      root = addGroup(root, gid);
      let g: Group = root;
      while (g.children.some((c) => c.kind === "group")) g = g.children.find((c) => c.kind === "group") as Group;
      gid = g.id;
    }
    expect(depthOf(root, gid)).toBe(MAX_DEPTH);
    expect(addGroup(root, gid)).toBe(root);
  });

  it("removes nodes at any depth and toggles logic", () => {
    const { root, inner, b } = sample();
    const r = removeNode(root, b);
    expect(countConditions(r)).toBe(2);
    expect(toFilterExpr(r)).toEqual({
      op: "and",
      args: [
        { op: "gt", bin: "age", type: "int", value: 30 },
        { op: "eq", bin: "vip", type: "bool", value: true },
      ],
    });
    const r2 = setLogic(removeNode(root, inner.id), root.id, "or");
    expect(r2.logic).toBe("or");
    expect(toFilterExpr(r2)).toEqual({ op: "gt", bin: "age", type: "int", value: 30 });
    expect(removeNode(root, "missing")).toBe(root);
  });

  it("resets an operator that the new value type does not support", () => {
    const { root, a } = sample();
    const r = updateCondition(root, a, { valueType: "string" });
    expect((r.children[0] as { op: string }).op).toBe("eq");
    const r2 = updateCondition(root, a, { valueType: "float" });
    expect((r2.children[0] as { op: string }).op).toBe("gt");
  });

  it("reports every invalid node with a fixable message", () => {
    const root = newGroup("and", [
      newCondition({ bin: "", value: "x" }),
      newCondition({ bin: "n", valueType: "int", value: "1.5" }),
      newCondition({ bin: "r", valueType: "int", op: "between", value: "10", value2: "5" }),
      newCondition({ bin: "s", op: "regex", value: "(" }),
      newGroup("or", []),
      newCondition({ bin: "e", op: "exists" }),
    ]);
    const msgs = validateTree(root).map((e) => e.message);
    expect(msgs).toEqual([
      "Bin names are 1 to 15 characters without spaces.",
      '"1.5" is not an integer.',
      "The lower bound is greater than the upper bound.",
      '"(" is not a valid regular expression.',
      "This group is empty: add a condition or remove the group.",
    ]);
  });

  it("treats an empty root as no filter and keeps big ints exact", () => {
    expect(toFilterExpr(newGroup())).toBeUndefined();
    expect(validateTree(newGroup())).toEqual([]);
    const big = newGroup("and", [newCondition({ bin: "id", valueType: "int", value: "9007199254740993" })]);
    expect(toFilterExpr(big)).toEqual({ op: "eq", bin: "id", type: "int", value: { $int: "9007199254740993" } });
    const between = newGroup("and", [newCondition({ bin: "n", valueType: "float", op: "between", value: "1.5", value2: "2" })]);
    expect(toFilterExpr(between)).toEqual({
      op: "and",
      args: [
        { op: "ge", bin: "n", type: "float", value: 1.5 },
        { op: "le", bin: "n", type: "float", value: { $float: 2 } },
      ],
    });
  });

  it("encodes exists, not-exists, regex and geo conditions", () => {
    const geo = '{"type":"AeroCircle","coordinates":[[2.35,48.85],1000]}';
    const root = newGroup("or", [
      newCondition({ bin: "a", op: "exists" }),
      newCondition({ bin: "b", op: "not_exists" }),
      newCondition({ bin: "c", op: "regex", value: "^ab" }),
      newCondition({ bin: "loc", valueType: "geojson", op: "geo_within", value: geo }),
    ]);
    expect(validateTree(root)).toEqual([]);
    expect(toFilterExpr(root)).toEqual({
      op: "or",
      args: [
        { op: "exists", bin: "a" },
        { op: "not", arg: { op: "exists", bin: "b" } },
        { op: "regex", bin: "c", pattern: "^ab" },
        { op: "geoWithin", bin: "loc", value: JSON.parse(geo) },
      ],
    });
  });
});
