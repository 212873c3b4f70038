/**
 * The edit dialog's change: a JSON merge patch (RFC 7386) of the spec holding only what the user
 * changed, and the diff shown before it is applied. Pure; tested in editPatch.test.ts.
 *
 * The patch is the difference between the spec of the model as loaded and the spec of the edited
 * model, so parts of the spec the model does not describe (other aerospikeConfig stanzas, volumes
 * beyond `data`, operations) are never touched. `aerospikeConfig` is edited whole, as JSON.
 */
import { toSpec } from "./wizardMap";
import type { WizardModel } from "./wizardModel";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The merge patch that turns `from` into `to` (objects recurse, lists are replaced whole,
 * removed keys become null); undefined when they are equal. */
export function mergePatch(from: unknown, to: unknown): unknown {
  if (deepEqual(from, to)) return undefined;
  if (!isObj(from) || !isObj(to)) return to === undefined ? null : to;
  const out: Json = {};
  for (const k of Object.keys(to)) {
    const p = mergePatch(from[k], to[k]);
    if (p !== undefined) out[k] = p;
  }
  for (const k of Object.keys(from)) if (!(k in to)) out[k] = null;
  return out;
}

/** Applies a merge patch (what the server does), for the preview. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Json = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

export interface DiffLine {
  path: string;
  before: unknown;
  after: unknown;
}

/** One line per changed leaf of the patch: its path, the value now, the value after. */
export function patchDiff(spec: unknown, patch: unknown, prefix = ""): DiffLine[] {
  if (!isObj(patch)) return [];
  const out: DiffLine[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const before = isObj(spec) ? spec[k] : undefined;
    if (isObj(v) && isObj(before)) out.push(...patchDiff(before, v, path));
    else out.push({ path, before, after: v === null ? undefined : v });
  }
  return out;
}

/** The spec the edit dialog manages: the model's spec without the storage (volumes are not
 * changed by an edit) and without aerospikeConfig (edited whole as JSON). */
function editable(m: WizardModel): Json {
  const s = toSpec(m);
  delete s.storage;
  delete s.aerospikeConfig;
  // A rack's storage override copies the cluster storage: it is not edited here either.
  const racks = (s.rackConfig as Json | undefined)?.racks;
  if (Array.isArray(racks)) for (const r of racks as Json[]) delete r.storage;
  return s;
}

/**
 * The merge patch of an edit: model fields that changed, plus `aerospikeConfig` when its JSON
 * changed. `aerospikeConfig` is the parsed JSON of the dialog (undefined = unchanged).
 */
export function editPatch(spec: Json, loaded: WizardModel, edited: WizardModel, aerospikeConfig?: unknown): Json {
  const patch = (mergePatch(editable(loaded), editable(edited)) as Json | undefined) ?? {};
  if (aerospikeConfig !== undefined) {
    const p = mergePatch(spec.aerospikeConfig, aerospikeConfig);
    if (p !== undefined) patch.aerospikeConfig = p;
  }
  // Lists are replaced whole by a merge patch: a changed rack list must carry every rack's stored
  // fields the model does not show (storage, revision), or the patch would drop them.
  const racksPatch = (patch.rackConfig as Json | undefined)?.racks;
  const stored = (spec.rackConfig as Json | undefined)?.racks;
  if (Array.isArray(racksPatch) && Array.isArray(stored)) {
    (patch.rackConfig as Json).racks = racksPatch.map((r: Json) => {
      const old = (stored as Json[]).find((o) => o.id === r.id);
      if (!old) return r;
      const keep: Json = {};
      for (const k of ["storage", "revision"]) if (k in old) keep[k] = old[k];
      return { ...keep, ...r };
    });
  }
  return patch;
}
