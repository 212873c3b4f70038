/** Secondary indexes: list with per-node state and build progress, create, drop. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import type { IndexCollection, IndexCreate, IndexKind, SecondaryIndex } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { Icon } from "../../components/icons";
import { Badge, ConfirmDialog, EmptyState, ErrorState, Field, IconButton, Loading, Modal, PageHeader, Spinner } from "../../components/ui";

const KINDS: Array<{ value: IndexKind; label: string }> = [
  { value: "numeric", label: "Numeric (integer)" },
  { value: "string", label: "String" },
  { value: "blob", label: "Blob (bytes)" },
  { value: "geo2dsphere", label: "Geo2DSphere (GeoJSON)" },
];
const COLLECTIONS: Array<{ value: IndexCollection; label: string }> = [
  { value: "default", label: "Bin value (default)" },
  { value: "list", label: "List elements" },
  { value: "mapkeys", label: "Map keys" },
  { value: "mapvalues", label: "Map values" },
];

function stateTone(s: string): "ok" | "warn" | "err" | "neutral" {
  const v = s.toLowerCase();
  if (v === "rw" || v === "ready") return "ok";
  if (v === "wo" || v.includes("build") || v.includes("populat")) return "warn";
  if (v === "d" || v.includes("error") || v.includes("fail")) return "err";
  return "neutral";
}

function stateLabel(s: string): string {
  const v = s.toUpperCase();
  return v === "RW" ? "ready" : v === "WO" ? "building" : v === "D" ? "dropping" : s;
}

interface IndexForm {
  name: string;
  namespace: string;
  set: string;
  bin: string;
  type: IndexKind;
  collection: IndexCollection;
  context: string;
}

/** Validates the create form and builds the request (context is a JSON list of CDT steps). */
export function buildIndex(f: IndexForm): { ok: true; body: IndexCreate } | { ok: false; errors: Record<string, string> } {
  const e: Record<string, string> = {};
  if (!/^[A-Za-z0-9_.-]{1,63}$/.test(f.name)) e.name = "1–63 characters: letters, digits, '_', '-' or '.'.";
  if (!f.namespace) e.namespace = "Choose a namespace.";
  if (!/^[^\s]{1,15}$/.test(f.bin)) e.bin = "Bin names are 1–15 characters without spaces.";
  if (f.set.length > 63) e.set = "Set names are at most 63 characters.";
  let context: unknown[] | null = null;
  if (f.context.trim()) {
    try {
      const v = JSON.parse(f.context) as unknown;
      if (!Array.isArray(v)) throw new Error("not a list");
      context = v;
    } catch {
      e.context = 'A JSON list of steps, e.g. [{"mapKey": "address"}].';
    }
  }
  if (Object.keys(e).length) return { ok: false, errors: e };
  const body: IndexCreate = { name: f.name, namespace: f.namespace, bin: f.bin, type: f.type, collection: f.collection };
  if (f.set.trim()) body.set = f.set.trim();
  if (context) body.context = context;
  return { ok: true, body };
}

function CreateIndexDialog({ connId, onClose }: { connId: number; onClose: () => void }) {
  const qc = useQueryClient();
  const nsq = useQuery({ queryKey: keys.namespaces(connId), queryFn: () => endpoints.namespaces(connId) });
  const [f, setF] = useState<IndexForm>({ name: "", namespace: "", set: "", bin: "", type: "numeric", collection: "default", context: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const namespace = f.namespace || nsq.data?.[0]?.name || "";
  const create = useMutation({
    mutationFn: (i: IndexCreate) => endpoints.createIndex(connId, i),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.indexes(connId) });
      onClose();
    },
  });
  const set = <K extends keyof IndexForm>(k: K, v: IndexForm[K]) => setF((s) => ({ ...s, [k]: v }));
  const submit = () => {
    const r = buildIndex({ ...f, namespace });
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) create.mutate(r.body);
  };
  return (
    <Modal
      open
      title="Create secondary index"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="index-form" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? <Spinner /> : null} Create index
          </button>
        </>
      }
    >
      <form
        id="index-form"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Index name" name="name" error={errors.name} serverError={create.error}>
          {(p) => <input {...p} className="input w-full mono" value={f.name} onChange={(e) => set("name", e.target.value)} autoFocus />}
        </Field>
        <Field label="Namespace" name="namespace" error={errors.namespace} serverError={create.error}>
          {(p) => (
            <select {...p} className="input w-full" value={namespace} onChange={(e) => set("namespace", e.target.value)}>
              {(nsq.data ?? []).map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Set (optional)" name="set" error={errors.set} serverError={create.error} hint="Empty indexes the whole namespace">
          {(p) => <input {...p} className="input w-full mono" value={f.set} onChange={(e) => set("set", e.target.value)} />}
        </Field>
        <Field label="Bin" name="bin" error={errors.bin} serverError={create.error}>
          {(p) => <input {...p} className="input w-full mono" value={f.bin} onChange={(e) => set("bin", e.target.value)} />}
        </Field>
        <Field label="Type" name="type" serverError={create.error}>
          {(p) => (
            <select {...p} className="input w-full" value={f.type} onChange={(e) => set("type", e.target.value as IndexKind)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Collection" name="collection" serverError={create.error}>
          {(p) => (
            <select {...p} className="input w-full" value={f.collection} onChange={(e) => set("collection", e.target.value as IndexCollection)}>
              {COLLECTIONS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="sm:col-span-2">
          <Field
            label="Context (optional)"
            name="context"
            error={errors.context}
            serverError={create.error}
            hint='To index a nested element: a JSON list of steps, e.g. [{"mapKey": "address"}]'
          >
            {(p) => <input {...p} className="input w-full mono" value={f.context} placeholder='[{"mapKey": "address"}]' onChange={(e) => set("context", e.target.value)} />}
          </Field>
        </div>
      </form>
      {create.error ? <div className="mt-3"><ErrorState error={create.error} compact /></div> : null}
    </Modal>
  );
}

export default function IndexesPage() {
  const id = useConnId();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [dropping, setDropping] = useState<SecondaryIndex | null>(null);
  const q = useQuery({
    queryKey: keys.indexes(id),
    queryFn: () => endpoints.indexes(id),
    // Poll while an index is still building so progress moves on its own.
    refetchInterval: (query) => (query.state.data?.some((i) => stateTone(i.state) === "warn") ? 2000 : false),
  });
  const drop = useMutation({
    mutationFn: (i: SecondaryIndex) => endpoints.dropIndex(id, i.namespace, i.name),
    onSuccess: async () => {
      setDropping(null);
      await qc.invalidateQueries({ queryKey: keys.indexes(id) });
    },
  });
  return (
    <div>
      <PageHeader
        title="Secondary indexes"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> Create index
          </button>
        }
      />
      {q.isLoading ? (
        <Loading what="Loading indexes" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data?.length ? (
        <EmptyState title="No secondary indexes yet — create one" action={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)}><Icon name="plus" /> Create index</button>}>
          An index lets queries select records by a bin value instead of scanning.
        </EmptyState>
      ) : (
        <div className="panel relative overflow-x-auto">
          <table className="table" data-testid="indexes-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Namespace</th>
                <th>Set</th>
                <th>Bin</th>
                <th>Type</th>
                <th>Collection</th>
                <th>State per node</th>
                <th><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((i) => (
                <tr key={`${i.namespace}/${i.name}`}>
                  <td className="mono">{i.name}</td>
                  <td>{i.namespace}</td>
                  <td>{i.set || <span className="muted">(all)</span>}</td>
                  <td className="mono">{i.bin ?? (i.expression ? <span title={i.expression}>expression</span> : "—")}</td>
                  <td>{i.type ?? "—"}</td>
                  <td>
                    {i.collection ?? "default"}
                    {i.context ? <span className="muted ml-1 text-xs">ctx</span> : null}
                  </td>
                  <td>
                    <div className="flex flex-wrap gap-1">
                      {i.nodes.length === 0 ? (
                        <Badge tone={stateTone(i.state)}>{stateLabel(i.state)}</Badge>
                      ) : (
                        i.nodes.map((n) => (
                          <Badge key={n.node} tone={stateTone(n.state)}>
                            <span className="mono text-[11px]">{n.node}</span> {stateLabel(n.state)}
                            {n.loadPct !== undefined && n.loadPct !== null && n.loadPct < 100 ? ` ${n.loadPct}%` : ""}
                          </Badge>
                        ))
                      )}
                    </div>
                  </td>
                  <td className="num">
                    <IconButton icon="trash" className="btn-danger" label={`Drop index ${i.name}`} onClick={() => setDropping(i)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? <CreateIndexDialog connId={id} onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        open={dropping !== null}
        title="Drop index"
        confirmLabel="Drop"
        message={
          <>
            Drop index <code className="mono">{dropping?.name}</code> on {dropping?.namespace}? Queries using it will fail until it is recreated.
          </>
        }
        busy={drop.isPending}
        error={drop.error}
        onConfirm={() => dropping && drop.mutate(dropping)}
        onClose={() => {
          setDropping(null);
          drop.reset();
        }}
      />
    </div>
  );
}
