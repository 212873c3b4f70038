/**
 * The query builder's filter: a tree of and/or groups whose leaves are bin conditions.
 * Pure, immutable operations (every edit returns a new tree), validation with messages per node,
 * and the conversion to the request body the manager compiles into an Aerospike filter expression.
 */

export type Logic = "and" | "or";

/** Operators offered in the editor, with the operand count each takes. */
export const OPERATORS = {
  eq: { label: "=", operands: 1 },
  ne: { label: "≠", operands: 1 },
  gt: { label: ">", operands: 1 },
  ge: { label: "≥", operands: 1 },
  lt: { label: "<", operands: 1 },
  le: { label: "≤", operands: 1 },
  between: { label: "between", operands: 2 },
  regex: { label: "matches regex", operands: 1 },
  exists: { label: "exists", operands: 0 },
  not_exists: { label: "does not exist", operands: 0 },
  geo_within: { label: "geo within", operands: 1 },
  geo_contains: { label: "geo contains", operands: 1 },
} as const;
export type Operator = keyof typeof OPERATORS;

/** Value types a condition compares against. */
export const COND_TYPES = ["int", "float", "string", "bool", "geojson"] as const;
export type CondType = (typeof COND_TYPES)[number];

/** Which operators make sense for a value type. */
export function operatorsFor(t: CondType): Operator[] {
  switch (t) {
    case "int":
    case "float":
      return ["eq", "ne", "gt", "ge", "lt", "le", "between", "exists", "not_exists"];
    case "string":
      return ["eq", "ne", "regex", "exists", "not_exists"];
    case "bool":
      return ["eq", "ne", "exists", "not_exists"];
    case "geojson":
      return ["geo_within", "geo_contains", "exists", "not_exists"];
  }
}

export interface Condition {
  kind: "condition";
  id: string;
  bin: string;
  op: Operator;
  valueType: CondType;
  value: string;
  value2: string;
}

export interface Group {
  kind: "group";
  id: string;
  logic: Logic;
  children: FilterNode[];
}

export type FilterNode = Condition | Group;

/** Maximum nesting depth the editor allows (root = 1). */
export const MAX_DEPTH = 5;

let seq = 0;
/** A fresh id for a node (unique within the page). */
export function newId(): string {
  seq += 1;
  return `n${seq}`;
}

export function newCondition(partial: Partial<Omit<Condition, "kind" | "id">> = {}): Condition {
  return { kind: "condition", id: newId(), bin: "", op: "eq", valueType: "string", value: "", value2: "", ...partial };
}

export function newGroup(logic: Logic = "and", children: FilterNode[] = []): Group {
  return { kind: "group", id: newId(), logic, children };
}

function mapGroup(root: Group, id: string, f: (g: Group) => Group): Group {
  if (root.id === id) return f(root);
  let changed = false;
  const children = root.children.map((c) => {
    if (c.kind !== "group") return c;
    const n = mapGroup(c, id, f);
    if (n !== c) changed = true;
    return n;
  });
  return changed ? { ...root, children } : root;
}

/** Depth of the node with `id` (root = 1), or 0 when absent. */
export function depthOf(root: Group, id: string, d = 1): number {
  if (root.id === id) return d;
  for (const c of root.children) {
    if (c.id === id) return d + 1;
    if (c.kind === "group") {
      const r = depthOf(c, id, d + 1);
      if (r) return r;
    }
  }
  return 0;
}

/** Appends a condition to the group `groupId`. */
export function addCondition(root: Group, groupId: string, cond: Condition = newCondition()): Group {
  return mapGroup(root, groupId, (g) => ({ ...g, children: [...g.children, cond] }));
}

/** Appends a nested group (with one empty condition) to `groupId`; no-op past [`MAX_DEPTH`]. */
export function addGroup(root: Group, groupId: string, logic: Logic = "or"): Group {
  const d = depthOf(root, groupId);
  if (d === 0 || d >= MAX_DEPTH) return root;
  return mapGroup(root, groupId, (g) => ({ ...g, children: [...g.children, newGroup(logic, [newCondition()])] }));
}

/** Removes the node `id` anywhere below the root (the root itself cannot be removed). */
export function removeNode(root: Group, id: string): Group {
  const strip = (g: Group): Group => {
    const kept = g.children.filter((c) => c.id !== id);
    const children = kept.map((c) => (c.kind === "group" ? strip(c) : c));
    const same = kept.length === g.children.length && children.every((c, i) => c === kept[i]);
    return same ? g : { ...g, children };
  };
  return strip(root);
}

/** Changes fields of the condition `id`; switching type resets an operator the type does not offer. */
export function updateCondition(root: Group, id: string, patch: Partial<Omit<Condition, "kind" | "id">>): Group {
  const visit = (g: Group): Group => {
    let changed = false;
    const children = g.children.map((c) => {
      if (c.kind === "group") {
        const n = visit(c);
        if (n !== c) changed = true;
        return n;
      }
      if (c.id !== id) return c;
      changed = true;
      const next = { ...c, ...patch };
      if (!operatorsFor(next.valueType).includes(next.op)) next.op = operatorsFor(next.valueType)[0]!;
      return next;
    });
    return changed ? { ...g, children } : g;
  };
  return visit(root);
}

/** Sets and/or on the group `id`. */
export function setLogic(root: Group, id: string, logic: Logic): Group {
  return mapGroup(root, id, (g) => ({ ...g, logic }));
}

/** Number of conditions in the tree. */
export function countConditions(node: FilterNode): number {
  return node.kind === "condition" ? 1 : node.children.reduce((n, c) => n + countConditions(c), 0);
}

/** A validation problem attached to a node. */
export interface NodeError {
  id: string;
  message: string;
}

function checkOperand(c: Condition, text: string, which: string): string | undefined {
  const t = text.trim();
  if (t === "") return `Enter the ${which} value for bin "${c.bin || "?"}".`;
  switch (c.valueType) {
    case "int":
      return /^[-+]?\d+$/.test(t) ? undefined : `"${t}" is not an integer.`;
    case "float":
      return Number.isFinite(Number(t)) ? undefined : `"${t}" is not a number.`;
    case "bool":
      return t === "true" || t === "false" ? undefined : 'Use "true" or "false".';
    case "string":
      if (c.op === "regex") {
        try {
          new RegExp(t);
        } catch {
          return `"${t}" is not a valid regular expression.`;
        }
      }
      return undefined;
    case "geojson":
      try {
        const o = JSON.parse(t) as { type?: unknown };
        return typeof o === "object" && o && typeof o.type === "string" ? undefined : "Enter a GeoJSON object.";
      } catch {
        return "Enter a GeoJSON object, e.g. {\"type\":\"AeroCircle\",\"coordinates\":[[0,0],1000]}.";
      }
  }
}

/** Every problem in the tree; empty when it can be run. An empty root means "no filter". */
export function validateTree(root: Group): NodeError[] {
  const errors: NodeError[] = [];
  const visit = (n: FilterNode, isRoot: boolean) => {
    if (n.kind === "group") {
      if (!isRoot && n.children.length === 0)
        errors.push({ id: n.id, message: "This group is empty: add a condition or remove the group." });
      n.children.forEach((c) => visit(c, false));
      return;
    }
    if (!/^[^\s]{1,15}$/.test(n.bin)) {
      errors.push({ id: n.id, message: "Bin names are 1 to 15 characters without spaces." });
      return;
    }
    const arity = OPERATORS[n.op].operands;
    const e1 = arity >= 1 ? checkOperand(n, n.value, arity === 2 ? "lower" : "") : undefined;
    const e2 = arity === 2 ? checkOperand(n, n.value2, "upper") : undefined;
    if (e1) errors.push({ id: n.id, message: e1.replace("the  value", "the value") });
    else if (e2) errors.push({ id: n.id, message: e2 });
    else if (arity === 2 && n.valueType !== "string" && Number(n.value) > Number(n.value2))
      errors.push({ id: n.id, message: "The lower bound is greater than the upper bound." });
  };
  visit(root, true);
  return errors;
}

/** A filter node as the manager expects it (see crates/acm/src/expr.rs):
 * `{"op":"and"|"or","args":[...]}`, `{"op":"not","arg":...}`, comparisons
 * `{"op":"eq",...,"bin","type","value"}`, `{"op":"regex","bin","pattern"}`, `{"op":"exists","bin"}`,
 * `{"op":"geoWithin"|"geoContains","bin","value":GeoJSON}`. */
export type FilterExpr =
  | { op: "and" | "or"; args: FilterExpr[] }
  | { op: "not"; arg: FilterExpr }
  | { op: string; bin: string; type?: string; value?: unknown; pattern?: string };

/** Operand in the manager's lossless value encoding. */
function operand(t: CondType, text: string): unknown {
  const s = text.trim();
  switch (t) {
    case "int":
      // Integers beyond 2^53 travel tagged so no digit is lost.
      return Number.isSafeInteger(Number(s)) ? Number(s) : { $int: s.replace(/^\+/, "") };
    case "float": {
      const n = Number(s);
      return Number.isInteger(n) ? { $float: n } : n;
    }
    case "bool":
      return s === "true";
    case "geojson":
      return JSON.parse(s) as unknown;
    case "string":
      return text;
  }
}

const WIRE_TYPE: Record<CondType, string> = { int: "int", float: "float", string: "string", bool: "bool", geojson: "geo" };

function conditionExpr(c: Condition): FilterExpr {
  const type = WIRE_TYPE[c.valueType];
  switch (c.op) {
    case "exists":
      return { op: "exists", bin: c.bin };
    case "not_exists":
      return { op: "not", arg: { op: "exists", bin: c.bin } };
    case "regex":
      return { op: "regex", bin: c.bin, pattern: c.value };
    case "between":
      return {
        op: "and",
        args: [
          { op: "ge", bin: c.bin, type, value: operand(c.valueType, c.value) },
          { op: "le", bin: c.bin, type, value: operand(c.valueType, c.value2) },
        ],
      };
    case "geo_within":
      return { op: "geoWithin", bin: c.bin, value: operand("geojson", c.value) };
    case "geo_contains":
      return { op: "geoContains", bin: c.bin, value: operand("geojson", c.value) };
    default:
      return { op: c.op, bin: c.bin, type, value: operand(c.valueType, c.value) };
  }
}

/** Converts a valid tree to the request body; `undefined` when there are no conditions.
 * Single-child groups collapse to their child. */
export function toFilterExpr(node: FilterNode): FilterExpr | undefined {
  if (node.kind === "condition") return conditionExpr(node);
  const parts = node.children.map(toFilterExpr).filter((x): x is FilterExpr => x !== undefined);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { op: node.logic, args: parts };
}

/** Human-readable one-line summary, e.g. `(age > 30 and (city = "Paris" or vip = true))`. */
export function describeTree(node: FilterNode): string {
  if (node.kind === "condition") {
    const op = OPERATORS[node.op];
    const q = (s: string) => (node.valueType === "string" ? JSON.stringify(s) : s.trim());
    if (op.operands === 0) return `${node.bin} ${op.label}`;
    if (op.operands === 2) return `${node.bin} between ${q(node.value)} and ${q(node.value2)}`;
    return `${node.bin} ${op.label} ${q(node.value)}`;
  }
  const inner = node.children.map(describeTree).filter(Boolean);
  if (inner.length === 0) return "";
  if (inner.length === 1) return inner[0]!;
  return `(${inner.join(` ${node.logic} `)})`;
}
