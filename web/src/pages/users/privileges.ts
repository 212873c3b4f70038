/** Privilege text used by the role form: one per line, `code`, `code ns` or `code ns set`. */
import type { Privilege } from "../../api/types";

export const PRIVILEGE_CODES = [
  "user-admin",
  "sys-admin",
  "data-admin",
  "udf-admin",
  "sindex-admin",
  "read",
  "read-write",
  "read-write-udf",
  "write",
  "truncate",
] as const;

/** Codes that apply to the whole cluster and cannot be scoped to a namespace. */
const GLOBAL_ONLY = new Set(["user-admin", "sys-admin", "data-admin", "udf-admin", "sindex-admin"]);

export function parsePrivileges(text: string): { ok: true; privileges: Privilege[] } | { ok: false; error: string } {
  const privileges: Privilege[] = [];
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const [code, namespace, set, ...rest] = line.split(/\s+/);
    if (!code || !(PRIVILEGE_CODES as readonly string[]).includes(code))
      return { ok: false, error: `Line ${i + 1}: "${code}" is not a privilege; use one of ${PRIVILEGE_CODES.join(", ")}.` };
    if (rest.length) return { ok: false, error: `Line ${i + 1}: write "code", "code namespace" or "code namespace set".` };
    if (namespace && GLOBAL_ONLY.has(code)) return { ok: false, error: `Line ${i + 1}: ${code} applies to the whole cluster; remove the namespace.` };
    const p: Privilege = { code };
    if (namespace) p.namespace = namespace;
    if (set) p.set = set;
    privileges.push(p);
  }
  if (privileges.length === 0) return { ok: false, error: "Give the role at least one privilege, e.g. read test." };
  return { ok: true, privileges };
}

export function formatPrivilege(p: Privilege): string {
  return [p.code, p.namespace, p.set].filter(Boolean).join(" ");
}
