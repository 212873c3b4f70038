/**
 * The create wizard's model (Basic; Namespace & Storage), its validation as you type, the
 * mapping to the server's CreateCluster request, the mapping of the server's 422 field paths
 * back onto wizard fields, and the YAML shown on the Review step. Pure; tested in wizard.test.ts.
 */
import type { components } from "../../api/schema.gen";

export type CreateCluster = components["schemas"]["CreateCluster"];

export interface WizardModel {
  name: string;
  namespace: string;
  size: string;
  image: string;
  autoConnect: boolean;
  nsName: string;
  replicationFactor: string;
  storage: "memory" | "persistent";
  /** Data size of the Aerospike namespace, GiB. */
  dataSizeGi: string;
  /** Persistent only: StorageClass ("" = the cluster default) and volume size ("20Gi"). */
  storageClass: string;
  volumeSize: string;
}

export type WizardField = keyof WizardModel;

export const DEFAULT_MODEL: WizardModel = {
  name: "",
  namespace: "default",
  size: "3",
  image: "aerospike:ce-8.1.2.0",
  autoConnect: true,
  nsName: "test",
  replicationFactor: "2",
  storage: "memory",
  dataSizeGi: "1",
  storageClass: "",
  volumeSize: "20Gi",
};

export const STEPS = [
  { id: "basic", label: "Basic", fields: ["name", "namespace", "size", "image", "autoConnect"] },
  { id: "storage", label: "Namespace & Storage", fields: ["nsName", "replicationFactor", "storage", "dataSizeGi", "storageClass", "volumeSize"] },
  { id: "review", label: "Review", fields: [] },
] as const satisfies ReadonlyArray<{ id: string; label: string; fields: readonly WizardField[] }>;

export const DATA_PATH = "/opt/aerospike/data";
const GIB = 1024 ** 3;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);

function dnsLabel(v: string, what: string): string | null {
  if (!v) return `Enter the ${what}`;
  if (v.length > 63) return `The ${what} has at most 63 characters`;
  if (!DNS_LABEL.test(v)) return `The ${what} uses lowercase letters, digits and "-", and starts and ends with a letter or digit`;
  return null;
}

/** Problems of the model, per field (validation as you type). */
export function validate(m: WizardModel): Partial<Record<WizardField, string>> {
  const e: Partial<Record<WizardField, string>> = {};
  const put = (f: WizardField, msg: string | null) => {
    if (msg) e[f] = msg;
  };
  put("name", dnsLabel(m.name, "cluster name"));
  put("namespace", dnsLabel(m.namespace, "Kubernetes namespace"));
  const size = int(m.size);
  put("size", Number.isNaN(size) || size < 1 || size > 8 ? "Community Edition clusters have 1 to 8 nodes" : null);
  put("image", m.image.trim() ? (/\s/.test(m.image) ? "An image reference has no spaces" : null) : "Enter the Aerospike image, e.g. aerospike:ce-8.1.2.0");
  put("nsName", !m.nsName ? "Enter the Aerospike namespace name" : !/^[A-Za-z0-9_-]{1,31}$/.test(m.nsName) ? "Up to 31 letters, digits, _ or -" : null);
  const rf = int(m.replicationFactor);
  put(
    "replicationFactor",
    Number.isNaN(rf) || rf < 1 ? "The replication factor is a whole number of at least 1" : !Number.isNaN(size) && rf > size ? `At most the cluster size (${size})` : null,
  );
  const gi = int(m.dataSizeGi);
  put("dataSizeGi", Number.isNaN(gi) || gi < 1 ? "At least 1 GiB" : null);
  if (m.storage === "persistent") {
    put("volumeSize", /^[1-9]\d*(Mi|Gi|Ti)$/.test(m.volumeSize) ? null : "A size such as 20Gi (Mi, Gi or Ti)");
    if (m.storageClass && (m.storageClass.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(m.storageClass))) put("storageClass", "Not a valid StorageClass name");
  }
  return e;
}

/** The request the wizard sends (POST /api/v1/k8s/clusters). */
export function toRequest(m: WizardModel): CreateCluster {
  const ns: Record<string, unknown> = { name: m.nsName, "replication-factor": Number(m.replicationFactor) };
  const bytes = Number(m.dataSizeGi) * GIB;
  const spec: Record<string, unknown> = { size: Number(m.size), image: m.image.trim() };
  if (m.storage === "memory") {
    ns["storage-engine"] = { type: "memory", "data-size": bytes };
  } else {
    ns["storage-engine"] = { type: "device", files: [`${DATA_PATH}/${m.nsName}.dat`], filesize: bytes };
    spec.storage = {
      volumes: [
        {
          name: "data",
          source: { persistentVolume: { ...(m.storageClass ? { storageClass: m.storageClass } : {}), size: m.volumeSize, volumeMode: "Filesystem" } },
          aerospike: { path: DATA_PATH },
        },
      ],
    };
  }
  spec.aerospikeConfig = { namespaces: [ns] };
  return { name: m.name, namespace: m.namespace, autoConnect: m.autoConnect, spec: spec as CreateCluster["spec"] };
}

/** The wizard field a server field path (422 `errors[].field`) belongs to, or null. */
export function fieldOfPath(path: string): WizardField | null {
  const p = path.replace(/\[(\d+)\]/g, ".$1");
  if (p === "name" || p === "metadata.name") return "name";
  if (p === "namespace" || p === "metadata.namespace") return "namespace";
  if (p === "autoConnect") return "autoConnect";
  if (p === "spec.size") return "size";
  if (p === "spec.image") return "image";
  if (p.startsWith("spec.aerospikeConfig.namespaces")) {
    if (p.includes("replication-factor")) return "replicationFactor";
    if (p.includes("data-size") || p.includes("filesize")) return "dataSizeGi";
    if (p.endsWith(".name")) return "nsName";
    return "storage";
  }
  if (p.startsWith("spec.storage")) {
    if (p.includes("storageClass")) return "storageClass";
    if (p.endsWith(".size")) return "volumeSize";
    return "storage";
  }
  return null;
}

/** The step that holds a field. */
export function stepOf(field: WizardField): number {
  return STEPS.findIndex((s) => (s.fields as readonly WizardField[]).includes(field));
}

/** Server field errors spread onto wizard fields; the rest (no wizard field) are `other`. */
export function mapServerErrors(errors: ReadonlyArray<{ field: string; message: string }>) {
  const byField: Partial<Record<WizardField, string[]>> = {};
  const other: Array<{ field: string; message: string }> = [];
  for (const e of errors) {
    const f = fieldOfPath(e.field);
    if (f) (byField[f] ??= []).push(e.message);
    else other.push(e);
  }
  return { byField, other };
}

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
