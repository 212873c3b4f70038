/** Form controls bound to the wizard model, shared by the create wizard and the edit dialog. */
import type { ReactNode } from "react";
import { Field } from "../../components/ui";
import type { ErrorKey, RackModel, WizardField, WizardModel } from "./wizardModel";

export interface Bind {
  m: WizardModel;
  set: <K extends WizardField>(k: K, v: WizardModel[K]) => void;
  /** The message shown under a field (validation as you type, or the server's), or null. */
  msg: (k: ErrorKey) => string | null;
}

type TextOpts = { hint?: ReactNode; list?: string; type?: string; inputMode?: "numeric" | "decimal"; placeholder?: string; disabled?: boolean };

/** Keys of the model whose value is text. */
type TextField = { [K in WizardField]: WizardModel[K] extends string ? K : never }[WizardField];
type BoolField = { [K in WizardField]: WizardModel[K] extends boolean ? K : never }[WizardField];

export function TextInput({ b, f, label, ...o }: { b: Bind; f: TextField; label: string } & TextOpts) {
  return (
    <Field label={label} error={b.msg(f)} hint={o.hint}>
      {(p) => (
        <input
          {...p}
          className="input w-full"
          name={f}
          type={o.type ?? "text"}
          inputMode={o.inputMode}
          list={o.list}
          placeholder={o.placeholder}
          disabled={o.disabled}
          autoComplete="off"
          value={b.m[f]}
          onChange={(e) => b.set(f, e.target.value as never)}
        />
      )}
    </Field>
  );
}

export function TextArea({ b, f, label, hint, rows = 3, mono = true }: { b: Bind; f: TextField; label: string; hint?: ReactNode; rows?: number; mono?: boolean }) {
  return (
    <Field label={label} error={b.msg(f)} hint={hint}>
      {(p) => (
        <textarea
          {...p}
          className={`input w-full ${mono ? "mono text-xs" : ""}`}
          name={f}
          rows={rows}
          spellCheck={false}
          value={b.m[f]}
          onChange={(e) => b.set(f, e.target.value as never)}
        />
      )}
    </Field>
  );
}

export function Check({ b, f, label, hint }: { b: Bind; f: BoolField; label: ReactNode; hint?: ReactNode }) {
  const err = b.msg(f);
  return (
    <div className="sm:col-span-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name={f} checked={b.m[f]} onChange={(e) => b.set(f, e.target.checked as never)} />
        {label}
      </label>
      {hint ? <p className="muted ml-6 text-xs">{hint}</p> : null}
      {err ? <p className="ml-6 text-xs text-red-600 dark:text-red-400">{err}</p> : null}
    </div>
  );
}

export function Select({
  b,
  f,
  label,
  options,
  unset = "Default",
  hint,
}: {
  b: Bind;
  f: TextField;
  label: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  /** Label of the "" option (leave unset); null: no such option. */
  unset?: string | null;
  hint?: ReactNode;
}) {
  return (
    <Field label={label} error={b.msg(f)} hint={hint}>
      {(p) => (
        <select {...p} className="input w-full" name={f} value={b.m[f]} onChange={(e) => b.set(f, e.target.value as never)}>
          {unset !== null ? <option value="">{unset}</option> : null}
          {options.map((o) => {
            const { value, label: l } = typeof o === "string" ? { value: o, label: o } : o;
            return (
              <option key={value} value={value}>
                {l}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/** A titled group of fields inside a step. */
export function Group({ title, children, description }: { title: string; children: ReactNode; description?: ReactNode }) {
  return (
    <fieldset className="rounded-md border border-[var(--border)] p-3 sm:col-span-2">
      <legend className="px-1 text-sm font-semibold">{title}</legend>
      {description ? <p className="muted mb-2 text-xs">{description}</p> : null}
      <div className="grid gap-3 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}

export const KV_HINT = "One key=value per line.";
export const LIST_HINT = "Separated by commas.";
export const TOL_HINT = "One per line: key=value:NoSchedule, key:NoExecute, or key (Exists).";

/** Controls of one rack (Rack Config step and edit dialog). */
export function RackFields({
  rack,
  index,
  onChange,
  onRemove,
  msg,
  zones,
  nodes,
  persistent,
  showStorage,
}: {
  rack: RackModel;
  index: number;
  onChange: (r: RackModel) => void;
  onRemove: () => void;
  msg: (k: ErrorKey) => string | null;
  zones: string[];
  nodes: string[];
  persistent: boolean;
  showStorage: boolean;
}) {
  const k = (f: keyof RackModel) => `racks.${index}.${f}` as ErrorKey;
  const text = (f: keyof RackModel, label: string, o: { hint?: string; list?: string; area?: boolean } = {}) => (
    <Field label={label} error={msg(k(f))} hint={o.hint}>
      {(p) =>
        o.area ? (
          <textarea {...p} className="input mono w-full text-xs" rows={3} spellCheck={false} value={rack[f]} onChange={(e) => onChange({ ...rack, [f]: e.target.value })} />
        ) : (
          <input {...p} className="input w-full" list={o.list} autoComplete="off" value={rack[f]} onChange={(e) => onChange({ ...rack, [f]: e.target.value })} />
        )
      }
    </Field>
  );
  return (
    <fieldset className="rounded-md border border-[var(--border)] p-3" data-testid="rack">
      <legend className="px-1 text-sm font-semibold">Rack {rack.id || index + 1}</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        {text("id", "Rack id")}
        <Field label="Zone" error={msg(k("zone"))} hint="From the zones of the Kubernetes nodes.">
          {(p) => (
            <select {...p} className="input w-full" value={rack.zone} onChange={(e) => onChange({ ...rack, zone: e.target.value })}>
              <option value="">Any zone</option>
              {[...new Set([...zones, ...(rack.zone ? [rack.zone] : [])])].map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text("region", "Region")}
        <Field label="Node" error={msg(k("nodeName"))} hint="Pin the rack to one node (optional).">
          {(p) => (
            <select {...p} className="input w-full" value={rack.nodeName} onChange={(e) => onChange({ ...rack, nodeName: e.target.value })}>
              <option value="">Any node</option>
              {[...new Set([...nodes, ...(rack.nodeName ? [rack.nodeName] : [])])].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text("rackLabel", "Rack label", { hint: "Pins to nodes labelled acko.io/rack=<label>." })}
        {text("maxUnavailable", "PDB max unavailable", { hint: "Integer or percentage; default keeps a quorum." })}
        {showStorage ? (
          persistent ? (
            <>
              {text("storageClass", "StorageClass override", { list: "k8s-storageclasses", hint: "Empty: the cluster's." })}
              {text("volumeSize", "Volume size override", { hint: "e.g. 100Gi; empty: the cluster's." })}
            </>
          ) : (
            <p className="muted text-xs sm:col-span-2">Per-rack storage overrides need persistent storage (step 2).</p>
          )
        ) : null}
        {text("tolerations", "Tolerations", { area: true, hint: TOL_HINT })}
        {text("nodeSelector", "Node selector", { area: true, hint: KV_HINT })}
        {text("affinity", "Affinity (JSON)", { area: true, hint: 'e.g. {"nodeAffinity": {...}}' })}
        {text("aerospikeConfig", "aerospikeConfig override (JSON)", { area: true, hint: "Deep-merged over the cluster's configuration for this rack." })}
      </div>
      <button type="button" className="btn mt-3" onClick={onRemove} aria-label={`Remove rack ${rack.id || index + 1}`}>
        Remove rack
      </button>
    </fieldset>
  );
}
