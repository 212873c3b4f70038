/**
 * Wizard model ↔ AerospikeCluster spec. `toSpec` builds the spec the wizard sends (only what the
 * user set: unset fields stay absent so the operator's defaults apply); `fromSpec` reads a spec
 * back into the model (the edit dialog starts from it). Every field round-trips:
 * `fromSpec(toSpec(m)) == m` for a model in canonical text form (wizard.test.ts proves it field by
 * field). Pure.
 */
import type { components } from "../../api/schema.gen";
import { DEFAULT_MODEL, EMPTY_RACK, type RackModel, type TriState, type WizardModel } from "./wizardModel";

export type CreateCluster = components["schemas"]["CreateCluster"];
type Json = Record<string, unknown>;

export const DATA_PATH = "/opt/aerospike/data";
const GIB = 1024 ** 3;

// ---- text helpers (the conventions are documented in wizardModel.ts)

/** `key=value` lines → map; lines without `=` are errors (reported by validation, skipped here). */
export function parseKv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const t = line.trim();
    const eq = t.indexOf("=");
    if (!t || eq <= 0) continue;
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}
export const kvText = (m: unknown): string =>
  m && typeof m === "object"
    ? Object.entries(m as Record<string, unknown>)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join("\n")
    : "";
/** Lines of a map text that are not `key=value`. */
export const badKvLines = (text: string) => text.split("\n").filter((l) => l.trim() && l.trim().indexOf("=") <= 0);

export const parseList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
export const listText = (l: unknown): string => (Array.isArray(l) ? l.map(String).join(", ") : "");

export interface Toleration {
  key?: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect?: string;
}
const TOLERATION = /^([A-Za-z0-9_./-]*)(?:=([A-Za-z0-9_.-]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/;
export function parseTolerations(text: string): Toleration[] | null {
  const out: Toleration[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    const m = TOLERATION.exec(t);
    if (!m || (!m[1] && m[2] !== undefined)) return null;
    const tol: Toleration = m[2] !== undefined ? { key: m[1], operator: "Equal", value: m[2] } : { ...(m[1] ? { key: m[1] } : {}), operator: "Exists" };
    if (m[3]) tol.effect = m[3];
    out.push(tol);
  }
  return out;
}
export const tolerationsText = (l: unknown): string =>
  Array.isArray(l)
    ? (l as Toleration[]).map((t) => `${t.key ?? ""}${t.operator === "Equal" || t.value !== undefined ? `=${t.value ?? ""}` : ""}${t.effect ? `:${t.effect}` : ""}`).join("\n")
    : "";

/** JSON text → value; undefined when empty, throws on invalid JSON. */
export const parseJson = (text: string): unknown => (text.trim() ? JSON.parse(text) : undefined);
export const jsonText = (v: unknown): string => (v === undefined || v === null ? "" : JSON.stringify(v, null, 2));
const jsonOr = (text: string): unknown => {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
};

/** An integer or a percentage ("25%") as the CRD's int-or-string. */
export const intOrPercent = (s: string): number | string => (s.trim().endsWith("%") ? s.trim() : Number(s));
const ioText = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const num = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const str = (v: unknown) => (typeof v === "string" ? v : "");
const tri = (v: unknown): TriState => (v === true ? "true" : v === false ? "false" : "");
const fromTri = (t: TriState) => (t === "" ? undefined : t === "true");

/** Sets `obj[key] = v` unless `v` is "empty" (undefined, "", empty object/list). */
function put(obj: Json, key: string, v: unknown) {
  if (v === undefined || v === "" || v === null) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0) return;
  obj[key] = v;
}
const obj = (...entries: Array<[string, unknown]>): Json => {
  const o: Json = {};
  for (const [k, v] of entries) put(o, k, v);
  return o;
};
const kvOrUndef = (text: string) => {
  const m = parseKv(text);
  return Object.keys(m).length ? m : undefined;
};
const resources = (cpuReq: string, memReq: string, cpuLim: string, memLim: string) =>
  obj(["requests", obj(["cpu", cpuReq.trim()], ["memory", memReq.trim()])], ["limits", obj(["cpu", cpuLim.trim()], ["memory", memLim.trim()])]);
const metadata = (labels: string, annotations: string) => obj(["labels", kvOrUndef(labels)], ["annotations", kvOrUndef(annotations)]);

function volumePolicy(init: string, wipe: string, cascade: boolean) {
  return obj(["initMethod", init], ["wipeMethod", wipe], ["cascadeDelete", cascade ? true : undefined]);
}

/** The storage section for a volume class/size (the cluster's, or a rack's override). */
function storageSpec(m: WizardModel, storageClass: string, size: string): Json {
  const volume = obj(
    ["name", "data"],
    ["source", { persistentVolume: obj(["storageClass", storageClass], ["size", size], ["volumeMode", "Filesystem"]) }],
    ["aerospike", { path: DATA_PATH }],
    ["initMethod", m.volumeInitMethod],
    ["wipeMethod", m.volumeWipeMethod],
    ["cascadeDelete", fromTri(m.volumeCascadeDelete)],
  );
  return obj(
    ["volumes", [volume]],
    ["cleanupThreads", m.cleanupThreads ? Number(m.cleanupThreads) : undefined],
    ["filesystemVolumePolicy", volumePolicy(m.fsInitMethod, m.fsWipeMethod, m.fsCascadeDelete)],
    ["blockVolumePolicy", volumePolicy(m.blockInitMethod, m.blockWipeMethod, m.blockCascadeDelete)],
    ["localStorageClasses", parseList(m.localStorageClasses)],
    ["deleteLocalStorageOnRestart", m.deleteLocalStorageOnRestart ? true : undefined],
  );
}

function rackSpec(m: WizardModel, r: RackModel): Json {
  const override = r.storageClass || r.volumeSize;
  return obj(
    ["id", Number(r.id)],
    ["zone", r.zone],
    ["region", r.region],
    ["nodeName", r.nodeName],
    ["rackLabel", r.rackLabel],
    ["maxUnavailable", r.maxUnavailable ? intOrPercent(r.maxUnavailable) : undefined],
    ["storage", override && m.storage === "persistent" ? storageSpec(m, r.storageClass || m.storageClass, r.volumeSize || m.volumeSize) : undefined],
    ["podSpec", obj(["tolerations", parseTolerations(r.tolerations) ?? undefined], ["nodeSelector", kvOrUndef(r.nodeSelector)], ["affinity", jsonOr(r.affinity)])],
    ["aerospikeConfig", jsonOr(r.aerospikeConfig)],
  );
}

/** The spec the wizard's model describes. */
export function toSpec(m: WizardModel): Json {
  const ns: Json = { name: m.nsName, "replication-factor": Number(m.replicationFactor) };
  const bytes = Number(m.dataSizeGi) * GIB;
  ns["storage-engine"] = m.storage === "memory" ? { type: "memory", "data-size": bytes } : { type: "device", files: [`${DATA_PATH}/${m.nsName}.dat`], filesize: bytes };
  const monitoring = m.monitoringEnabled
    ? obj(
        ["enabled", true],
        ["exporterImage", m.exporterImage.trim()],
        ["port", m.exporterPort ? Number(m.exporterPort) : undefined],
        ["metricLabels", kvOrUndef(m.metricLabels)],
        ["resources", resources(m.exporterCpuRequest, m.exporterMemoryRequest, m.exporterCpuLimit, m.exporterMemoryLimit)],
        ["env", Object.entries(parseKv(m.exporterEnv)).map(([name, value]) => ({ name, value }))],
        ["serviceMonitor", m.serviceMonitorEnabled ? obj(["enabled", true], ["interval", m.serviceMonitorInterval.trim()], ["labels", kvOrUndef(m.serviceMonitorLabels)]) : undefined],
        ["prometheusRule", m.prometheusRuleEnabled ? obj(["enabled", true], ["labels", kvOrUndef(m.prometheusRuleLabels)], ["customRules", jsonOr(m.customRules)]) : undefined],
      )
    : undefined;
  const racks = m.racks.map((r) => rackSpec(m, r));
  return obj(
    ["size", Number(m.size)],
    ["image", m.image.trim()],
    ["templateRef", m.templateRef ? { name: m.templateRef } : undefined],
    ["storage", m.storage === "persistent" ? storageSpec(m, m.storageClass, m.volumeSize) : undefined],
    ["aerospikeConfig", { namespaces: [ns] }],
    ["monitoring", monitoring],
    ["enableDynamicConfigUpdate", m.dynamicConfig ? true : undefined],
    [
      "aerospikeNetworkPolicy",
      obj(
        ["accessType", m.accessType],
        ["alternateAccessType", m.alternateAccessType],
        ["fabricType", m.fabricType],
        ["customAccessNetworkNames", parseList(m.customAccessNetworkNames)],
        ["customAlternateAccessNetworkNames", parseList(m.customAlternateAccessNetworkNames)],
        ["customFabricNetworkNames", parseList(m.customFabricNetworkNames)],
      ),
    ],
    ["networkPolicyConfig", m.networkPolicyEnabled ? { enabled: true, type: m.networkPolicyType } : undefined],
    [
      "seedsFinderServices",
      m.seedsLbEnabled
        ? {
            loadBalancer: obj(
              ["port", m.seedsLbPort ? Number(m.seedsLbPort) : undefined],
              ["targetPort", m.seedsLbTargetPort ? Number(m.seedsLbTargetPort) : undefined],
              ["externalTrafficPolicy", m.seedsLbExternalTrafficPolicy],
              ["annotations", kvOrUndef(m.seedsLbAnnotations)],
              ["labels", kvOrUndef(m.seedsLbLabels)],
              ["loadBalancerSourceRanges", parseList(m.seedsLbSourceRanges)],
            ),
          }
        : undefined,
    ],
    ["rollingUpdateBatchSize", m.rollingUpdateBatchSize ? Number(m.rollingUpdateBatchSize) : undefined],
    ["maxUnavailable", m.maxUnavailable ? intOrPercent(m.maxUnavailable) : undefined],
    ["disablePDB", m.disablePDB ? true : undefined],
    [
      "rackConfig",
      obj(
        ["racks", racks],
        ["namespaces", parseList(m.rackNamespaces)],
        ["maxIgnorablePods", m.maxIgnorablePods ? intOrPercent(m.maxIgnorablePods) : undefined],
        ["rollingUpdateBatchSize", m.rackRollingUpdateBatchSize ? intOrPercent(m.rackRollingUpdateBatchSize) : undefined],
        ["scaleDownBatchSize", m.scaleDownBatchSize ? intOrPercent(m.scaleDownBatchSize) : undefined],
      ),
    ],
    [
      "podSpec",
      obj(
        ["aerospikeContainer", obj(["resources", resources(m.cpuRequest, m.memoryRequest, m.cpuLimit, m.memoryLimit)])],
        ["podManagementPolicy", m.podManagementPolicy],
        ["dnsPolicy", m.dnsPolicy],
        ["readinessGateEnabled", fromTri(m.readinessGate)],
        ["metadata", metadata(m.podLabels, m.podAnnotations)],
        ["nodeSelector", kvOrUndef(m.nodeSelector)],
        ["tolerations", parseTolerations(m.tolerations) ?? undefined],
        ["hostNetwork", m.hostNetwork ? true : undefined],
        ["multiPodPerHost", fromTri(m.multiPodPerHost)],
        ["imagePullSecrets", parseList(m.imagePullSecrets).map((name) => ({ name }))],
        ["serviceAccountName", m.serviceAccountName.trim()],
        ["terminationGracePeriodSeconds", m.terminationGracePeriod ? Number(m.terminationGracePeriod) : undefined],
        ["sidecars", jsonOr(m.sidecars)],
        ["initContainers", jsonOr(m.initContainers)],
        ["securityContext", jsonOr(m.securityContext)],
        ["topologySpreadConstraints", jsonOr(m.topologySpreadConstraints)],
      ),
    ],
    ["headlessService", obj(["metadata", metadata(m.headlessLabels, m.headlessAnnotations)])],
    ["podService", m.podServiceEnabled ? obj(["serviceType", m.podServiceType], ["metadata", metadata(m.podServiceLabels, m.podServiceAnnotations)]) : undefined],
    ["bandwidthConfig", obj(["ingress", m.bandwidthIngress.trim()], ["egress", m.bandwidthEgress.trim()])],
    ["k8sNodeBlockList", parseList(m.nodeBlockList)],
    ["validationPolicy", m.skipWorkDirValidate ? { skipWorkDirValidate: true } : undefined],
  );
}

/** The request the wizard sends (POST /api/v1/k8s/clusters). */
export function toRequest(m: WizardModel): CreateCluster {
  return { name: m.name, namespace: m.namespace, autoConnect: m.autoConnect, spec: toSpec(m) as CreateCluster["spec"] };
}

const get = (o: unknown, ...path: Array<string | number>): unknown => {
  let v: unknown = o;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
};

function rackFromSpec(r: unknown, cluster: { storageClass: string; volumeSize: string }): RackModel {
  const pv = get(r, "storage", "volumes", 0, "source", "persistentVolume");
  const sc = str(get(pv, "storageClass"));
  const size = num(get(pv, "size"));
  return {
    ...EMPTY_RACK,
    id: num(get(r, "id")),
    zone: str(get(r, "zone")),
    region: str(get(r, "region")),
    nodeName: str(get(r, "nodeName")),
    rackLabel: str(get(r, "rackLabel")),
    maxUnavailable: ioText(get(r, "maxUnavailable")),
    storageClass: sc === cluster.storageClass ? "" : sc,
    volumeSize: size === cluster.volumeSize ? "" : size,
    tolerations: tolerationsText(get(r, "podSpec", "tolerations")),
    nodeSelector: kvText(get(r, "podSpec", "nodeSelector")),
    affinity: jsonText(get(r, "podSpec", "affinity")),
    aerospikeConfig: jsonText(get(r, "aerospikeConfig")),
  };
}

/** The model of an existing cluster's spec (the edit dialog, and the round-trip proof). */
export function fromSpec(spec: unknown, meta: { name: string; namespace: string; autoConnect?: boolean }): WizardModel {
  const s = (spec ?? {}) as Json;
  const ns = get(s, "aerospikeConfig", "namespaces", 0);
  const engine = get(ns, "storage-engine");
  const persistent = get(engine, "type") === "device";
  const bytes = Number(persistent ? get(engine, "filesize") : get(engine, "data-size"));
  const pv = get(s, "storage", "volumes", 0, "source", "persistentVolume");
  const vol = get(s, "storage", "volumes", 0);
  const mon = get(s, "monitoring");
  const anp = get(s, "aerospikeNetworkPolicy");
  const lb = get(s, "seedsFinderServices", "loadBalancer");
  const pod = get(s, "podSpec");
  const storageClass = str(get(pv, "storageClass"));
  const volumeSize = num(get(pv, "size")) || DEFAULT_MODEL.volumeSize;
  return {
    ...DEFAULT_MODEL,
    name: meta.name,
    namespace: meta.namespace,
    autoConnect: meta.autoConnect ?? DEFAULT_MODEL.autoConnect,
    size: num(get(s, "size")),
    image: str(get(s, "image")),
    nsName: str(get(ns, "name")) || DEFAULT_MODEL.nsName,
    replicationFactor: num(get(ns, "replication-factor")) || DEFAULT_MODEL.replicationFactor,
    storage: persistent ? "persistent" : "memory",
    dataSizeGi: Number.isFinite(bytes) && bytes > 0 ? String(bytes / GIB) : DEFAULT_MODEL.dataSizeGi,
    storageClass,
    volumeSize,
    volumeInitMethod: str(get(vol, "initMethod")),
    volumeWipeMethod: str(get(vol, "wipeMethod")),
    volumeCascadeDelete: tri(get(vol, "cascadeDelete")),
    cleanupThreads: num(get(s, "storage", "cleanupThreads")),
    fsInitMethod: str(get(s, "storage", "filesystemVolumePolicy", "initMethod")),
    fsWipeMethod: str(get(s, "storage", "filesystemVolumePolicy", "wipeMethod")),
    fsCascadeDelete: get(s, "storage", "filesystemVolumePolicy", "cascadeDelete") === true,
    blockInitMethod: str(get(s, "storage", "blockVolumePolicy", "initMethod")),
    blockWipeMethod: str(get(s, "storage", "blockVolumePolicy", "wipeMethod")),
    blockCascadeDelete: get(s, "storage", "blockVolumePolicy", "cascadeDelete") === true,
    localStorageClasses: listText(get(s, "storage", "localStorageClasses")),
    deleteLocalStorageOnRestart: get(s, "storage", "deleteLocalStorageOnRestart") === true,
    monitoringEnabled: get(mon, "enabled") === true,
    exporterImage: str(get(mon, "exporterImage")),
    exporterPort: num(get(mon, "port")),
    metricLabels: kvText(get(mon, "metricLabels")),
    exporterCpuRequest: str(get(mon, "resources", "requests", "cpu")),
    exporterMemoryRequest: str(get(mon, "resources", "requests", "memory")),
    exporterCpuLimit: str(get(mon, "resources", "limits", "cpu")),
    exporterMemoryLimit: str(get(mon, "resources", "limits", "memory")),
    exporterEnv: Array.isArray(get(mon, "env")) ? (get(mon, "env") as Array<{ name: string; value?: string }>).map((e) => `${e.name}=${e.value ?? ""}`).join("\n") : "",
    serviceMonitorEnabled: get(mon, "serviceMonitor", "enabled") === true,
    serviceMonitorInterval: str(get(mon, "serviceMonitor", "interval")),
    serviceMonitorLabels: kvText(get(mon, "serviceMonitor", "labels")),
    prometheusRuleEnabled: get(mon, "prometheusRule", "enabled") === true,
    prometheusRuleLabels: kvText(get(mon, "prometheusRule", "labels")),
    customRules: jsonText(get(mon, "prometheusRule", "customRules")),
    templateRef: str(get(s, "templateRef", "name")),
    dynamicConfig: get(s, "enableDynamicConfigUpdate") === true,
    accessType: str(get(anp, "accessType")),
    alternateAccessType: str(get(anp, "alternateAccessType")),
    fabricType: str(get(anp, "fabricType")),
    customAccessNetworkNames: listText(get(anp, "customAccessNetworkNames")),
    customAlternateAccessNetworkNames: listText(get(anp, "customAlternateAccessNetworkNames")),
    customFabricNetworkNames: listText(get(anp, "customFabricNetworkNames")),
    networkPolicyEnabled: get(s, "networkPolicyConfig", "enabled") === true,
    networkPolicyType: get(s, "networkPolicyConfig", "type") === "cilium" ? "cilium" : "kubernetes",
    seedsLbEnabled: lb !== undefined,
    seedsLbPort: num(get(lb, "port")),
    seedsLbTargetPort: num(get(lb, "targetPort")),
    seedsLbExternalTrafficPolicy: str(get(lb, "externalTrafficPolicy")),
    seedsLbAnnotations: kvText(get(lb, "annotations")),
    seedsLbLabels: kvText(get(lb, "labels")),
    seedsLbSourceRanges: listText(get(lb, "loadBalancerSourceRanges")),
    cpuRequest: str(get(pod, "aerospikeContainer", "resources", "requests", "cpu")),
    memoryRequest: str(get(pod, "aerospikeContainer", "resources", "requests", "memory")),
    cpuLimit: str(get(pod, "aerospikeContainer", "resources", "limits", "cpu")),
    memoryLimit: str(get(pod, "aerospikeContainer", "resources", "limits", "memory")),
    rollingUpdateBatchSize: num(get(s, "rollingUpdateBatchSize")),
    maxUnavailable: ioText(get(s, "maxUnavailable")),
    disablePDB: get(s, "disablePDB") === true,
    racks: Array.isArray(get(s, "rackConfig", "racks")) ? (get(s, "rackConfig", "racks") as unknown[]).map((r) => rackFromSpec(r, { storageClass, volumeSize })) : [],
    rackNamespaces: listText(get(s, "rackConfig", "namespaces")),
    maxIgnorablePods: ioText(get(s, "rackConfig", "maxIgnorablePods")),
    rackRollingUpdateBatchSize: ioText(get(s, "rackConfig", "rollingUpdateBatchSize")),
    scaleDownBatchSize: ioText(get(s, "rackConfig", "scaleDownBatchSize")),
    podManagementPolicy: str(get(pod, "podManagementPolicy")),
    dnsPolicy: str(get(pod, "dnsPolicy")),
    readinessGate: tri(get(pod, "readinessGateEnabled")),
    podLabels: kvText(get(pod, "metadata", "labels")),
    podAnnotations: kvText(get(pod, "metadata", "annotations")),
    headlessAnnotations: kvText(get(s, "headlessService", "metadata", "annotations")),
    headlessLabels: kvText(get(s, "headlessService", "metadata", "labels")),
    podServiceEnabled: get(s, "podService") !== undefined,
    podServiceType: str(get(s, "podService", "serviceType")),
    podServiceAnnotations: kvText(get(s, "podService", "metadata", "annotations")),
    podServiceLabels: kvText(get(s, "podService", "metadata", "labels")),
    bandwidthIngress: str(get(s, "bandwidthConfig", "ingress")),
    bandwidthEgress: str(get(s, "bandwidthConfig", "egress")),
    nodeBlockList: listText(get(s, "k8sNodeBlockList")),
    skipWorkDirValidate: get(s, "validationPolicy", "skipWorkDirValidate") === true,
    nodeSelector: kvText(get(pod, "nodeSelector")),
    tolerations: tolerationsText(get(pod, "tolerations")),
    hostNetwork: get(pod, "hostNetwork") === true,
    multiPodPerHost: tri(get(pod, "multiPodPerHost")),
    imagePullSecrets: Array.isArray(get(pod, "imagePullSecrets")) ? (get(pod, "imagePullSecrets") as Array<{ name: string }>).map((x) => x.name).join(", ") : "",
    serviceAccountName: str(get(pod, "serviceAccountName")),
    terminationGracePeriod: num(get(pod, "terminationGracePeriodSeconds")),
    sidecars: jsonText(get(pod, "sidecars")),
    initContainers: jsonText(get(pod, "initContainers")),
    securityContext: jsonText(get(pod, "securityContext")),
    topologySpreadConstraints: jsonText(get(pod, "topologySpreadConstraints")),
  };
}
