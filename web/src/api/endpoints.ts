/**
 * Every REST call the UI makes, in one file, so the paths are checked against the OpenAPI snapshot
 * in one place. Query keys are grouped per profile so switching profile never shows stale data.
 */
import { api, requestRaw, requestText, seg } from "./http";
import type {
  AerospikeRole,
  AerospikeUser,
  ConfirmToken,
  ConnectionStatus,
  ImportResult,
  IndexCreate,
  Health,
  InfoResponse,
  MetricsHistory,
  NamespaceView,
  NodeView,
  Profile,
  ProfileBundle,
  ProfileInput,
  QueryRequest,
  RecordData,
  RecordPage,
  RecordWrite,
  WireKeyType,
  SecondaryIndex,
  SetView,
  UdfExecute,
  UdfModule,
  UdfSource,
} from "./types";

const c = (id: number | string) => `/clusters/${seg(id)}`;
const setPath = (id: number, ns: string, set: string) => `${c(id)}/namespaces/${seg(ns)}/sets/${seg(set)}`;

export const keys = {
  profiles: ["profiles"] as const,
  status: (id: number) => ["status", id] as const,
  health: ["health"] as const,
  nodeViews: (id: number) => ["cluster", id, "nodeViews"] as const,
  metrics: (id: number) => ["cluster", id, "metrics"] as const,
  namespaces: (id: number) => ["cluster", id, "namespaces"] as const,
  sets: (id: number, ns: string) => ["cluster", id, "sets", ns] as const,
  records: (id: number, ns: string, set: string, cursor: string | null, size: number) =>
    ["cluster", id, "records", ns, set, cursor, size] as const,
  record: (id: number, ns: string, set: string, pk: string) => ["cluster", id, "record", ns, set, pk] as const,
  indexes: (id: number) => ["cluster", id, "indexes"] as const,
  udfs: (id: number) => ["cluster", id, "udfs"] as const,
  udf: (id: number, name: string) => ["cluster", id, "udf", name] as const,
  users: (id: number) => ["cluster", id, "users"] as const,
  roles: (id: number) => ["cluster", id, "roles"] as const,
};

export const endpoints = {
  health: () => api.get<Health>("/api/health"),

  // connections
  listProfiles: () => api.get<Profile[]>("/profiles"),
  createProfile: (p: ProfileInput) => api.post<Profile>("/profiles", p),
  updateProfile: (id: number, p: ProfileInput) => api.put<Profile>(`/profiles/${seg(id)}`, p),
  deleteProfile: (id: number) => api.del<void>(`/profiles/${seg(id)}`),
  testProfile: (p: ProfileInput) => api.post<ConnectionStatus>("/profiles/test", p),
  profileStatus: (id: number) => api.get<ConnectionStatus>(`/profiles/${seg(id)}/status`),
  exportProfiles: (includePasswords = false) => api.get<ProfileBundle>("/profiles/export", { query: { includePasswords } }),
  importProfiles: (b: ProfileBundle, onConflict: "skip" | "replace" = "skip") =>
    api.post<ImportResult>("/profiles/import", b, { query: { onConflict } }),

  // cluster
  nodeViews: (id: number) => api.get<NodeView[]>(`${c(id)}/nodes`),
  metricsHistory: (id: number, since?: number) => api.get<MetricsHistory>(`${c(id)}/metrics`, { query: { since } }),
  metricsStreamUrl: (id: number) => `/api/v1${c(id)}/metrics/stream`,
  namespaces: (id: number) => api.get<NamespaceView[]>(`${c(id)}/namespaces`),
  namespace: (id: number, ns: string) => api.get<NamespaceView>(`${c(id)}/namespaces/${seg(ns)}`),
  sets: (id: number, ns: string) => api.get<SetView[]>(`${c(id)}/namespaces/${seg(ns)}/sets`),
  /** Truncate is two steps: a short-lived token (with the object count), then the truncate itself. */
  truncateToken: (id: number, ns: string, set: string) =>
    api.post<ConfirmToken>(`${c(id)}/namespaces/${seg(ns)}/sets/${seg(set)}/truncate-token`),
  truncateSet: async (id: number, ns: string, set: string) => {
    const t = await endpoints.truncateToken(id, ns, set);
    return api.post<void>(`${c(id)}/namespaces/${seg(ns)}/sets/${seg(set)}/truncate`, { confirmToken: t.token });
  },

  // records (keys travel as text + how to read it)
  scan: (id: number, ns: string, set: string, cursor: string | null, pageSize: number, signal?: AbortSignal) =>
    api.get<RecordPage>(`${setPath(id, ns, set)}/records`, {
      query: { cursor, pageSize },
      ...(signal ? { signal } : {}),
    }),
  getRecord: (id: number, ns: string, set: string, key: string, keyType: WireKeyType) =>
    api.get<RecordData>(`${setPath(id, ns, set)}/record`, { query: { key, keyType } }),
  putRecord: (id: number, ns: string, set: string, w: RecordWrite) => api.put<RecordData>(`${setPath(id, ns, set)}/record`, w),
  deleteRecord: (id: number, ns: string, set: string, key: string, keyType: WireKeyType) =>
    api.del<void>(`${setPath(id, ns, set)}/record`, { query: { key, keyType } }),
  deleteBin: (id: number, ns: string, set: string, key: string, keyType: WireKeyType, bin: string) =>
    api.del<RecordData>(`${setPath(id, ns, set)}/record/bins/${seg(bin)}`, { query: { key, keyType } }),

  // query
  query: (id: number, q: QueryRequest, signal?: AbortSignal) =>
    api.post<RecordPage>(`${c(id)}/query`, q, signal ? { signal } : {}),
  queryExport: (id: number, q: QueryRequest, format: "ndjson" | "csv") =>
    requestRaw("POST", `${c(id)}/export`, { body: q, query: { format } }),

  // indexes
  indexes: (id: number) => api.get<SecondaryIndex[]>(`${c(id)}/indexes`),
  createIndex: (id: number, i: IndexCreate) => api.post<SecondaryIndex>(`${c(id)}/indexes`, i),
  dropIndex: (id: number, ns: string, name: string) => api.del<void>(`${c(id)}/indexes/${seg(ns)}/${seg(name)}`),

  // udfs
  udfs: (id: number) => api.get<UdfModule[]>(`${c(id)}/udfs`),
  udfSource: (id: number, name: string) => api.get<UdfSource>(`${c(id)}/udfs/${seg(name)}`),
  uploadUdf: (id: number, name: string, content: string) => api.put<UdfModule>(`${c(id)}/udfs/${seg(name)}`, { content }),
  deleteUdf: (id: number, name: string) => api.del<void>(`${c(id)}/udfs/${seg(name)}`),
  executeUdf: (id: number, filename: string, e: UdfExecute) =>
    api.post<{ result: unknown }>(`${c(id)}/udfs/${seg(filename)}/execute`, e),

  // admin (Enterprise only)
  users: (id: number) => api.get<AerospikeUser[]>(`${c(id)}/users`),
  roles: (id: number) => api.get<AerospikeRole[]>(`${c(id)}/roles`),

  // info console (the server refuses state-changing commands unless started with --allow-info-writes)
  info: (id: number, command: string, node: string | null) =>
    api.post<InfoResponse>(`${c(id)}/info`, node ? { command, node } : { command }),
};

export { requestText };
export type { RecordData };
