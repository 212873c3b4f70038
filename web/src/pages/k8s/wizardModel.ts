/**
 * The create wizard's model: every field of the seed's nine steps, as the form holds them
 * (text for inputs, booleans for checkboxes). Pure data; the mapping to and from the CRD spec is
 * in wizardMap.ts, validation in wizardValidate.ts.
 *
 * Text conventions of the multi-value fields (parsed by wizardMap.ts):
 * - maps (labels, annotations, node selectors, env): one `key=value` per line;
 * - lists (names, CIDRs, StorageClasses): separated by commas or new lines;
 * - tolerations: one per line, `key[=value][:Effect]` (no value: operator `Exists`);
 * - free-form objects (custom rules, sidecars, affinity, aerospikeConfig overrides): JSON.
 */

export type StorageKind = "memory" | "persistent";
/** "" = leave unset (the operator's default). */
export type TriState = "" | "true" | "false";

export interface RackModel {
  id: string;
  zone: string;
  region: string;
  nodeName: string;
  rackLabel: string;
  /** PodDisruptionBudget of the rack (integer or percentage). */
  maxUnavailable: string;
  /** Per-rack storage override ("" = the cluster's). */
  storageClass: string;
  volumeSize: string;
  tolerations: string;
  nodeSelector: string;
  /** JSON object: node/pod affinity of the rack. */
  affinity: string;
  /** JSON object deep-merged over spec.aerospikeConfig for this rack. */
  aerospikeConfig: string;
}

export interface WizardModel {
  // 1. Basic
  name: string;
  namespace: string;
  size: string;
  image: string;
  // 2. Namespace & Storage
  nsName: string;
  replicationFactor: string;
  storage: StorageKind;
  /** Data size of the Aerospike namespace, GiB. */
  dataSizeGi: string;
  storageClass: string;
  volumeSize: string;
  volumeInitMethod: string;
  volumeWipeMethod: string;
  volumeCascadeDelete: TriState;
  cleanupThreads: string;
  fsInitMethod: string;
  fsWipeMethod: string;
  fsCascadeDelete: boolean;
  blockInitMethod: string;
  blockWipeMethod: string;
  blockCascadeDelete: boolean;
  localStorageClasses: string;
  deleteLocalStorageOnRestart: boolean;
  // 3. Monitoring & Options
  monitoringEnabled: boolean;
  exporterImage: string;
  exporterPort: string;
  metricLabels: string;
  exporterCpuRequest: string;
  exporterMemoryRequest: string;
  exporterCpuLimit: string;
  exporterMemoryLimit: string;
  exporterEnv: string;
  serviceMonitorEnabled: boolean;
  serviceMonitorInterval: string;
  serviceMonitorLabels: string;
  prometheusRuleEnabled: boolean;
  prometheusRuleLabels: string;
  customRules: string;
  templateRef: string;
  dynamicConfig: boolean;
  accessType: string;
  alternateAccessType: string;
  fabricType: string;
  customAccessNetworkNames: string;
  customAlternateAccessNetworkNames: string;
  customFabricNetworkNames: string;
  networkPolicyEnabled: boolean;
  networkPolicyType: "kubernetes" | "cilium";
  seedsLbEnabled: boolean;
  seedsLbPort: string;
  seedsLbTargetPort: string;
  seedsLbExternalTrafficPolicy: string;
  seedsLbAnnotations: string;
  seedsLbLabels: string;
  seedsLbSourceRanges: string;
  // 4. Resources
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  autoConnect: boolean;
  // 5. Security: Community Edition has no access control; nothing to collect.
  // 6. Rolling Update
  rollingUpdateBatchSize: string;
  maxUnavailable: string;
  disablePDB: boolean;
  // 7. Rack Config
  racks: RackModel[];
  rackNamespaces: string;
  maxIgnorablePods: string;
  rackRollingUpdateBatchSize: string;
  scaleDownBatchSize: string;
  // 8. Advanced
  podManagementPolicy: string;
  dnsPolicy: string;
  readinessGate: TriState;
  podLabels: string;
  podAnnotations: string;
  headlessAnnotations: string;
  headlessLabels: string;
  podServiceEnabled: boolean;
  podServiceType: string;
  podServiceAnnotations: string;
  podServiceLabels: string;
  bandwidthIngress: string;
  bandwidthEgress: string;
  nodeBlockList: string;
  skipWorkDirValidate: boolean;
  nodeSelector: string;
  tolerations: string;
  hostNetwork: boolean;
  multiPodPerHost: TriState;
  imagePullSecrets: string;
  serviceAccountName: string;
  terminationGracePeriod: string;
  sidecars: string;
  initContainers: string;
  securityContext: string;
  topologySpreadConstraints: string;
}

export type WizardField = keyof WizardModel;

export const EMPTY_RACK: RackModel = {
  id: "",
  zone: "",
  region: "",
  nodeName: "",
  rackLabel: "",
  maxUnavailable: "",
  storageClass: "",
  volumeSize: "",
  tolerations: "",
  nodeSelector: "",
  affinity: "",
  aerospikeConfig: "",
};

export const DEFAULT_MODEL: WizardModel = {
  name: "",
  namespace: "default",
  size: "3",
  image: "aerospike:ce-8.1.2.0",
  nsName: "test",
  replicationFactor: "2",
  storage: "memory",
  dataSizeGi: "1",
  storageClass: "",
  volumeSize: "20Gi",
  volumeInitMethod: "",
  volumeWipeMethod: "",
  volumeCascadeDelete: "",
  cleanupThreads: "",
  fsInitMethod: "",
  fsWipeMethod: "",
  fsCascadeDelete: false,
  blockInitMethod: "",
  blockWipeMethod: "",
  blockCascadeDelete: false,
  localStorageClasses: "",
  deleteLocalStorageOnRestart: false,
  monitoringEnabled: false,
  exporterImage: "",
  exporterPort: "",
  metricLabels: "",
  exporterCpuRequest: "",
  exporterMemoryRequest: "",
  exporterCpuLimit: "",
  exporterMemoryLimit: "",
  exporterEnv: "",
  serviceMonitorEnabled: false,
  serviceMonitorInterval: "",
  serviceMonitorLabels: "",
  prometheusRuleEnabled: false,
  prometheusRuleLabels: "",
  customRules: "",
  templateRef: "",
  dynamicConfig: false,
  accessType: "",
  alternateAccessType: "",
  fabricType: "",
  customAccessNetworkNames: "",
  customAlternateAccessNetworkNames: "",
  customFabricNetworkNames: "",
  networkPolicyEnabled: false,
  networkPolicyType: "kubernetes",
  seedsLbEnabled: false,
  seedsLbPort: "",
  seedsLbTargetPort: "",
  seedsLbExternalTrafficPolicy: "",
  seedsLbAnnotations: "",
  seedsLbLabels: "",
  seedsLbSourceRanges: "",
  cpuRequest: "",
  memoryRequest: "",
  cpuLimit: "",
  memoryLimit: "",
  autoConnect: true,
  rollingUpdateBatchSize: "",
  maxUnavailable: "",
  disablePDB: false,
  racks: [],
  rackNamespaces: "",
  maxIgnorablePods: "",
  rackRollingUpdateBatchSize: "",
  scaleDownBatchSize: "",
  podManagementPolicy: "",
  dnsPolicy: "",
  readinessGate: "",
  podLabels: "",
  podAnnotations: "",
  headlessAnnotations: "",
  headlessLabels: "",
  podServiceEnabled: false,
  podServiceType: "",
  podServiceAnnotations: "",
  podServiceLabels: "",
  bandwidthIngress: "",
  bandwidthEgress: "",
  nodeBlockList: "",
  skipWorkDirValidate: false,
  nodeSelector: "",
  tolerations: "",
  hostNetwork: false,
  multiPodPerHost: "",
  imagePullSecrets: "",
  serviceAccountName: "",
  terminationGracePeriod: "",
  sidecars: "",
  initContainers: "",
  securityContext: "",
  topologySpreadConstraints: "",
};

export const STEPS = [
  { id: "basic", label: "Basic", fields: ["name", "namespace", "size", "image"] },
  {
    id: "storage",
    label: "Namespace & Storage",
    fields: [
      "nsName", "replicationFactor", "storage", "dataSizeGi", "storageClass", "volumeSize", "volumeInitMethod", "volumeWipeMethod",
      "volumeCascadeDelete", "cleanupThreads", "fsInitMethod", "fsWipeMethod", "fsCascadeDelete", "blockInitMethod", "blockWipeMethod",
      "blockCascadeDelete", "localStorageClasses", "deleteLocalStorageOnRestart",
    ],
  },
  {
    id: "monitoring",
    label: "Monitoring & Options",
    fields: [
      "monitoringEnabled", "exporterImage", "exporterPort", "metricLabels", "exporterCpuRequest", "exporterMemoryRequest", "exporterCpuLimit",
      "exporterMemoryLimit", "exporterEnv", "serviceMonitorEnabled", "serviceMonitorInterval", "serviceMonitorLabels", "prometheusRuleEnabled",
      "prometheusRuleLabels", "customRules", "templateRef", "dynamicConfig", "accessType", "alternateAccessType", "fabricType",
      "customAccessNetworkNames", "customAlternateAccessNetworkNames", "customFabricNetworkNames", "networkPolicyEnabled", "networkPolicyType",
      "seedsLbEnabled", "seedsLbPort", "seedsLbTargetPort", "seedsLbExternalTrafficPolicy", "seedsLbAnnotations", "seedsLbLabels", "seedsLbSourceRanges",
    ],
  },
  { id: "resources", label: "Resources", fields: ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit", "autoConnect"] },
  { id: "security", label: "Security (ACL)", fields: [] },
  { id: "rolling", label: "Rolling Update", fields: ["rollingUpdateBatchSize", "maxUnavailable", "disablePDB"] },
  { id: "racks", label: "Rack Config", fields: ["racks", "rackNamespaces", "maxIgnorablePods", "rackRollingUpdateBatchSize", "scaleDownBatchSize"] },
  {
    id: "advanced",
    label: "Advanced",
    fields: [
      "podManagementPolicy", "dnsPolicy", "readinessGate", "podLabels", "podAnnotations", "headlessAnnotations", "headlessLabels",
      "podServiceEnabled", "podServiceType", "podServiceAnnotations", "podServiceLabels", "bandwidthIngress", "bandwidthEgress", "nodeBlockList",
      "skipWorkDirValidate", "nodeSelector", "tolerations", "hostNetwork", "multiPodPerHost", "imagePullSecrets", "serviceAccountName",
      "terminationGracePeriod", "sidecars", "initContainers", "securityContext", "topologySpreadConstraints",
    ],
  },
  { id: "review", label: "Review", fields: [] },
] as const satisfies ReadonlyArray<{ id: string; label: string; fields: readonly WizardField[] }>;

/** An error key: a model field, or `racks.<index>.<rack field>` for one rack's field. */
export type ErrorKey = WizardField | `racks.${number}.${keyof RackModel}`;
export type Problems = Partial<Record<ErrorKey, string>>;

/** The step that holds a field (or a rack's field). */
export function stepOf(key: ErrorKey): number {
  const field = (key.startsWith("racks.") ? "racks" : key) as WizardField;
  return STEPS.findIndex((s) => (s.fields as readonly WizardField[]).includes(field));
}

export const VOLUME_INIT_METHODS = ["none", "deleteFiles", "dd", "blkdiscard", "headerCleanup"] as const;
export const VOLUME_WIPE_METHODS = [...VOLUME_INIT_METHODS, "blkdiscardWithHeaderCleanup"] as const;
export const ACCESS_TYPES = ["pod", "hostInternal", "hostExternal", "configuredIP"] as const;
export const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"] as const;
export const POD_SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer"] as const;
