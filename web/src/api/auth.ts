/** Sign-in, the caller, API tokens, the manager's users and the audit log. */
import { client, unwrap } from "./client";
import type { components } from "./schema.gen";

type S = components["schemas"];
export type AuthConfig = S["AuthConfig"];
export type SessionInfo = S["SessionInfo"];
export type Role = S["Role"];
export type ManagerUser = S["User"];
export type ApiToken = S["ApiToken"];
export type CreatedToken = S["CreatedToken"];
export type AuditEntry = S["AuditEntry"];
export type AuditPage = S["AuditPage"];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what `need` allows. */
export function roleAtLeast(role: Role | undefined, need: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[need];
}

export interface AuditFilters {
  actor?: string;
  route?: string;
  method?: string;
  outcome?: string;
  before?: number;
  limit?: number;
}

/** Starts single sign-on: the manager redirects the browser to the identity provider. */
export const OIDC_LOGIN_URL = "/api/v1/auth/oidc/login";

export const authKeys = {
  config: ["auth", "config"] as const,
  me: ["auth", "me"] as const,
  users: ["auth", "users"] as const,
  tokens: ["auth", "tokens"] as const,
  audit: (f: AuditFilters) => ["audit", f] as const,
};

const clean = (f: AuditFilters) =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== "")) as AuditFilters;

export const authApi = {
  config: () => unwrap(client.GET("/api/v1/auth/config")),
  me: () => unwrap(client.GET("/api/v1/auth/me")),
  login: (username: string, password: string) => unwrap(client.POST("/api/v1/auth/login", { body: { username, password } })),
  logout: () => unwrap(client.POST("/api/v1/auth/logout")),
  changePassword: (currentPassword: string, newPassword: string) =>
    unwrap(client.PUT("/api/v1/auth/password", { body: { currentPassword, newPassword } })),
  tokens: () => unwrap(client.GET("/api/v1/auth/tokens")),
  createToken: (name: string, role: Role | null, expiresInDays: number | null) =>
    unwrap(client.POST("/api/v1/auth/tokens", { body: { name, role, expiresInDays } })),
  deleteToken: (id: number) => unwrap(client.DELETE("/api/v1/auth/tokens/{id}", { params: { path: { id } } })),
  users: () => unwrap(client.GET("/api/v1/auth/users")),
  createUser: (name: string, role: Role, password: string) => unwrap(client.POST("/api/v1/auth/users", { body: { name, role, password } })),
  updateUser: (name: string, body: { role?: Role | null; disabled?: boolean | null; password?: string | null }) =>
    unwrap(client.PUT("/api/v1/auth/users/{name}", { params: { path: { name } }, body })),
  deleteUser: (name: string) => unwrap(client.DELETE("/api/v1/auth/users/{name}", { params: { path: { name } } })),
  audit: (f: AuditFilters) => unwrap(client.GET("/api/v1/audit", { params: { query: clean(f) } })),
};
