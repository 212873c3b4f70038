/**
 * The Kubernetes management endpoints (`/api/v1/k8s/...`) over the typed client. Kept out of
 * src/api/endpoints.ts so that it is part of the lazily loaded K8s chunk only.
 */
import { client, unwrap } from "../../api/client";
import { requestText } from "../../api/http";
import type { components } from "../../api/schema.gen";

type S = components["schemas"];

export type ClusterSummary = S["ClusterSummary"];
export type ClusterList = S["ClusterList"];
export type ClusterDetail = Omit<S["ClusterDetail"], "pods"> & { pods: PodInfo[] };
/** `operatorStatus` is a free-form object in the OpenAPI document: narrowed to what the UI reads. */
export type PodInfo = Omit<S["PodInfo"], "operatorStatus"> & { operatorStatus?: OperatorPodStatus | null };
export type ClusterHealth = S["ClusterHealth"];
/** `desired`/`applied` are any JSON value (the document types them as free-form objects). */
export type DriftField = Omit<S["DriftField"], "desired" | "applied"> & { desired: unknown; applied: unknown };
export type ConfigDrift = Omit<S["ConfigDrift"], "fields"> & { fields: DriftField[] };
export type ReconciliationStatus = S["ReconciliationStatus"];
export type ConditionView = S["ConditionView"];
export type EventList = S["EventList"];
export type ClusterEvent = S["ClusterEvent"];
export type EventCategory = S["EventCategory"];
export type ClusterStatus = S["AerospikeClusterStatus"];
export type TemplateSummary = S["TemplateSummary"];
export type TemplateDetail = S["TemplateDetail"];
export type HpaView = S["HpaView"];
export type HpaRequest = S["HpaRequest"];
export type NodeItem = S["NodeItem"];
export type CreateTemplate = S["CreateTemplate"];

/**
 * The operator's per-pod status (`status.pods[name]`; the OpenAPI document types it as a free
 * object). Only the fields the UI reads.
 */
export interface OperatorPodStatus {
  readinessGateSatisfied?: boolean;
  accessEndpoints?: string[];
  unstableSince?: string;
  lastRestartReason?: string;
  lastRestartTime?: string;
  dynamicConfigStatus?: string;
}
export const operatorStatus = (p: PodInfo): OperatorPodStatus => p.operatorStatus ?? {};

/** A free-form JSON object for a body field the document types as `object` without properties
 * (openapi-typescript renders those as `Record<string, never>`). */
const freeForm = (v: Record<string, unknown>) => v as Record<string, never>;

export type OperationKind = "WarmRestart" | "PodRestart";

const cp = (namespace: string, name: string) => ({ params: { path: { namespace, name } } });

export const k8sKeys = {
  clusters: ["k8s", "clusters"] as const,
  templates: ["k8s", "templates"] as const,
  template: (name: string) => ["k8s", "template", name] as const,
  cluster: (ns: string, name: string) => ["k8s", "cluster", ns, name] as const,
  part: (ns: string, name: string, part: string) => ["k8s", "cluster", ns, name, part] as const,
};

export const k8s = {
  clusters: () => unwrap(client.GET("/api/v1/k8s/clusters")),
  cluster: (ns: string, name: string): Promise<ClusterDetail> =>
    unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}", cp(ns, name))) as Promise<ClusterDetail>,
  health: (ns: string, name: string) => unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}/health", cp(ns, name))),
  drift: (ns: string, name: string): Promise<ConfigDrift> => unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}/config-drift", cp(ns, name))),
  reconciliation: (ns: string, name: string) =>
    unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}/reconciliation-status", cp(ns, name))),
  resyncTemplate: (ns: string, name: string) => unwrap(client.POST("/api/v1/k8s/clusters/{namespace}/{name}/resync-template", cp(ns, name))),
  resetBreaker: (ns: string, name: string) =>
    unwrap(client.POST("/api/v1/k8s/clusters/{namespace}/{name}/reconciliation-status/reset", cp(ns, name))),
  events: (ns: string, name: string) => unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}/events", cp(ns, name))),
  scale: (ns: string, name: string, size: number, resourceVersion?: string | null) =>
    unwrap(
      client.POST("/api/v1/k8s/clusters/{namespace}/{name}/scale", {
        ...cp(ns, name),
        body: { size, ...(resourceVersion ? { resourceVersion } : {}) },
      }),
    ),
  setPaused: (ns: string, name: string, paused: boolean, resourceVersion?: string | null) =>
    unwrap(
      client.PATCH("/api/v1/k8s/clusters/{namespace}/{name}", {
        ...cp(ns, name),
        body: { spec: freeForm({ paused }), ...(resourceVersion ? { resourceVersion } : {}) },
      }),
    ),
  remove: (ns: string, name: string) => unwrap(client.DELETE("/api/v1/k8s/clusters/{namespace}/{name}", cp(ns, name))),
  operation: (ns: string, name: string, kind: OperationKind, podList?: string[]) =>
    unwrap(
      client.POST("/api/v1/k8s/clusters/{namespace}/{name}/operations", {
        ...cp(ns, name),
        body: { kind, ...(podList && podList.length ? { podList } : {}) },
      }),
    ),
  templates: () => unwrap(client.GET("/api/v1/k8s/templates")),
  createTemplate: (body: S["CreateTemplate"]) => unwrap(client.POST("/api/v1/k8s/templates", { body })),
  /** JSON merge patch of the spec (only what changed). */
  patch: (ns: string, name: string, spec: Record<string, unknown>, resourceVersion?: string | null) =>
    unwrap(
      client.PATCH("/api/v1/k8s/clusters/{namespace}/{name}", {
        ...cp(ns, name),
        body: { spec: freeForm(spec), ...(resourceVersion ? { resourceVersion } : {}) },
      }),
    ),
  hpa: (ns: string, name: string) => unwrap(client.GET("/api/v1/k8s/clusters/{namespace}/{name}/hpa", cp(ns, name))),
  putHpa: (ns: string, name: string, body: S["HpaRequest"]) => unwrap(client.POST("/api/v1/k8s/clusters/{namespace}/{name}/hpa", { ...cp(ns, name), body })),
  deleteHpa: (ns: string, name: string) => unwrap(client.DELETE("/api/v1/k8s/clusters/{namespace}/{name}/hpa", cp(ns, name))),
  nodes: () => unwrap(client.GET("/api/v1/k8s/nodes")),
  secrets: (namespace?: string) => unwrap(client.GET("/api/v1/k8s/secrets", namespace ? { params: { query: { namespace } } } : {})),
  create: (body: S["CreateCluster"]) => unwrap(client.POST("/api/v1/k8s/clusters", { body })),
  k8sNamespaces: () => unwrap(client.GET("/api/v1/k8s/namespaces")),
  storageClasses: () => unwrap(client.GET("/api/v1/k8s/storageclasses")),
  template: (name: string) => unwrap(client.GET("/api/v1/k8s/templates/{name}", { params: { path: { name } } })),
  removeTemplate: (name: string) => unwrap(client.DELETE("/api/v1/k8s/templates/{name}", { params: { path: { name } } })),
  /** Log text of a pod (plain text, so not through the JSON client). */
  logs: (ns: string, name: string, pod: string, tailLines: number, container?: string) =>
    requestText("GET", `/k8s/clusters/${enc(ns)}/${enc(name)}/pods/${enc(pod)}/logs`, { query: { tailLines, container } }),
  logsDownloadUrl: (ns: string, name: string, pod: string, tailLines: number, container?: string) =>
    `/api/v1/k8s/clusters/${enc(ns)}/${enc(name)}/pods/${enc(pod)}/logs?tailLines=${tailLines}&download=true${container ? `&container=${enc(container)}` : ""}`,
  yaml: (ns: string, name: string) => requestText("GET", `/k8s/clusters/${enc(ns)}/${enc(name)}/yaml`),
  yamlDownloadUrl: (ns: string, name: string) => `/api/v1/k8s/clusters/${enc(ns)}/${enc(name)}/yaml?download=true`,
};

const enc = encodeURIComponent;
