/**
 * The template create form: every section of the seed's template (image, size, resources,
 * scheduling, storage, monitoring, network access, service config, network/heartbeat config, rack
 * config, aerospikeConfig overrides), its validation, the mapping to the CreateTemplate request and
 * the server's 422 paths back to the fields. Pure; tested in templateModel.test.ts.
 */
import type { CreateTemplate } from "./api";
import { parseJson, parseList, parseTolerations } from "./wizardMap";
import { cpuCores, memoryBytes } from "./wizardValidate";

export interface TemplateModel {
  name: string;
  description: string;
  image: string;
  size: string;
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  podAntiAffinityLevel: string;
  podManagementPolicy: string;
  tolerations: string;
  /** JSON: a Kubernetes NodeAffinity. */
  nodeAffinity: string;
  /** JSON list of topology spread constraints. */
  topologySpreadConstraints: string;
  storageClassName: string;
  volumeMode: string;
  storageSize: string;
  localPVRequired: boolean;
  localStorageClasses: string;
  deleteLocalStorageOnRestart: boolean;
  monitoringEnabled: boolean;
  exporterImage: string;
  exporterPort: string;
  accessType: string;
  alternateAccessType: string;
  fabricType: string;
  featureKeyFile: string;
  heartbeatMode: string;
  heartbeatPort: string;
  heartbeatInterval: string;
  heartbeatTimeout: string;
  maxRacksPerNode: string;
  /** JSON object merged under every namespace of clusters using the template. */
  namespaceDefaults: string;
  /** JSON object deep-merged into the service stanza (besides feature-key-file). */
  serviceOverrides: string;
}
export type TemplateField = keyof TemplateModel;

export const EMPTY_TEMPLATE: TemplateModel = {
  name: "",
  description: "",
  image: "",
  size: "",
  cpuRequest: "",
  memoryRequest: "",
  cpuLimit: "",
  memoryLimit: "",
  podAntiAffinityLevel: "",
  podManagementPolicy: "",
  tolerations: "",
  nodeAffinity: "",
  topologySpreadConstraints: "",
  storageClassName: "",
  volumeMode: "",
  storageSize: "",
  localPVRequired: false,
  localStorageClasses: "",
  deleteLocalStorageOnRestart: false,
  monitoringEnabled: false,
  exporterImage: "",
  exporterPort: "",
  accessType: "",
  alternateAccessType: "",
  fabricType: "",
  featureKeyFile: "",
  heartbeatMode: "",
  heartbeatPort: "",
  heartbeatInterval: "",
  heartbeatTimeout: "",
  maxRacksPerNode: "",
  namespaceDefaults: "",
  serviceOverrides: "",
};

export const TEMPLATE_SECTIONS: ReadonlyArray<{ title: string; fields: readonly TemplateField[] }> = [
  { title: "Template", fields: ["name", "description", "image", "size"] },
  { title: "Resources", fields: ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"] },
  { title: "Scheduling", fields: ["podAntiAffinityLevel", "podManagementPolicy", "tolerations", "nodeAffinity", "topologySpreadConstraints"] },
  { title: "Storage", fields: ["storageClassName", "volumeMode", "storageSize", "localPVRequired", "localStorageClasses", "deleteLocalStorageOnRestart"] },
  { title: "Monitoring", fields: ["monitoringEnabled", "exporterImage", "exporterPort"] },
  { title: "Network access", fields: ["accessType", "alternateAccessType", "fabricType"] },
  { title: "Service config", fields: ["featureKeyFile", "serviceOverrides"] },
  { title: "Network config (heartbeat)", fields: ["heartbeatMode", "heartbeatPort", "heartbeatInterval", "heartbeatTimeout"] },
  { title: "Rack config", fields: ["maxRacksPerNode"] },
  { title: "aerospikeConfig overrides", fields: ["namespaceDefaults"] },
];

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);
type Json = Record<string, unknown>;
function put(o: Json, k: string, v: unknown) {
  if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) return;
  if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) return;
  o[k] = v;
}
const obj = (...e: Array<[string, unknown]>) => {
  const o: Json = {};
  for (const [k, v] of e) put(o, k, v);
  return o;
};
const json = (s: string) => {
  try {
    return parseJson(s);
  } catch {
    return undefined;
  }
};
const n = (s: string) => (s.trim() ? Number(s) : undefined);

export function templateRequest(t: TemplateModel): CreateTemplate {
  const spec = obj(
    ["description", t.description.trim()],
    ["image", t.image.trim()],
    ["size", n(t.size)],
    ["resources", obj(["requests", obj(["cpu", t.cpuRequest], ["memory", t.memoryRequest])], ["limits", obj(["cpu", t.cpuLimit], ["memory", t.memoryLimit])])],
    [
      "scheduling",
      obj(
        ["podAntiAffinityLevel", t.podAntiAffinityLevel],
        ["podManagementPolicy", t.podManagementPolicy],
        ["tolerations", parseTolerations(t.tolerations) ?? undefined],
        ["nodeAffinity", json(t.nodeAffinity)],
        ["topologySpreadConstraints", json(t.topologySpreadConstraints)],
      ),
    ],
    [
      "storage",
      obj(
        ["storageClassName", t.storageClassName],
        ["volumeMode", t.volumeMode],
        ["resources", t.storageSize ? { requests: { storage: t.storageSize } } : undefined],
        ["localPVRequired", t.localPVRequired ? true : undefined],
        ["localStorageClasses", parseList(t.localStorageClasses)],
        ["deleteLocalStorageOnRestart", t.deleteLocalStorageOnRestart ? true : undefined],
      ),
    ],
    ["monitoring", t.monitoringEnabled ? obj(["enabled", true], ["exporterImage", t.exporterImage.trim()], ["port", n(t.exporterPort)]) : undefined],
    ["aerospikeNetworkPolicy", obj(["accessType", t.accessType], ["alternateAccessType", t.alternateAccessType], ["fabricType", t.fabricType])],
    [
      "aerospikeConfig",
      obj(
        ["service", obj(...Object.entries((json(t.serviceOverrides) as Json | undefined) ?? {}), ["feature-key-file", t.featureKeyFile.trim()])],
        ["network", obj(["heartbeat", obj(["mode", t.heartbeatMode], ["port", n(t.heartbeatPort)], ["interval", n(t.heartbeatInterval)], ["timeout", n(t.heartbeatTimeout)])])],
        ["namespaceDefaults", json(t.namespaceDefaults)],
      ),
    ],
    ["rackConfig", t.maxRacksPerNode ? { maxRacksPerNode: Number(t.maxRacksPerNode) } : undefined],
  );
  return { name: t.name, spec: spec as CreateTemplate["spec"] };
}

const jsonMsg = (s: string, shape: "object" | "array") => {
  try {
    const v = parseJson(s);
    if (v === undefined) return null;
    if (shape === "array" ? !Array.isArray(v) : v === null || typeof v !== "object" || Array.isArray(v)) return `Enter a JSON ${shape === "array" ? "list" : "object"}`;
    return null;
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`;
  }
};

export function validateTemplate(t: TemplateModel): Partial<Record<TemplateField, string>> {
  const e: Partial<Record<TemplateField, string>> = {};
  const put = (f: TemplateField, m: string | null) => {
    if (m) e[f] = m;
  };
  put(
    "name",
    !t.name
      ? "Enter the template name"
      : t.name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(t.name)
        ? 'Lowercase letters, digits, "-" and ".", starting and ending with a letter or digit'
        : null,
  );
  put("description", t.description.length > 500 ? "At most 500 characters" : null);
  put("image", /\s/.test(t.image) ? "An image reference has no spaces" : null);
  put("size", t.size && (Number.isNaN(int(t.size)) || int(t.size) < 1 || int(t.size) > 8) ? "Community Edition clusters have 1 to 8 nodes" : null);
  for (const [f, parse, ex] of [
    ["cpuRequest", cpuCores, "500m"],
    ["cpuLimit", cpuCores, "2"],
    ["memoryRequest", memoryBytes, "4Gi"],
    ["memoryLimit", memoryBytes, "8Gi"],
  ] as const)
    put(f, t[f] && Number.isNaN(parse(t[f])) ? `Not a quantity (e.g. ${ex})` : null);
  if (!e.cpuRequest && !e.cpuLimit && t.cpuRequest && t.cpuLimit && cpuCores(t.cpuRequest) > cpuCores(t.cpuLimit)) put("cpuLimit", "The limit must be at least the request");
  if (!e.memoryRequest && !e.memoryLimit && t.memoryRequest && t.memoryLimit && memoryBytes(t.memoryRequest) > memoryBytes(t.memoryLimit)) put("memoryLimit", "The limit must be at least the request");
  put("tolerations", parseTolerations(t.tolerations) === null ? "One toleration per line: key=value:NoSchedule, key:NoExecute or key" : null);
  put("nodeAffinity", jsonMsg(t.nodeAffinity, "object"));
  put("topologySpreadConstraints", jsonMsg(t.topologySpreadConstraints, "array"));
  put("storageSize", t.storageSize && !/^[1-9]\d*(Mi|Gi|Ti)$/.test(t.storageSize) ? "A size such as 50Gi (Mi, Gi or Ti)" : null);
  put("localPVRequired", t.localPVRequired && !t.storageClassName ? "Name the node-local StorageClass it requires" : null);
  put("exporterPort", t.exporterPort && (Number.isNaN(int(t.exporterPort)) || int(t.exporterPort) < 1 || int(t.exporterPort) > 65535 || (int(t.exporterPort) >= 3000 && int(t.exporterPort) <= 3003)) ? "A port outside Aerospike's 3000-3003" : null);
  put("featureKeyFile", t.featureKeyFile && !t.featureKeyFile.startsWith("/") ? "An absolute path, e.g. /etc/aerospike/secrets/features.conf" : null);
  put("serviceOverrides", jsonMsg(t.serviceOverrides, "object"));
  put("heartbeatMode", t.heartbeatMode && t.heartbeatMode !== "mesh" ? "Only mesh heartbeats work on Kubernetes (multicast does not cross pod networks)" : null);
  put("heartbeatPort", t.heartbeatPort && int(t.heartbeatPort) !== 3002 ? "The operator's pods and services use heartbeat port 3002" : null);
  put("heartbeatInterval", t.heartbeatInterval && (Number.isNaN(int(t.heartbeatInterval)) || int(t.heartbeatInterval) < 50) ? "At least 50 ms" : null);
  put("heartbeatTimeout", t.heartbeatTimeout && (Number.isNaN(int(t.heartbeatTimeout)) || int(t.heartbeatTimeout) < 1) ? "At least 1 missed heartbeat" : null);
  put("maxRacksPerNode", t.maxRacksPerNode && Number.isNaN(int(t.maxRacksPerNode)) ? "A whole number (0 = no limit)" : null);
  put("namespaceDefaults", jsonMsg(t.namespaceDefaults, "object"));
  put("localStorageClasses", parseList(t.localStorageClasses).some((c) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(c)) ? "StorageClass names, separated by commas" : null);
  return e;
}

/** The template field a server path (`spec.scheduling.tolerations[0]`) belongs to. */
export function templateFieldOfPath(path: string): TemplateField | null {
  const p = path.replace(/\[(\d+)\]/g, ".$1");
  const table: Array<[RegExp, TemplateField]> = [
    [/^(metadata\.)?name$/, "name"],
    [/^spec\.description/, "description"],
    [/^spec\.image/, "image"],
    [/^spec\.size/, "size"],
    [/^spec\.resources\.requests\.cpu/, "cpuRequest"],
    [/^spec\.resources\.requests\.memory/, "memoryRequest"],
    [/^spec\.resources\.limits\.cpu/, "cpuLimit"],
    [/^spec\.resources/, "memoryLimit"],
    [/^spec\.scheduling\.podAntiAffinityLevel/, "podAntiAffinityLevel"],
    [/^spec\.scheduling\.podManagementPolicy/, "podManagementPolicy"],
    [/^spec\.scheduling\.tolerations/, "tolerations"],
    [/^spec\.scheduling\.nodeAffinity/, "nodeAffinity"],
    [/^spec\.scheduling\.topologySpreadConstraints/, "topologySpreadConstraints"],
    [/^spec\.storage\.storageClassName/, "storageClassName"],
    [/^spec\.storage\.volumeMode/, "volumeMode"],
    [/^spec\.storage\.resources/, "storageSize"],
    [/^spec\.storage\.localPVRequired/, "localPVRequired"],
    [/^spec\.storage\.localStorageClasses/, "localStorageClasses"],
    [/^spec\.storage\.deleteLocalStorageOnRestart/, "deleteLocalStorageOnRestart"],
    [/^spec\.monitoring\.exporterImage/, "exporterImage"],
    [/^spec\.monitoring\.port/, "exporterPort"],
    [/^spec\.monitoring/, "monitoringEnabled"],
    [/^spec\.aerospikeNetworkPolicy\.alternateAccessType/, "alternateAccessType"],
    [/^spec\.aerospikeNetworkPolicy\.fabricType/, "fabricType"],
    [/^spec\.aerospikeNetworkPolicy/, "accessType"],
    [/^spec\.aerospikeConfig\.service\.feature-key-file/, "featureKeyFile"],
    [/^spec\.aerospikeConfig\.service/, "serviceOverrides"],
    [/^spec\.aerospikeConfig\.network\.heartbeat\.mode/, "heartbeatMode"],
    [/^spec\.aerospikeConfig\.network\.heartbeat\.port/, "heartbeatPort"],
    [/^spec\.aerospikeConfig\.network\.heartbeat\.interval/, "heartbeatInterval"],
    [/^spec\.aerospikeConfig\.network\.heartbeat\.timeout/, "heartbeatTimeout"],
    [/^spec\.aerospikeConfig\.namespaceDefaults/, "namespaceDefaults"],
    [/^spec\.rackConfig/, "maxRacksPerNode"],
  ];
  for (const [re, f] of table) if (re.test(p)) return f;
  return null;
}
