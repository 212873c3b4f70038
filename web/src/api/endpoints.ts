/**
 * Every REST call the UI makes, over the typed client: a path, parameter or body that does not
 * match crates/acm/openapi.json fails `tsc`. Query keys are grouped per profile so switching
 * profile never shows stale data.
 */
import { segmentForSet } from "../lib/setSegment";
import type { RecordAddress } from "../pages/records/recordDraft";
import { client, unwrap } from "./client";
import { requestRaw } from "./http";
import type {
  IndexCreate,
  Privilege,
  ProfileBundle,
  ProfileInput,
  QueryRequest,
  RecordData,
  RecordWrite,
  UdfExecute,
  WireKeyType,
} from "./types";

export const keys = {
  profiles: ["profiles"] as const,
  status: (id: number) => ["status", id] as const,
  health: ["health"] as const,
  settings: ["settings"] as const,
  nodeViews: (id: number) => ["cluster", id, "nodeViews"] as const,
  metrics: (id: number) => ["cluster", id, "metrics"] as const,
  namespaces: (id: number) => ["cluster", id, "namespaces"] as const,
  sets: (id: number, ns: string) => ["cluster", id, "sets", ns] as const,
  records: (id: number, ns: string, set: string, cursor: string | null, size: number) =>
    ["cluster", id, "records", ns, set, cursor, size] as const,
  indexes: (id: number) => ["cluster", id, "indexes"] as const,
  udfs: (id: number) => ["cluster", id, "udfs"] as const,
  udf: (id: number, name: string) => ["cluster", id, "udf", name] as const,
  users: (id: number) => ["cluster", id, "users"] as const,
  roles: (id: number) => ["cluster", id, "roles"] as const,
};

/** Path parameters of a set; `set` is the set name ("" = records in no set). */
const setParams = (id: number, ns: string, set: string) => ({ id, ns, set: segmentForSet(set) });

export const endpoints = {
  health: () => unwrap(client.GET("/api/health")),
  settings: () => unwrap(client.GET("/api/v1/settings")),

  // connections
  listProfiles: () => unwrap(client.GET("/api/v1/profiles")),
  createProfile: (body: ProfileInput) => unwrap(client.POST("/api/v1/profiles", { body })),
  updateProfile: (id: number, body: ProfileInput) => unwrap(client.PUT("/api/v1/profiles/{id}", { params: { path: { id } }, body })),
  deleteProfile: (id: number) => unwrap(client.DELETE("/api/v1/profiles/{id}", { params: { path: { id } } })),
  testProfile: (body: ProfileInput) => unwrap(client.POST("/api/v1/profiles/test", { body })),
  profileStatus: (id: number) => unwrap(client.GET("/api/v1/profiles/{id}/status", { params: { path: { id } } })),
  exportProfiles: (includePasswords = false) =>
    unwrap(client.GET("/api/v1/profiles/export", { params: { query: { includePasswords } } })),
  importProfiles: (body: ProfileBundle, onConflict: "skip" | "replace" = "skip") =>
    unwrap(client.POST("/api/v1/profiles/import", { params: { query: { onConflict } }, body })),

  // cluster
  nodeViews: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/nodes", { params: { path: { id } } })),
  metricsHistory: (id: number, since?: number) =>
    unwrap(client.GET("/api/v1/clusters/{id}/metrics", { params: { path: { id }, query: since === undefined ? {} : { since } } })),
  metricsStreamUrl: (id: number) => `/api/v1/clusters/${encodeURIComponent(id)}/metrics/stream`,
  namespaces: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/namespaces", { params: { path: { id } } })),
  namespace: (id: number, ns: string) => unwrap(client.GET("/api/v1/clusters/{id}/namespaces/{ns}", { params: { path: { id, ns } } })),
  sets: (id: number, ns: string) => unwrap(client.GET("/api/v1/clusters/{id}/namespaces/{ns}/sets", { params: { path: { id, ns } } })),
  /** Truncate is two steps: a short-lived token (with the object count), then the truncate itself. */
  truncateSet: async (id: number, ns: string, set: string) => {
    const path = setParams(id, ns, set);
    const t = await unwrap(client.POST("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/truncate-token", { params: { path } }));
    return unwrap(
      client.POST("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/truncate", { params: { path }, body: { confirmToken: t.token } }),
    );
  },

  /** URL of a whole-set export; used as a plain download link so the browser streams it to disk. */
  setExportUrl: (id: number, ns: string, set: string, format: "ndjson" | "csv") =>
    `/api/v1/clusters/${encodeURIComponent(id)}/namespaces/${encodeURIComponent(ns)}/sets/${encodeURIComponent(segmentForSet(set))}/export?format=${format}`,

  // records (keys travel as text + how to read it)
  scan: (id: number, ns: string, set: string, cursor: string | null, pageSize: number, signal?: AbortSignal) =>
    unwrap(
      client.GET("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/records", {
        params: { path: setParams(id, ns, set), query: cursor ? { cursor, pageSize } : { pageSize } },
        ...(signal ? { signal } : {}),
      }),
    ),
  getRecord: (id: number, ns: string, set: string, key: string, keyType: WireKeyType) =>
    unwrap(client.GET("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record", { params: { path: setParams(id, ns, set), query: { key, keyType } } })),
  putRecord: (id: number, ns: string, set: string, body: RecordWrite) =>
    unwrap(client.PUT("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record", { params: { path: setParams(id, ns, set) }, body })),
  /** Records whose key was not stored are addressed by digest. */
  deleteRecord: (id: number, ns: string, set: string, address: RecordAddress) =>
    unwrap(client.DELETE("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record", { params: { path: setParams(id, ns, set), query: address } })),
  deleteBin: (id: number, ns: string, set: string, address: RecordAddress, bin: string) =>
    unwrap(
      client.DELETE("/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record/bins/{bin}", {
        params: { path: { ...setParams(id, ns, set), bin }, query: address },
      }),
    ),

  // query
  query: (id: number, body: QueryRequest, signal?: AbortSignal) =>
    unwrap(client.POST("/api/v1/clusters/{id}/query", { params: { path: { id } }, body, ...(signal ? { signal } : {}) })),
  /** Streams NDJSON or CSV; the caller reads the body (kept raw so large exports are not parsed). */
  queryExport: (id: number, body: QueryRequest, format: "ndjson" | "csv") =>
    requestRaw("POST", `/api/v1/clusters/${encodeURIComponent(id)}/export`, { body, query: { format } }),

  // indexes
  indexes: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/indexes", { params: { path: { id } } })),
  createIndex: (id: number, body: IndexCreate) => unwrap(client.POST("/api/v1/clusters/{id}/indexes", { params: { path: { id } }, body })),
  dropIndex: (id: number, ns: string, name: string) =>
    unwrap(client.DELETE("/api/v1/clusters/{id}/indexes/{ns}/{name}", { params: { path: { id, ns, name } } })),

  // udfs
  udfs: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/udfs", { params: { path: { id } } })),
  udfSource: (id: number, filename: string) => unwrap(client.GET("/api/v1/clusters/{id}/udfs/{filename}", { params: { path: { id, filename } } })),
  uploadUdf: (id: number, filename: string, content: string) =>
    unwrap(client.PUT("/api/v1/clusters/{id}/udfs/{filename}", { params: { path: { id, filename } }, body: { content } })),
  deleteUdf: (id: number, filename: string) => unwrap(client.DELETE("/api/v1/clusters/{id}/udfs/{filename}", { params: { path: { id, filename } } })),
  executeUdf: (id: number, filename: string, body: UdfExecute) =>
    unwrap(client.POST("/api/v1/clusters/{id}/udfs/{filename}/execute", { params: { path: { id, filename } }, body })),

  // admin (Enterprise only: CE answers 409 security_not_supported)
  users: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/users", { params: { path: { id } } })),
  roles: (id: number) => unwrap(client.GET("/api/v1/clusters/{id}/roles", { params: { path: { id } } })),
  createUser: (id: number, body: { user: string; password: string; roles: string[] }) =>
    unwrap(client.POST("/api/v1/clusters/{id}/users", { params: { path: { id } }, body })),
  dropUser: (id: number, user: string) => unwrap(client.DELETE("/api/v1/clusters/{id}/users/{user}", { params: { path: { id, user } } })),
  createRole: (id: number, body: { name: string; privileges: Privilege[] }) =>
    unwrap(client.POST("/api/v1/clusters/{id}/roles", { params: { path: { id } }, body })),
  dropRole: (id: number, role: string) => unwrap(client.DELETE("/api/v1/clusters/{id}/roles/{role}", { params: { path: { id, role } } })),

  // info console (the server refuses state-changing commands unless started with --allow-info-writes)
  info: (id: number, command: string, node: string | null) =>
    unwrap(client.POST("/api/v1/clusters/{id}/info", { params: { path: { id } }, body: node ? { command, node } : { command } })),
};

export type { RecordData };
