/**
 * API shapes used by the UI. They are the server's OpenAPI schemas (`schema.gen.ts`, generated from
 * crates/acm/openapi.json), re-exported under short names; a few are narrowed where the schema
 * documents a string enum in prose only.
 */
import type { components } from "./schema.gen";

type S = components["schemas"];

export type Problem = S["Problem"];
export type Profile = S["Profile"];
export type ProfileInput = S["ProfileInput"];
export type ProfileBundle = S["ProfileBundle"];
export type ImportResult = S["ImportResult"];
export type ConnectionStatus = S["ConnectionStatus"];
export type NodeSummary = S["NodeSummary"];
export type Health = S["Health"];
export type Settings = S["Settings"];

export type NodeView = S["NodeView"];
export type NamespaceView = S["NamespaceView"];
export type SetView = S["SetView"];
export type ConfirmToken = S["ConfirmToken"];

export type MetricsHistory = S["MetricsHistory"];
export type MetricsSample = S["Sample"];
export type NamespaceRates = S["NamespaceRates"];

export type RecordKey = S["RecordKeyView"];
export type RecordData = S["RecordView"];
export type RecordPage = S["RecordPage"];
/** How the server reads a primary key given as text. */
export type WireKeyType = S["KeyType"];
export type RecordWrite = Omit<S["RecordWrite"], "mode"> & {
  /** "upsert" (default), "create" (fail if exists), "update" (fail if missing), "replace". */
  mode?: "upsert" | "create" | "update" | "replace";
};

export type QueryRequest = S["QueryRequest"];
export type IndexPredicate = Omit<S["Predicate"], "op" | "collection"> & {
  op: "equals" | "range" | "contains" | "geoWithin" | "geoContains" | "geoWithinRadius";
  collection?: IndexCollection | null;
};

export type IndexKind = "numeric" | "string" | "geo2dsphere" | "blob";
export type IndexCollection = "default" | "list" | "mapkeys" | "mapvalues";
export type SecondaryIndex = S["IndexView"];
export type IndexNodeState = S["IndexNodeState"];
export type IndexCreate = Omit<S["CreateIndex"], "type" | "collection"> & { type: IndexKind; collection?: IndexCollection | null };

export type UdfModule = S["UdfInfo"];
export type UdfSource = S["UdfSource"];
export type UdfExecute = S["ExecuteUdf"];
export type UdfResult = S["UdfResult"];

export type InfoResponse = S["InfoResponse"];
export type NodeReply = S["NodeReply"];

export type AerospikeUser = S["UserView"];
export type AerospikeRole = S["RoleView"];
export type Privilege = S["PrivilegeView"];
