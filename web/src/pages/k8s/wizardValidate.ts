/**
 * Validation of the wizard model as you type (the same rules the server applies, with messages
 * that say how to fix the value), and the mapping of the server's 422 field paths onto the
 * wizard's fields. Pure.
 */
import { badKvLines, parseJson, parseList, parseTolerations } from "./wizardMap";
import { STEPS, type ErrorKey, type Problems, type RackModel, type WizardField, type WizardModel } from "./wizardModel";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);
const CPU = /^(\d+(\.\d+)?|\d+m)$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;
const BANDWIDTH = /^\d+(\.\d+)?[KMG]?(bps)?$/;
const DURATION = /^\d+(ms|s|m|h)$/;

function dnsLabel(v: string, what: string): string | null {
  if (!v) return `Enter the ${what}`;
  if (v.length > 63) return `The ${what} has at most 63 characters`;
  if (!DNS_LABEL.test(v)) return `The ${what} uses lowercase letters, digits and "-", and starts and ends with a letter or digit`;
  return null;
}

/** CPU quantity in cores / memory in bytes (for request ≤ limit), NaN when not a quantity. */
export function cpuCores(q: string): number {
  if (!CPU.test(q)) return NaN;
  return q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
export function memoryBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i?|k)?$/.exec(q);
  if (!m) return NaN;
  const unit = m[2] ?? "";
  const pow = { "": 0, k: 1, K: 1, M: 2, G: 3, T: 4, P: 5 }[unit[0] ?? ""] ?? 0;
  return Number(m[1]) * (unit.endsWith("i") ? 1024 : 1000) ** pow;
}

const intOrPercentMsg = (s: string, min = 0) =>
  s && !/^\d+%$/.test(s.trim()) && (Number.isNaN(int(s)) || int(s) < min) ? `A whole number${min ? ` of at least ${min}` : ""} or a percentage such as 25%` : null;
const kvMsg = (s: string) => {
  const bad = badKvLines(s);
  return bad.length ? `Use one key=value per line (not: ${bad[0]!.trim()})` : null;
};
const jsonMsg = (s: string, shape: "object" | "array") => {
  try {
    const v = parseJson(s);
    if (v === undefined) return null;
    if (shape === "array" ? !Array.isArray(v) : v === null || typeof v !== "object" || Array.isArray(v)) return `Enter a JSON ${shape === "array" ? "list ([...])" : "object ({...})"}`;
    return null;
  } catch (e) {
    return `Not valid JSON: ${(e as Error).message}`;
  }
};
const tolMsg = (s: string) => (parseTolerations(s) === null ? "One toleration per line: key=value:NoSchedule, key:NoExecute or key (Exists)" : null);
const portMsg = (s: string) => (s && (Number.isNaN(int(s)) || int(s) < 1 || int(s) > 65535) ? "A port between 1 and 65535" : null);

function resourcePair(e: Problems, req: [WizardField, string], lim: [WizardField, string], parse: (q: string) => number, what: string, example: string) {
  const [rf, rv] = req;
  const [lf, lv] = lim;
  if (rv && Number.isNaN(parse(rv))) e[rf] = `Not a ${what} quantity (e.g. ${example})`;
  if (lv && Number.isNaN(parse(lv))) e[lf] = `Not a ${what} quantity (e.g. ${example})`;
  if (rv && lv && !e[rf] && !e[lf] && parse(rv) > parse(lv)) e[lf] = `The limit must be at least the request (${rv})`;
}

function validateRack(r: RackModel, i: number, m: WizardModel, ids: Map<string, number>, e: Problems) {
  const k = (f: keyof RackModel) => `racks.${i}.${f}` as ErrorKey;
  const id = int(r.id);
  if (Number.isNaN(id) || id < 1 || id > 1_000_000) e[k("id")] = "A rack id is a whole number of at least 1";
  else if ((ids.get(r.id) ?? 0) > 1) e[k("id")] = `Rack id ${r.id} is used twice`;
  const mu = intOrPercentMsg(r.maxUnavailable);
  if (mu) e[k("maxUnavailable")] = mu;
  if ((r.storageClass || r.volumeSize) && m.storage !== "persistent") e[k("storageClass")] = "Per-rack storage needs persistent storage (step 2)";
  if (r.volumeSize && !/^[1-9]\d*(Mi|Gi|Ti)$/.test(r.volumeSize)) e[k("volumeSize")] = "A size such as 100Gi (Mi, Gi or Ti)";
  if (r.storageClass && !DNS_SUBDOMAIN.test(r.storageClass)) e[k("storageClass")] = "Not a valid StorageClass name";
  const t = tolMsg(r.tolerations);
  if (t) e[k("tolerations")] = t;
  const ns = kvMsg(r.nodeSelector);
  if (ns) e[k("nodeSelector")] = ns;
  const a = jsonMsg(r.affinity, "object");
  if (a) e[k("affinity")] = a;
  const c = jsonMsg(r.aerospikeConfig, "object");
  if (c) e[k("aerospikeConfig")] = c;
}

/** Problems of the model, per field (validation as you type). */
export function validate(m: WizardModel): Problems {
  const e: Problems = {};
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
    if (m.storageClass && (m.storageClass.length > 253 || !DNS_SUBDOMAIN.test(m.storageClass))) put("storageClass", "Not a valid StorageClass name");
    put("cleanupThreads", m.cleanupThreads && (Number.isNaN(int(m.cleanupThreads)) || int(m.cleanupThreads) < 1) ? "At least 1 thread" : null);
    put("localStorageClasses", parseList(m.localStorageClasses).some((c) => !DNS_SUBDOMAIN.test(c)) ? "StorageClass names, separated by commas" : null);
  }
  // 3. Monitoring & Options
  if (m.monitoringEnabled) {
    put("exporterImage", /\s/.test(m.exporterImage) ? "An image reference has no spaces" : null);
    const port = int(m.exporterPort);
    put("exporterPort", portMsg(m.exporterPort) ?? (port >= 3000 && port <= 3003 ? "Ports 3000-3003 belong to Aerospike; choose another (default 9145)" : null));
    put("metricLabels", kvMsg(m.metricLabels));
    put("exporterEnv", kvMsg(m.exporterEnv) ?? (m.exporterEnv.split("\n").some((l) => l.trim() && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(l.trim())) ? "Variable names use letters, digits and _" : null));
    resourcePair(e, ["exporterCpuRequest", m.exporterCpuRequest], ["exporterCpuLimit", m.exporterCpuLimit], cpuCores, "CPU", "100m or 0.5");
    resourcePair(e, ["exporterMemoryRequest", m.exporterMemoryRequest], ["exporterMemoryLimit", m.exporterMemoryLimit], memoryBytes, "memory", "64Mi");
    put("serviceMonitorInterval", m.serviceMonitorInterval && !DURATION.test(m.serviceMonitorInterval) ? "A Prometheus duration such as 30s or 1m" : null);
    put("serviceMonitorLabels", kvMsg(m.serviceMonitorLabels));
    put("prometheusRuleLabels", kvMsg(m.prometheusRuleLabels));
    const rules = jsonMsg(m.customRules, "array");
    put(
      "customRules",
      rules ??
        ((parseJson(m.customRules) as unknown[] | undefined)?.some((g) => !g || typeof g !== "object" || typeof (g as { name?: unknown }).name !== "string" || !Array.isArray((g as { rules?: unknown }).rules))
          ? "Each rule group is an object with a name and a rules list"
          : null),
    );
  }
  const needsNames = (t: string, names: string) => (t === "configuredIP" && parseList(names).length === 0 ? "configuredIP needs at least one network name" : null);
  put("customAccessNetworkNames", needsNames(m.accessType, m.customAccessNetworkNames));
  put("customAlternateAccessNetworkNames", needsNames(m.alternateAccessType, m.customAlternateAccessNetworkNames));
  put("customFabricNetworkNames", needsNames(m.fabricType, m.customFabricNetworkNames));
  if (m.seedsLbEnabled) {
    put("seedsLbPort", portMsg(m.seedsLbPort));
    put("seedsLbTargetPort", portMsg(m.seedsLbTargetPort));
    put("seedsLbAnnotations", kvMsg(m.seedsLbAnnotations));
    put("seedsLbLabels", kvMsg(m.seedsLbLabels));
    const bad = parseList(m.seedsLbSourceRanges).find((c) => !CIDR.test(c));
    put("seedsLbSourceRanges", bad ? `Not a CIDR: ${bad} (e.g. 10.0.0.0/8)` : null);
  }
  // 4. Resources
  resourcePair(e, ["cpuRequest", m.cpuRequest], ["cpuLimit", m.cpuLimit], cpuCores, "CPU", "500m or 2");
  resourcePair(e, ["memoryRequest", m.memoryRequest], ["memoryLimit", m.memoryLimit], memoryBytes, "memory", "4Gi");
  // 6. Rolling Update
  put("rollingUpdateBatchSize", m.rollingUpdateBatchSize && (Number.isNaN(int(m.rollingUpdateBatchSize)) || int(m.rollingUpdateBatchSize) < 1) ? "At least 1 pod at a time" : null);
  put("maxUnavailable", intOrPercentMsg(m.maxUnavailable, 1));
  // 7. Rack Config
  const ids = new Map<string, number>();
  for (const r of m.racks) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
  m.racks.forEach((r, i) => validateRack(r, i, m, ids, e));
  const labels = m.racks.map((r) => r.rackLabel).filter(Boolean);
  if (new Set(labels).size !== labels.length) put("racks", "Rack labels must be unique across racks");
  if (m.racks.length > 0 && !Number.isNaN(size) && m.racks.length > size) put("racks", `More racks (${m.racks.length}) than nodes (${size}): some racks would stay empty`);
  put("rackNamespaces", parseList(m.rackNamespaces).length > 2 ? "Community Edition has at most 2 namespaces" : null);
  put("maxIgnorablePods", intOrPercentMsg(m.maxIgnorablePods));
  put("rackRollingUpdateBatchSize", intOrPercentMsg(m.rackRollingUpdateBatchSize, 1));
  put("scaleDownBatchSize", intOrPercentMsg(m.scaleDownBatchSize, 1));
  // 8. Advanced
  for (const f of ["podLabels", "podAnnotations", "headlessAnnotations", "headlessLabels", "podServiceAnnotations", "podServiceLabels", "nodeSelector"] as const) put(f, kvMsg(m[f]));
  put("bandwidthIngress", m.bandwidthIngress && !BANDWIDTH.test(m.bandwidthIngress) ? "A rate such as 1G or 500Mbps" : null);
  put("bandwidthEgress", m.bandwidthEgress && !BANDWIDTH.test(m.bandwidthEgress) ? "A rate such as 1G or 500Mbps" : null);
  put("tolerations", tolMsg(m.tolerations));
  put("imagePullSecrets", parseList(m.imagePullSecrets).some((s) => !DNS_SUBDOMAIN.test(s)) ? "Secret names (lowercase), separated by commas" : null);
  put("serviceAccountName", m.serviceAccountName && !DNS_SUBDOMAIN.test(m.serviceAccountName) ? "Not a valid service account name" : null);
  put("terminationGracePeriod", m.terminationGracePeriod && Number.isNaN(int(m.terminationGracePeriod)) ? "Whole seconds, e.g. 60" : null);
  put("dnsPolicy", m.hostNetwork && m.dnsPolicy === "ClusterFirst" ? "With hostNetwork use ClusterFirstWithHostNet, or the pods cannot resolve cluster names" : null);
  put("sidecars", jsonMsg(m.sidecars, "array"));
  put("initContainers", jsonMsg(m.initContainers, "array"));
  put("securityContext", jsonMsg(m.securityContext, "object"));
  put("topologySpreadConstraints", jsonMsg(m.topologySpreadConstraints, "array"));
  return e;
}

/** The wizard field a server field path (422 `errors[].field`) belongs to, or null. */
export function fieldOfPath(path: string): ErrorKey | null {
  const p = path.replace(/\[(\d+)\]/g, ".$1").replace(/^spec\./, "spec.");
  if (p === "name" || p === "metadata.name") return "name";
  if (p === "namespace" || p === "metadata.namespace") return "namespace";
  if (p === "autoConnect") return "autoConnect";
  const rack = /^spec\.rackConfig\.racks\.(\d+)(?:\.(.*))?$/.exec(p);
  if (rack) {
    const rest = rack[2] ?? "";
    const i = Number(rack[1]);
    const f: keyof RackModel | null = rest.startsWith("id")
      ? "id"
      : rest.startsWith("zone")
        ? "zone"
        : rest.startsWith("region")
          ? "region"
          : rest.startsWith("nodeName")
            ? "nodeName"
            : rest.startsWith("rackLabel")
              ? "rackLabel"
              : rest.startsWith("maxUnavailable")
                ? "maxUnavailable"
                : rest.startsWith("storage")
                  ? rest.endsWith(".size")
                    ? "volumeSize"
                    : "storageClass"
                  : rest.startsWith("podSpec.tolerations")
                    ? "tolerations"
                    : rest.startsWith("podSpec.nodeSelector")
                      ? "nodeSelector"
                      : rest.startsWith("podSpec.affinity")
                        ? "affinity"
                        : rest.startsWith("aerospikeConfig")
                          ? "aerospikeConfig"
                          : null;
    return f ? (`racks.${i}.${f}` as ErrorKey) : "racks";
  }
  const table: Array<[RegExp, WizardField]> = [
    [/^spec\.size$/, "size"],
    [/^spec\.image$/, "image"],
    [/^spec\.templateRef/, "templateRef"],
    [/^spec\.aerospikeConfig\.namespaces\.\d+\.replication-factor/, "replicationFactor"],
    [/^spec\.aerospikeConfig\.namespaces\.\d+\..*(data-size|filesize)/, "dataSizeGi"],
    [/^spec\.aerospikeConfig\.namespaces\.\d+\.name$/, "nsName"],
    [/^spec\.aerospikeConfig/, "storage"],
    [/^spec\.storage\.volumes\.\d+\.source\.persistentVolume\.storageClass/, "storageClass"],
    [/^spec\.storage\.volumes\.\d+\.source\.persistentVolume\.size/, "volumeSize"],
    [/^spec\.storage\.volumes\.\d+\.initMethod/, "volumeInitMethod"],
    [/^spec\.storage\.volumes\.\d+\.wipeMethod/, "volumeWipeMethod"],
    [/^spec\.storage\.volumes\.\d+\.cascadeDelete/, "volumeCascadeDelete"],
    [/^spec\.storage\.cleanupThreads/, "cleanupThreads"],
    [/^spec\.storage\.filesystemVolumePolicy\.initMethod/, "fsInitMethod"],
    [/^spec\.storage\.filesystemVolumePolicy\.wipeMethod/, "fsWipeMethod"],
    [/^spec\.storage\.filesystemVolumePolicy/, "fsCascadeDelete"],
    [/^spec\.storage\.blockVolumePolicy\.initMethod/, "blockInitMethod"],
    [/^spec\.storage\.blockVolumePolicy\.wipeMethod/, "blockWipeMethod"],
    [/^spec\.storage\.blockVolumePolicy/, "blockCascadeDelete"],
    [/^spec\.storage\.localStorageClasses/, "localStorageClasses"],
    [/^spec\.storage\.deleteLocalStorageOnRestart/, "deleteLocalStorageOnRestart"],
    [/^spec\.storage/, "storage"],
    [/^spec\.monitoring\.exporterImage/, "exporterImage"],
    [/^spec\.monitoring\.port/, "exporterPort"],
    [/^spec\.monitoring\.metricLabels/, "metricLabels"],
    [/^spec\.monitoring\.resources\.requests\.cpu/, "exporterCpuRequest"],
    [/^spec\.monitoring\.resources\.requests\.memory/, "exporterMemoryRequest"],
    [/^spec\.monitoring\.resources\.limits\.cpu/, "exporterCpuLimit"],
    [/^spec\.monitoring\.resources\.limits\.memory/, "exporterMemoryLimit"],
    [/^spec\.monitoring\.resources/, "exporterCpuRequest"],
    [/^spec\.monitoring\.env/, "exporterEnv"],
    [/^spec\.monitoring\.serviceMonitor\.interval/, "serviceMonitorInterval"],
    [/^spec\.monitoring\.serviceMonitor\.labels/, "serviceMonitorLabels"],
    [/^spec\.monitoring\.serviceMonitor/, "serviceMonitorEnabled"],
    [/^spec\.monitoring\.prometheusRule\.customRules/, "customRules"],
    [/^spec\.monitoring\.prometheusRule\.labels/, "prometheusRuleLabels"],
    [/^spec\.monitoring\.prometheusRule/, "prometheusRuleEnabled"],
    [/^spec\.monitoring/, "monitoringEnabled"],
    [/^spec\.enableDynamicConfigUpdate/, "dynamicConfig"],
    [/^spec\.aerospikeNetworkPolicy\.accessType/, "accessType"],
    [/^spec\.aerospikeNetworkPolicy\.alternateAccessType/, "alternateAccessType"],
    [/^spec\.aerospikeNetworkPolicy\.fabricType/, "fabricType"],
    [/^spec\.aerospikeNetworkPolicy\.customAccessNetworkNames/, "customAccessNetworkNames"],
    [/^spec\.aerospikeNetworkPolicy\.customAlternateAccessNetworkNames/, "customAlternateAccessNetworkNames"],
    [/^spec\.aerospikeNetworkPolicy\.customFabricNetworkNames/, "customFabricNetworkNames"],
    [/^spec\.aerospikeNetworkPolicy/, "accessType"],
    [/^spec\.networkPolicyConfig\.type/, "networkPolicyType"],
    [/^spec\.networkPolicyConfig/, "networkPolicyEnabled"],
    [/^spec\.seedsFinderServices\.loadBalancer\.port/, "seedsLbPort"],
    [/^spec\.seedsFinderServices\.loadBalancer\.targetPort/, "seedsLbTargetPort"],
    [/^spec\.seedsFinderServices\.loadBalancer\.externalTrafficPolicy/, "seedsLbExternalTrafficPolicy"],
    [/^spec\.seedsFinderServices\.loadBalancer\.annotations/, "seedsLbAnnotations"],
    [/^spec\.seedsFinderServices\.loadBalancer\.labels/, "seedsLbLabels"],
    [/^spec\.seedsFinderServices\.loadBalancer\.loadBalancerSourceRanges/, "seedsLbSourceRanges"],
    [/^spec\.seedsFinderServices/, "seedsLbEnabled"],
    [/^spec\.podSpec\.aerospikeContainer\.resources\.requests\.cpu/, "cpuRequest"],
    [/^spec\.podSpec\.aerospikeContainer\.resources\.requests\.memory/, "memoryRequest"],
    [/^spec\.podSpec\.aerospikeContainer\.resources\.limits\.cpu/, "cpuLimit"],
    [/^spec\.podSpec\.aerospikeContainer\.resources\.limits\.memory/, "memoryLimit"],
    [/^spec\.podSpec\.aerospikeContainer/, "cpuRequest"],
    [/^spec\.rollingUpdateBatchSize/, "rollingUpdateBatchSize"],
    [/^spec\.maxUnavailable/, "maxUnavailable"],
    [/^spec\.disablePDB/, "disablePDB"],
    [/^spec\.rackConfig\.namespaces/, "rackNamespaces"],
    [/^spec\.rackConfig\.maxIgnorablePods/, "maxIgnorablePods"],
    [/^spec\.rackConfig\.rollingUpdateBatchSize/, "rackRollingUpdateBatchSize"],
    [/^spec\.rackConfig\.scaleDownBatchSize/, "scaleDownBatchSize"],
    [/^spec\.rackConfig/, "racks"],
    [/^spec\.podSpec\.podManagementPolicy/, "podManagementPolicy"],
    [/^spec\.podSpec\.dnsPolicy/, "dnsPolicy"],
    [/^spec\.podSpec\.readinessGateEnabled/, "readinessGate"],
    [/^spec\.podSpec\.metadata\.labels/, "podLabels"],
    [/^spec\.podSpec\.metadata/, "podAnnotations"],
    [/^spec\.headlessService\.metadata\.labels/, "headlessLabels"],
    [/^spec\.headlessService/, "headlessAnnotations"],
    [/^spec\.podService\.serviceType/, "podServiceType"],
    [/^spec\.podService\.metadata\.labels/, "podServiceLabels"],
    [/^spec\.podService/, "podServiceAnnotations"],
    [/^spec\.bandwidthConfig\.ingress/, "bandwidthIngress"],
    [/^spec\.bandwidthConfig/, "bandwidthEgress"],
    [/^spec\.k8sNodeBlockList/, "nodeBlockList"],
    [/^spec\.validationPolicy/, "skipWorkDirValidate"],
    [/^spec\.podSpec\.nodeSelector/, "nodeSelector"],
    [/^spec\.podSpec\.tolerations/, "tolerations"],
    [/^spec\.podSpec\.hostNetwork/, "hostNetwork"],
    [/^spec\.podSpec\.multiPodPerHost/, "multiPodPerHost"],
    [/^spec\.podSpec\.imagePullSecrets/, "imagePullSecrets"],
    [/^spec\.podSpec\.serviceAccountName/, "serviceAccountName"],
    [/^spec\.podSpec\.terminationGracePeriodSeconds/, "terminationGracePeriod"],
    [/^spec\.podSpec\.sidecars/, "sidecars"],
    [/^spec\.podSpec\.initContainers/, "initContainers"],
    [/^spec\.podSpec\.securityContext/, "securityContext"],
    [/^spec\.podSpec\.topologySpreadConstraints/, "topologySpreadConstraints"],
  ];
  for (const [re, f] of table) if (re.test(p)) return f;
  return null;
}

/** Server field errors spread onto wizard fields; the rest (no wizard field) are `other`. */
export function mapServerErrors(errors: ReadonlyArray<{ field: string; message: string }>) {
  const byField: Partial<Record<ErrorKey, string[]>> = {};
  const other: Array<{ field: string; message: string }> = [];
  for (const e of errors) {
    const f = fieldOfPath(e.field);
    if (f) (byField[f] ??= []).push(e.message);
    else other.push(e);
  }
  return { byField, other };
}

/** Fields of a step that have a problem (including its racks' fields). */
export const stepProblems = (step: number, problems: Problems): ErrorKey[] =>
  (Object.keys(problems) as ErrorKey[]).filter((k) => {
    const field = (k.startsWith("racks.") ? "racks" : k) as WizardField;
    return (STEPS[step]!.fields as readonly WizardField[]).includes(field);
  });
