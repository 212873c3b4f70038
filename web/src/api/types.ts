/**
 * Shapes of the manager's REST API as the UI uses them. They mirror the server's OpenAPI schemas
 * (crates/acm/openapi.json, generated into `schema.gen.ts`); fields the UI does not need are omitted.
 */

/** A profile as sent to create, update, test or import. */
export interface ProfileInput {
  name: string;
  hosts: string[];
  port?: number;
  clusterName?: string | null;
  user?: string | null;
  password?: string | null;
  color?: string;
  description?: string;
  labels?: Record<string, string>;
  useServicesAlternate?: boolean;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

/** A stored connection profile (never contains the password). */
export interface Profile {
  id: number;
  name: string;
  hosts: string[];
  port: number;
  clusterName?: string | null;
  user?: string | null;
  hasPassword: boolean;
  color: string;
  description: string;
  labels: Record<string, string>;
  useServicesAlternate: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileBundle {
  version: number;
  profiles: ProfileInput[];
}

/** One node as seen by a connection test. */
export interface NodeSummary {
  name: string;
  address: string;
  build?: string | null;
  edition?: string | null;
}

/** Result of a connection test or status check. */
export interface ConnectionStatus {
  connected: boolean;
  clusterName?: string | null;
  communityEdition: boolean;
  nodes: NodeSummary[];
  namespaces: string[];
  elapsedMs: number;
}

/** Outcome of an import. */
export interface ImportResult {
  created: string[];
  replaced: string[];
  skipped: string[];
}

/** One node of the cluster. */
export interface NodeView {
  id: string;
  address: string;
  build?: string | null;
  edition?: string | null;
  clusterName?: string | null;
  uptimeSeconds?: number | null;
  clientConnections?: number | null;
  clusterSize?: number | null;
  clusterKey?: string | null;
  migratePartitionsRemaining?: number | null;
  error?: string | null;
}

/** A namespace aggregated over the nodes. */
export interface NamespaceView {
  name: string;
  nodes: number;
  objects: number;
  replicatedObjects: number;
  tombstones: number;
  replicationFactor?: number | null;
  effectiveReplicationFactor?: number | null;
  storageEngine?: string | null;
  dataUsedBytes: number;
  dataTotalBytes: number;
  dataUsedPctMax?: number | null;
  dataAvailPctMin?: number | null;
  stopWrites: boolean;
  evicting: boolean;
  evictedObjects: number;
  expiredObjects: number;
  defaultTtl?: number | null;
  nsupPeriod?: number | null;
  stopWritesUsedPct?: number | null;
  migratePartitionsRemaining: number;
  sets?: SetView[] | null;
}

/** A set aggregated over the nodes. */
export interface SetView {
  namespace: string;
  name: string;
  objects: number;
  tombstones: number;
  dataUsedBytes: number;
  sindexes: number;
  truncateLut: number;
  stopWritesCount: number;
  defaultTtl?: number | null;
}

/** Token confirming a destructive action (valid a short time). */
export interface ConfirmToken {
  token: string;
  expiresAt: number;
  objects: number;
}

/** Rates of one namespace over one sampling interval. */
export interface NamespaceRates {
  namespace: string;
  readTps: number;
  writeTps: number;
  /** 0..1; 1.0 when idle. */
  readSuccessRate: number;
  writeSuccessRate: number;
  objects: number;
  dataUsedBytes: number;
  dataTotalBytes: number;
}

export interface NodeGauges {
  node: string;
  address: string;
  clientConnections: number;
  uptime: number;
}

/** One metrics sample (history and SSE `sample` events). */
export interface MetricsSample {
  tsMs: number;
  intervalMs: number;
  readTps: number;
  writeTps: number;
  clientConnections: number;
  namespaces: NamespaceRates[];
  nodes: NodeGauges[];
}

export interface MetricsHistory {
  intervalMs: number;
  samples: MetricsSample[];
}

/** Record key as the API returns it. `userKey` is null when the key was not stored. */
export interface RecordKey {
  namespace: string;
  set?: string | null;
  userKey?: unknown;
  digest?: string | null;
}

export interface RecordData {
  key: RecordKey;
  generation: number;
  ttl: number; // seconds until expiry, -1 never
  bins: Record<string, unknown>;
}

export interface RecordPage {
  records: RecordData[];
  nextCursor?: string | null;
  pageSize?: number;
  estimatedTotal?: number | null;
}

/** How the server reads a primary key given as text. */
export type WireKeyType = "string" | "integer" | "bytes" | "auto";

export interface RecordWrite {
  /** Primary key in the lossless encoding. */
  key: unknown;
  /** Bins in the lossless encoding; null removes a bin. */
  bins: Record<string, unknown>;
  /** Seconds; -1 never expire, -2 unchanged, 0 namespace default. */
  ttl?: number;
  /** "upsert" (default), "create" (fail if exists), "update" (fail if missing), "replace". */
  mode?: "upsert" | "create" | "update" | "replace";
  /** Expected generation: the write fails if the record changed since it was read. */
  generation?: number;
}

export interface QueryRequest {
  namespace: string;
  set?: string | null;
  predicate?: IndexPredicate | null;
  filter?: unknown;
  bins?: string[] | null;
  maxRecords?: number | null;
  pageSize?: number;
  cursor?: string | null;
}

export interface IndexPredicate {
  bin: string;
  op: "equals" | "range" | "contains" | "geoWithin" | "geoContains" | "geoWithinRadius";
  value: unknown;
  /** Upper bound of `range`. */
  end?: unknown;
  collection?: IndexCollection | null;
  context?: unknown[] | null;
}

export type IndexKind = "numeric" | "string" | "geo2dsphere" | "blob";
export type IndexCollection = "default" | "list" | "mapkeys" | "mapvalues";

export interface IndexNodeState {
  node: string;
  state: string;
  loadPct?: number | null;
}

export interface SecondaryIndex {
  namespace: string;
  name: string;
  set?: string | null;
  bin?: string | null;
  type?: string | null;
  collection?: string | null;
  context?: string | null;
  expression?: string | null;
  state: string;
  nodes: IndexNodeState[];
}

export interface IndexCreate {
  namespace: string;
  set?: string | null;
  name: string;
  bin: string;
  type: IndexKind;
  collection?: IndexCollection | null;
  /** CDT context, e.g. `[{"mapKey": "city"}]`. */
  context?: unknown[] | null;
}

export interface UdfModule {
  filename: string;
  hash?: string | null;
  type?: string | null;
}

export interface UdfSource {
  filename: string;
  type?: string | null;
  content: string;
}

export interface UdfExecute {
  namespace: string;
  set: string;
  key: string;
  keyType: WireKeyType;
  function: string;
  args: unknown[];
}

export interface NodeReply {
  node: string;
  address: string;
  response?: string | null;
  error?: string | null;
}

export interface InfoResponse {
  command: string;
  read_only: boolean;
  replies: NodeReply[];
}

export interface AerospikeUser {
  user: string;
  roles: string[];
  connections: number;
}

export interface Privilege {
  code: string;
  namespace?: string | null;
  set?: string | null;
}

export interface AerospikeRole {
  name: string;
  privileges: Privilege[];
  allowlist: string[];
  readQuota: number;
  writeQuota: number;
}

/** `GET /api/health`. */
export interface Health {
  status: string;
  version: string;
  database: boolean;
  connectedProfiles: number;
  uptimeSeconds: number;
}
