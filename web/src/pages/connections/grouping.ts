/** Grouping and ordering of connection profiles on the Connections page and in the selector. */
import type { Profile } from "../../api/types";

export interface ProfileGroup {
  label: string;
  profiles: Profile[];
}

/** Conventional order of environments; others follow alphabetically. */
const ENV_ORDER = ["prod", "production", "staging", "stage", "qa", "test", "dev", "development", "local", "demo"];

/** The group a profile belongs to: its `env` label, else its `group` label, else "default". */
export function groupOf(p: Profile): string {
  const v = p.labels?.env ?? p.labels?.group ?? (p.demo ? "demo" : "");
  return v.trim().toLowerCase() || "default";
}

/** Groups profiles by environment, in a stable, predictable order (names sorted within groups). */
export function groupProfiles(profiles: Profile[]): ProfileGroup[] {
  const map = new Map<string, Profile[]>();
  for (const p of profiles) {
    const g = groupOf(p);
    const list = map.get(g) ?? [];
    list.push(p);
    map.set(g, list);
  }
  const rank = (g: string) => {
    const i = ENV_ORDER.indexOf(g);
    return i < 0 ? ENV_ORDER.length : i;
  };
  return [...map.entries()]
    .sort(([a], [b]) => (a === "default" ? 1 : b === "default" ? -1 : rank(a) - rank(b) || a.localeCompare(b)))
    .map(([label, list]) => ({ label, profiles: [...list].sort((x, y) => x.name.localeCompare(y.name)) }));
}

/** Parses `k=v, k2=v2` label text. Returns an error message for malformed parts. */
export function parseLabels(text: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf("=");
    if (eq <= 0) return { error: `"${t}" is not key=value (e.g. env=prod).` };
    const k = t.slice(0, eq).trim();
    const v = t.slice(eq + 1).trim();
    if (!/^[A-Za-z0-9_.\-/]{1,63}$/.test(k)) return { error: `Label key "${k}" may use letters, digits, "_", ".", "-", "/".` };
    labels[k] = v;
  }
  return { labels };
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
