/** UDF modules: list, upload, view source (highlighted), delete, execute on a record. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import type { UdfExecute, UdfModule } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { CodeEditor } from "../../components/CodeEditor";
import { Icon } from "../../components/icons";
import { ConfirmDialog, EmptyState, ErrorState, Field, IconButton, Loading, Modal, PageHeader, Spinner } from "../../components/ui";
import { parseExtendedJson, toExtendedJson, toWire } from "../../lib/values";
import { keyFromText, wireKeyType, type KeyType } from "../records/recordDraft";

const SAMPLE = `-- Example: return a bin's value plus n
function add(rec, bin, n)
  return (rec[bin] or 0) + n
end
`;

/** Module names the server accepts: letters, digits, "_", "-", "." and a .lua suffix. */
export function validateModuleName(name: string): string | null {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) return "Use letters, digits, '_', '-' and '.' only.";
  if (!name.endsWith(".lua")) return 'The module name ends with ".lua".';
  return null;
}

function UploadDialog({ connId, onClose, initial }: { connId: number; onClose: () => void; initial?: { name: string; content: string } }) {
  const qc = useQueryClient();
  const [name, setName] = useState(initial?.name ?? "example.lua");
  const [content, setContent] = useState(initial?.content ?? SAMPLE);
  const [err, setErr] = useState<string | null>(null);
  const up = useMutation({
    mutationFn: () => endpoints.uploadUdf(connId, name, content),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.udfs(connId) });
      onClose();
    },
  });
  return (
    <Modal
      open
      wide
      title="Upload UDF module"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="udf-form" className="btn btn-primary" disabled={up.isPending}>
            {up.isPending ? <Spinner /> : null} Upload
          </button>
        </>
      }
    >
      <form
        id="udf-form"
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const v = validateModuleName(name);
          setErr(v);
          if (!v) up.mutate();
        }}
      >
        <Field label="Module name" name="name" error={err} serverError={up.error}>
          {(p) => <input {...p} className="input w-full mono" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div>
          <span className="label">Lua source</span>
          <CodeEditor language="lua" label="Lua source" value={content} onChange={setContent} minHeight={260} tabIndents />
          <p className="muted mt-1 text-xs">Tab indents; Escape leaves the editor.</p>
        </div>
        {up.error ? <ErrorState error={up.error} compact /> : null}
      </form>
    </Modal>
  );
}

function SourceDialog({ connId, name, onClose }: { connId: number; name: string; onClose: () => void }) {
  const q = useQuery({ queryKey: keys.udf(connId, name), queryFn: () => endpoints.udfSource(connId, name) });
  return (
    <Modal open wide title={name} onClose={onClose}>
      {q.isLoading ? <Loading what="Loading source" height={260} /> : q.isError ? <ErrorState error={q.error} onRetry={() => q.refetch()} /> : <CodeEditor language="lua" readOnly label={`Source of ${name}`} value={q.data?.content ?? ""} minHeight={260} />}
    </Modal>
  );
}

function ExecuteDialog({ connId, module, onClose }: { connId: number; module: string; onClose: () => void }) {
  const nsq = useQuery({ queryKey: keys.namespaces(connId), queryFn: () => endpoints.namespaces(connId) });
  const [ns, setNs] = useState("");
  const [set, setSet] = useState("");
  const [keyType, setKeyType] = useState<KeyType>("string");
  const [keyText, setKeyText] = useState("");
  const [fn, setFn] = useState("");
  const [args, setArgs] = useState("[]");
  const [errs, setErrs] = useState<Record<string, string>>({});
  const namespace = ns || nsq.data?.[0]?.name || "";
  const exec = useMutation({ mutationFn: (e: UdfExecute) => endpoints.executeUdf(connId, module, e) });
  const submit = () => {
    const e: Record<string, string> = {};
    const k = keyFromText(keyType, keyText);
    if (!k.ok) e.key = k.error;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn)) e.fn = "Enter the Lua function name.";
    const a = parseExtendedJson(args);
    if (!a.ok || a.value.type !== "list") e.args = "Arguments are a JSON list, e.g. [\"bin\", 1].";
    setErrs(e);
    if (Object.keys(e).length || !k.ok || !a.ok || a.value.type !== "list") return;
    exec.mutate({ namespace, set, key: keyText, keyType: wireKeyType(keyType), function: fn, args: a.value.value.map(toWire) });
  };
  return (
    <Modal
      open
      title={`Execute ${module} on a record`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" form="exec-form" className="btn btn-primary" disabled={exec.isPending}>
            {exec.isPending ? <Spinner /> : <Icon name="play" />} Execute
          </button>
        </>
      }
    >
      <form
        id="exec-form"
        className="grid grid-cols-2 gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Namespace">
          {(p) => (
            <select {...p} className="input w-full" value={namespace} onChange={(e) => setNs(e.target.value)}>
              {(nsq.data ?? []).map((n) => (
                <option key={n.name}>{n.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Set">{(p) => <input {...p} className="input w-full mono" value={set} onChange={(e) => setSet(e.target.value)} />}</Field>
        <Field label="Key type">
          {(p) => (
            <select {...p} className="input w-full" value={keyType} onChange={(e) => setKeyType(e.target.value as KeyType)}>
              <option value="string">String</option>
              <option value="int">Integer</option>
              <option value="bytes">Bytes (base64)</option>
            </select>
          )}
        </Field>
        <Field label="Key" error={errs.key}>{(p) => <input {...p} className="input w-full mono" value={keyText} onChange={(e) => setKeyText(e.target.value)} />}</Field>
        <Field label="Function" error={errs.fn}>{(p) => <input {...p} className="input w-full mono" value={fn} onChange={(e) => setFn(e.target.value)} />}</Field>
        <Field label="Arguments (JSON list)" error={errs.args}>{(p) => <input {...p} className="input w-full mono" value={args} onChange={(e) => setArgs(e.target.value)} />}</Field>
      </form>
      <div className="mt-3" aria-live="polite">
        {exec.error ? <ErrorState error={exec.error} compact /> : null}
        {exec.data ? (
          <div>
            <span className="label">Result</span>
            <pre className="panel mono overflow-auto p-2" data-testid="udf-result">
              {(() => {
                const r = parseExtendedJson(JSON.stringify(exec.data.result ?? null));
                return r.ok ? toExtendedJson(r.value, 2) : JSON.stringify(exec.data.result);
              })()}
            </pre>
          </div>
        ) : null}
      </div>
    </Modal>
  );
}

export default function UdfsPage() {
  const id = useConnId();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: keys.udfs(id), queryFn: () => endpoints.udfs(id) });
  const [upload, setUpload] = useState<{ name: string; content: string } | true | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const [executing, setExecuting] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<UdfModule | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const del = useMutation({
    mutationFn: (m: UdfModule) => endpoints.deleteUdf(id, m.filename),
    onSuccess: async () => {
      setDeleting(null);
      await qc.invalidateQueries({ queryKey: keys.udfs(id) });
    },
  });
  return (
    <div>
      <PageHeader
        title="UDFs"
        description="Lua modules registered on the cluster."
        actions={
          <>
            <input
              ref={fileRef}
              type="file"
              accept=".lua,text/x-lua,text/plain"
              className="hidden"
              aria-label="Lua file to upload"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) setUpload({ name: f.name, content: await f.text() });
                e.target.value = "";
              }}
            />
            <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
              <Icon name="upload" /> Upload file
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setUpload(true)}>
              <Icon name="plus" /> New module
            </button>
          </>
        }
      />
      {q.isLoading ? (
        <Loading what="Loading UDF modules" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data?.length ? (
        <EmptyState title="No UDF modules yet — upload one" action={<button type="button" className="btn btn-primary" onClick={() => setUpload(true)}><Icon name="plus" /> New module</button>}>
          UDFs are Lua functions that run next to the data.
        </EmptyState>
      ) : (
        <div className="panel relative overflow-x-auto">
          <table className="table" data-testid="udfs-table">
            <thead>
              <tr>
                <th>Module</th>
                <th>Type</th>
                <th>Hash</th>
                <th><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((m) => (
                <tr key={m.filename}>
                  <td>
                    <button type="button" className="mono hover:underline" onClick={() => setViewing(m.filename)}>
                      {m.filename}
                    </button>
                  </td>
                  <td>{m.type ?? "LUA"}</td>
                  <td className="mono muted text-xs">{m.hash ?? "—"}</td>
                  <td className="num">
                    <div className="flex justify-end gap-1">
                      <IconButton icon="search" label={`View source of ${m.filename}`} onClick={() => setViewing(m.filename)} />
                      <IconButton icon="play" label={`Execute ${m.filename} on a record`} onClick={() => setExecuting(m.filename)} />
                      <IconButton icon="trash" className="btn-danger" label={`Delete ${m.filename}`} onClick={() => setDeleting(m)} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {upload ? <UploadDialog connId={id} onClose={() => setUpload(null)} {...(upload === true ? {} : { initial: upload })} /> : null}
      {viewing ? <SourceDialog connId={id} name={viewing} onClose={() => setViewing(null)} /> : null}
      {executing ? <ExecuteDialog connId={id} module={executing} onClose={() => setExecuting(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete UDF module"
        message={
          <>
            Delete <code className="mono">{deleting?.filename}</code> from every node? Queries and applications calling it will fail.
          </>
        }
        busy={del.isPending}
        error={del.error}
        onConfirm={() => deleting && del.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          del.reset();
        }}
      />
    </div>
  );
}
