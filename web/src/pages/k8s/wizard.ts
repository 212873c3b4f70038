/**
 * The create wizard: model (wizardModel.ts), validation and 422 mapping (wizardValidate.ts), model
 * ↔ spec (wizardMap.ts), and the YAML shown on the Review step. Pure; tested in wizard.test.ts.
 */
export * from "./wizardModel";
export * from "./wizardMap";
export * from "./wizardValidate";
import type { CreateCluster } from "./wizardMap";

/** YAML of a JSON value (the Review step shows the resource that will be applied). */
export function toYaml(v: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  const scalar = (x: unknown) =>
    typeof x === "string" ? (/^[A-Za-z0-9_./:-]+$/.test(x) && !/^(true|false|null|yes|no|on|off|~|[-+]?\d[\d.e+-]*)$/i.test(x) ? x : JSON.stringify(x)) : JSON.stringify(x);
  if (Array.isArray(v)) {
    if (v.length === 0) return `${pad}[]\n`;
    return v
      .map((item) => {
        if (item !== null && typeof item === "object" && Object.keys(item).length > 0) {
          const inner = toYaml(item, indent + 2);
          return `${pad}- ${inner.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(item)}\n`;
      })
      .join("");
  }
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, x]) => {
        const key = scalar(k);
        if (x !== null && typeof x === "object" && (Array.isArray(x) ? x.length > 0 : Object.keys(x).length > 0)) return `${pad}${key}:\n${toYaml(x, indent + 2)}`;
        return `${pad}${key}: ${x !== null && typeof x === "object" ? (Array.isArray(x) ? "[]" : "{}") : scalar(x)}\n`;
      })
      .join("");
  }
  return `${pad}${scalar(v)}\n`;
}

/** The resource as `kubectl apply` would see it. */
export function resourceYaml(req: CreateCluster): string {
  return toYaml({ apiVersion: "acko.io/v1alpha1", kind: "AerospikeCluster", metadata: { name: req.name, namespace: req.namespace }, spec: req.spec });
}
