/** Test fixtures typed with the generated OpenAPI types (a shape change fails `tsc`). */
import type { ClusterDetail, ClusterHealth, ClusterList, ConfigDrift, EventList, ReconciliationStatus, TemplateDetail } from "./api";
import type { components } from "../../api/schema.gen";

type TemplateList = components["schemas"]["TemplateList"];

export const NOW = Date.parse("2026-01-10T12:00:00Z");

export const clusterList: ClusterList = {
  items: [
    { name: "alpha", namespace: "db", size: 3, image: "aerospike:ce-8.1.2.0", phase: "Completed", phaseReason: null, health: "3/3", templateRef: "prod-defaults", templateSynced: false, paused: false, transitional: false, createdAt: "2026-01-08T12:00:00Z" },
    { name: "beta", namespace: "db", size: 4, image: "aerospike:ce-8.1.2.0", phase: "ScalingUp", phaseReason: "adding 1 pod", health: "3/4", templateRef: null, paused: false, transitional: true, createdAt: "2026-01-10T11:30:00Z" },
    { name: "gamma", namespace: "qa", size: 2, image: "aerospike:ce-8.1.2.0", phase: "BackoffActive", phaseReason: "5 failures in a row", health: null, templateRef: null, paused: false, transitional: false, createdAt: null },
  ],
};

const pod = (i: number, hash: string, extra: Record<string, unknown> = {}) => ({
  name: `alpha-0-${i}`,
  phase: "Running",
  ready: i !== 2,
  podIP: `10.0.0.${10 + i}`,
  hostIP: `192.168.1.${i}`,
  nodeName: `node-${i}`,
  rack: 1,
  image: "aerospike:ce-8.1.2.0",
  restarts: 0,
  containers: ["aerospike-server", "exporter"],
  configHash: hash,
  podSpecHash: "podspec1234567",
  operatorStatus: { readinessGateSatisfied: i !== 2, lastRestartReason: "ConfigChanged", lastRestartTime: "2026-01-10T11:00:00Z", ...extra },
  startedAt: "2026-01-08T12:00:00Z",
});

export const clusterDetail: ClusterDetail = {
  name: "alpha",
  namespace: "db",
  resourceVersion: "42",
  generation: 3,
  createdAt: "2026-01-08T12:00:00Z",
  labels: {},
  annotations: {},
  spec: { size: 3, image: "aerospike:ce-8.1.2.0", paused: false },
  status: {
    phase: "RollingRestart",
    phaseReason: "restarting alpha-0-2 (config changed)",
    health: "2/3",
    size: 3,
    operationStatus: { id: "warm-1", kind: "WarmRestart", phase: "InProgress", completedPods: ["alpha-0-0"], failedPods: [] },
    templateSnapshot: { name: "prod-defaults", resourceVersion: "7", synced: false, snapshotTimestamp: "2026-01-09T12:00:00Z" },
  },
  pods: [pod(0, "confighashAAAA"), pod(1, "confighashAAAA"), pod(2, "confighashBBBB", { unstableSince: "2026-01-10T11:55:00Z" })],
  transitional: true,
  profileIds: [],
};

export const health: ClusterHealth = {
  phase: "RollingRestart",
  desired: 3,
  pods: 3,
  ready: 2,
  healthy: false,
  aerospikeClusterSize: 3,
  racks: [{ rack: 1, zone: "eu-west-1a", pods: ["alpha-0-0", "alpha-0-1", "alpha-0-2"], ready: 2 }],
  migration: { inProgress: true, remainingPartitions: 512, lastChecked: "2026-01-10T11:59:00Z" },
  conditions: [
    { type: "Available", status: "True", reason: "AllPodsServing", message: "3 pods serve", lastTransitionTime: "2026-01-08T12:05:00Z" },
    { type: "ConfigApplied", status: "False", reason: "RollingRestart", message: "1 pod runs an older configuration", lastTransitionTime: "2026-01-10T11:50:00Z" },
  ],
  podList: [],
};

export const drift: ConfigDrift = {
  drifted: true,
  appliedSpecKnown: true,
  fields: [{ path: "spec.aerospikeConfig.service.proto-fd-max", desired: 20000, applied: 15000 }],
  hashGroups: [
    { configHash: "confighashAAAA", podSpecHash: "podspec1234567", pods: ["alpha-0-0", "alpha-0-1"] },
    { configHash: "confighashBBBB", podSpecHash: "podspec1234567", pods: ["alpha-0-2"] },
  ],
  generation: 3,
  observedGeneration: 2,
};

export const reconciliation: ReconciliationStatus = {
  state: "degraded",
  failedReconcileCount: 2,
  threshold: 5,
  lastReconcileError: "pod alpha-0-2 not ready after 300s",
  lastReconcileTime: "2026-01-10T11:58:00Z",
  backoffSeconds: 0,
  nextRetryAt: null,
  resetRequested: false,
  condition: null,
  phase: "RollingRestart",
};

export const events: EventList = {
  items: [
    { type: "Normal", category: "RollingRestart", reason: "PodRestarted", message: "warm restart of alpha-0-0", count: 1, firstTimestamp: "2026-01-10T11:50:00Z", lastTimestamp: "2026-01-10T11:50:00Z", objectKind: "AerospikeCluster", objectName: "alpha", source: "acko-operator" },
    { type: "Warning", category: "CircuitBreaker", reason: "ReconcileBackoff", message: "backing off 20s", count: 2, firstTimestamp: "2026-01-10T11:40:00Z", lastTimestamp: "2026-01-10T11:45:00Z", objectKind: "AerospikeCluster", objectName: "alpha", source: "acko-operator" },
    { type: "Normal", category: "Scaling", reason: "ScaledUp", message: "size 2 → 3", count: 1, firstTimestamp: "2026-01-09T10:00:00Z", lastTimestamp: "2026-01-09T10:00:00Z", objectKind: "AerospikeCluster", objectName: "alpha", source: "acko-operator" },
  ],
  counts: [
    { category: "RollingRestart", label: "Rolling Restart", count: 1 },
    { category: "CircuitBreaker", label: "Circuit Breaker", count: 1 },
    { category: "Scaling", label: "Scaling", count: 1 },
  ],
};

export const templateList: TemplateList = {
  items: [
    { name: "prod-defaults", description: "3 nodes, persistent storage", image: "aerospike:ce-8.1.2.0", size: 3, usedBy: [{ namespace: "db", name: "alpha" }], createdAt: "2026-01-01T00:00:00Z" },
    { name: "scratch", description: null, image: null, size: null, usedBy: [], createdAt: "2026-01-02T00:00:00Z" },
  ],
};

export const templateDetail: TemplateDetail = {
  name: "prod-defaults",
  resourceVersion: "7",
  createdAt: "2026-01-01T00:00:00Z",
  spec: { image: "aerospike:ce-8.1.2.0", size: 3 },
  status: null,
  usedBy: [{ namespace: "db", name: "alpha" }],
};
