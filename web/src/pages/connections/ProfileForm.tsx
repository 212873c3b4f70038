/** Create/edit dialog for a connection profile, with "Test connection" before saving. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import type { ConnectionStatus, Profile, ProfileInput } from "../../api/types";
import { Badge, ErrorState, Field, Modal, Spinner } from "../../components/ui";
import { formatLabels, parseLabels } from "./grouping";

export const COLORS = ["#0097D3", "#16A34A", "#D97706", "#DC2626", "#7C3AED", "#DB2777", "#0D9488", "#64748B"];

interface FormState {
  name: string;
  hosts: string;
  port: string;
  clusterName: string;
  user: string;
  password: string;
  color: string;
  description: string;
  labels: string;
  useServicesAlternate: boolean;
}

function initial(p?: Profile): FormState {
  return {
    name: p?.name ?? "",
    hosts: p?.hosts.join(", ") ?? "",
    port: String(p?.port ?? 3000),
    clusterName: p?.clusterName ?? "",
    user: p?.user ?? "",
    password: "",
    color: p?.color ?? COLORS[0]!,
    description: p?.description ?? "",
    labels: p ? formatLabels(p.labels) : "env=dev",
    useServicesAlternate: p?.useServicesAlternate ?? false,
  };
}

/** Validates the form and builds the request body, or returns per-field messages. */
export function toInput(f: FormState, editing: boolean): { input: ProfileInput } | { errors: Partial<Record<keyof FormState, string>> } {
  const errors: Partial<Record<keyof FormState, string>> = {};
  const hosts = f.hosts.split(/[\s,]+/).filter(Boolean);
  if (!f.name.trim()) errors.name = "Give the connection a name.";
  if (hosts.length === 0) errors.hosts = "Add at least one seed host, e.g. 10.0.0.1 or aerospike.local:3000.";
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors.port = "Port is a number from 1 to 65535.";
  const labels = parseLabels(f.labels);
  if ("error" in labels) errors.labels = labels.error;
  if (Object.keys(errors).length > 0 || "error" in labels) return { errors };
  const input: ProfileInput = {
    name: f.name.trim(),
    hosts,
    port,
    clusterName: f.clusterName.trim() || null,
    user: f.user.trim() || null,
    color: f.color,
    description: f.description,
    labels: labels.labels,
    useServicesAlternate: f.useServicesAlternate,
  };
  // On edit an empty password keeps the stored one.
  if (f.password || !editing) input.password = f.password || null;
  return { input };
}

export function HealthBadge({ h }: { h: ConnectionStatus }) {
  const n = h.nodes.length;
  return h.connected ? (
    <Badge tone="ok">
      Connected · {n} node{n === 1 ? "" : "s"}
      {h.communityEdition ? " · CE" : ""}
    </Badge>
  ) : (
    <Badge tone="err">Unreachable</Badge>
  );
}

export function ProfileForm({ profile, open, onClose }: { profile?: Profile; open: boolean; onClose: () => void }) {
  const [f, setF] = useState<FormState>(() => initial(profile));
  const [errors, setErrors] = useState<Partial<Record<keyof FormState, string>>>({});
  const qc = useQueryClient();
  const editing = profile !== undefined;
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));

  const save = useMutation({
    mutationFn: (input: ProfileInput) => (editing ? endpoints.updateProfile(profile.id, input) : endpoints.createProfile(input)),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.profiles });
      onClose();
    },
  });
  const test = useMutation({ mutationFn: endpoints.testProfile });

  const build = () => {
    const r = toInput(f, editing);
    if ("errors" in r) {
      setErrors(r.errors);
      return null;
    }
    setErrors({});
    return r.input;
  };

  return (
    <Modal
      open={open}
      title={editing ? `Edit ${profile.name}` : "New connection"}
      onClose={onClose}
      wide
      footer={
        <>
          <button
            type="button"
            className="btn mr-auto"
            disabled={test.isPending}
            onClick={() => {
              const input = build();
              if (input) test.mutate(input);
            }}
          >
            {test.isPending ? <Spinner label="Testing" /> : null} Test connection
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="profile-form" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? <Spinner label="Saving" /> : null} {editing ? "Save" : "Create"}
          </button>
        </>
      }
    >
      <form
        id="profile-form"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          const input = build();
          if (input) save.mutate(input);
        }}
        noValidate
      >
        <Field label="Name" name="name" error={errors.name} serverError={save.error}>
          {(p) => <input {...p} className="input w-full" value={f.name} onChange={(e) => set("name", e.target.value)} autoFocus />}
        </Field>
        <Field label="Labels" name="labels" error={errors.labels} serverError={save.error} hint="env=prod groups it under prod">
          {(p) => <input {...p} className="input w-full" value={f.labels} onChange={(e) => set("labels", e.target.value)} />}
        </Field>
        <Field label="Seed hosts" name="hosts" error={errors.hosts} serverError={save.error} hint="host or host:port, separated by commas">
          {(p) => <input {...p} className="input w-full" value={f.hosts} placeholder="10.0.0.1, 10.0.0.2:3000" onChange={(e) => set("hosts", e.target.value)} />}
        </Field>
        <Field label="Default port" name="port" error={errors.port} serverError={save.error}>
          {(p) => <input {...p} className="input w-full" inputMode="numeric" value={f.port} onChange={(e) => set("port", e.target.value)} />}
        </Field>
        <Field label="Expected cluster name (optional)" name="clusterName" serverError={save.error} hint="Refuse to connect to a cluster with another name">
          {(p) => <input {...p} className="input w-full" value={f.clusterName} onChange={(e) => set("clusterName", e.target.value)} />}
        </Field>
        <Field label="Description" name="description" serverError={save.error}>
          {(p) => <input {...p} className="input w-full" value={f.description} onChange={(e) => set("description", e.target.value)} />}
        </Field>
        <Field label="User (Enterprise only)" name="user" serverError={save.error}>
          {(p) => <input {...p} className="input w-full" autoComplete="off" value={f.user} onChange={(e) => set("user", e.target.value)} />}
        </Field>
        <Field label="Password" name="password" serverError={save.error} hint={editing && profile.hasPassword ? "Leave empty to keep the stored password" : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" className="input w-full" value={f.password} onChange={(e) => set("password", e.target.value)} />}
        </Field>
        <fieldset className="sm:col-span-2">
          <legend className="label">Color</legend>
          <div className="flex gap-2">
            {COLORS.map((c) => (
              <button
                key={c}
                type="button"
                aria-label={`Color ${c}`}
                aria-pressed={f.color.toLowerCase() === c.toLowerCase()}
                className={`keep-colors h-7 w-7 rounded-full border-2 ${f.color.toLowerCase() === c.toLowerCase() ? "border-[var(--text)]" : "border-transparent"}`}
                style={{ background: c }}
                onClick={() => set("color", c)}
              />
            ))}
          </div>
        </fieldset>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" checked={f.useServicesAlternate} onChange={(e) => set("useServicesAlternate", e.target.checked)} />
          Use alternate addresses (services-alternate), e.g. for clusters behind a LoadBalancer or NodePort
        </label>
      </form>
      <div className="mt-3 space-y-2" aria-live="polite">
        {test.data ? (
          <div className="flex items-center gap-2 text-sm">
            <HealthBadge h={test.data} />
            {test.data.clusterName ? <span className="muted">cluster {test.data.clusterName}</span> : null}
            {test.data.namespaces.length ? <span className="muted">namespaces: {test.data.namespaces.join(", ")}</span> : null}
            <span className="muted">{test.data.elapsedMs} ms</span>
          </div>
        ) : null}
        {test.error ? <ErrorState error={test.error} compact /> : null}
        {save.error ? <ErrorState error={save.error} compact /> : null}
      </div>
    </Modal>
  );
}
