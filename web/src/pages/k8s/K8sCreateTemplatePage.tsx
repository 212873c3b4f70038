/** Create an AerospikeClusterTemplate: every section of the seed's template, validated as you
 * type; the server's 422 paths land on the fields and a 409 (name taken) is shown plainly. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError } from "../../api/errors";
import { endpoints, keys } from "../../api/endpoints";
import { ErrorState, Field, Loading, PageHeader, Spinner } from "../../components/ui";
import { K8sReadOnlyNote, useK8sWrite, writeProps } from "./access";
import { k8s, k8sKeys } from "./api";
import { K8sOff } from "./K8sOff";
import { templatePath } from "./K8sTemplatesPage";
import { EMPTY_TEMPLATE, templateFieldOfPath, templateRequest, TEMPLATE_SECTIONS, validateTemplate, type TemplateField, type TemplateModel } from "./templateModel";
import { ACCESS_TYPES } from "./wizardModel";

type Text = { [K in TemplateField]: TemplateModel[K] extends string ? K : never }[TemplateField];
type Bool = { [K in TemplateField]: TemplateModel[K] extends boolean ? K : never }[TemplateField];

export default function K8sCreateTemplatePage() {
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const classes = useQuery({ queryKey: ["k8s", "storageclasses"], queryFn: k8s.storageClasses, enabled });
  const [t, setT] = useState<TemplateModel>(EMPTY_TEMPLATE);
  const canWrite = useK8sWrite();
  const [touched, setTouched] = useState<Set<TemplateField>>(new Set());
  const [server, setServer] = useState<Partial<Record<TemplateField, string[]>>>({});
  const [other, setOther] = useState<Array<{ field: string; message: string }>>([]);
  const problems = useMemo(() => validateTemplate(t), [t]);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: () => k8s.createTemplate(templateRequest(t)),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: k8sKeys.templates });
      navigate(templatePath(r.template.name));
    },
    onError: (e) => {
      const by: Partial<Record<TemplateField, string[]>> = {};
      const rest: typeof other = [];
      for (const fe of e instanceof ApiError ? e.problem.fieldErrors : []) {
        const f = templateFieldOfPath(fe.field);
        if (f) (by[f] ??= []).push(fe.message);
        else rest.push(fe);
      }
      setServer(by);
      setOther(rest);
    },
  });
  const set = <K extends TemplateField>(k: K, v: TemplateModel[K]) => {
    setT((x) => ({ ...x, [k]: v }));
    setTouched((s) => new Set(s).add(k));
    setServer((s) => ({ ...s, [k]: undefined }));
  };
  const msg = (f: TemplateField) => (touched.has(f) ? problems[f] : undefined) ?? server[f]?.join("; ") ?? null;
  const text = (f: Text, label: string, o: { hint?: ReactNode; area?: boolean; list?: string; placeholder?: string } = {}) => (
    <Field label={label} error={msg(f)} hint={o.hint}>
      {(p) =>
        o.area ? (
          <textarea {...p} className="input mono w-full text-xs" rows={3} spellCheck={false} name={f} value={t[f]} onChange={(e) => set(f, e.target.value)} />
        ) : (
          <input {...p} className="input w-full" name={f} list={o.list} placeholder={o.placeholder} autoComplete="off" value={t[f]} onChange={(e) => set(f, e.target.value)} />
        )
      }
    </Field>
  );
  const select = (f: Text, label: string, options: readonly string[], unset = "Default") => (
    <Field label={label} error={msg(f)}>
      {(p) => (
        <select {...p} className="input w-full" name={f} value={t[f]} onChange={(e) => set(f, e.target.value)}>
          <option value="">{unset}</option>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const check = (f: Bool, label: string) => (
    <div className="sm:col-span-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name={f} checked={t[f]} onChange={(e) => set(f, e.target.checked)} />
        {label}
      </label>
      {msg(f) ? <p className="ml-6 text-xs text-red-600 dark:text-red-400">{msg(f)}</p> : null}
    </div>
  );
  const controls: Record<TemplateField, ReactNode> = {
    name: text("name", "Template name", { hint: "Cluster-scoped; lowercase letters, digits, - and ." }),
    description: text("description", "Description"),
    image: text("image", "Default image", { placeholder: "aerospike:ce-8.1.2.0" }),
    size: text("size", "Default size (1–8)"),
    cpuRequest: text("cpuRequest", "CPU request", { placeholder: "1" }),
    cpuLimit: text("cpuLimit", "CPU limit", { placeholder: "2" }),
    memoryRequest: text("memoryRequest", "Memory request", { placeholder: "4Gi" }),
    memoryLimit: text("memoryLimit", "Memory limit", { placeholder: "8Gi" }),
    podAntiAffinityLevel: select("podAntiAffinityLevel", "Pod anti-affinity", ["none", "preferred", "required"]),
    podManagementPolicy: select("podManagementPolicy", "Pod management policy", ["OrderedReady", "Parallel"]),
    tolerations: text("tolerations", "Tolerations", { area: true, hint: "One per line: key=value:NoSchedule, key:NoExecute or key." }),
    nodeAffinity: text("nodeAffinity", "Node affinity (JSON)", { area: true, hint: '{"requiredDuringSchedulingIgnoredDuringExecution": {...}}' }),
    topologySpreadConstraints: text("topologySpreadConstraints", "Topology spread constraints (JSON list)", { area: true }),
    storageClassName: text("storageClassName", "StorageClass", { list: "tpl-storageclasses" }),
    volumeMode: select("volumeMode", "Volume mode", ["Filesystem", "Block"]),
    storageSize: text("storageSize", "Volume size", { placeholder: "50Gi" }),
    localPVRequired: check("localPVRequired", "Requires a node-local PersistentVolume"),
    localStorageClasses: text("localStorageClasses", "Local StorageClasses", { hint: "Separated by commas." }),
    deleteLocalStorageOnRestart: check("deleteLocalStorageOnRestart", "Delete local PVCs when their pod restarts"),
    monitoringEnabled: check("monitoringEnabled", "Enable the metrics exporter by default"),
    exporterImage: text("exporterImage", "Exporter image"),
    exporterPort: text("exporterPort", "Exporter port", { placeholder: "9145" }),
    accessType: select("accessType", "Access type", ACCESS_TYPES),
    alternateAccessType: select("alternateAccessType", "Alternate access type", ACCESS_TYPES),
    fabricType: select("fabricType", "Fabric type", ACCESS_TYPES),
    featureKeyFile: text("featureKeyFile", "Feature key file", { placeholder: "/etc/aerospike/secrets/features.conf" }),
    serviceOverrides: text("serviceOverrides", "Other service keys (JSON)", { area: true, hint: '{"proto-fd-max": 20000}' }),
    heartbeatMode: select("heartbeatMode", "Heartbeat mode", ["mesh", "multicast"]),
    heartbeatPort: text("heartbeatPort", "Heartbeat port", { placeholder: "3002" }),
    heartbeatInterval: text("heartbeatInterval", "Heartbeat interval (ms)", { placeholder: "150" }),
    heartbeatTimeout: text("heartbeatTimeout", "Heartbeat timeout (missed intervals)", { placeholder: "10" }),
    maxRacksPerNode: text("maxRacksPerNode", "Max racks per node", { hint: "0 = no limit; informational." }),
    namespaceDefaults: text("namespaceDefaults", "Namespace defaults (JSON)", { area: true, hint: 'Merged under every namespace, e.g. {"default-ttl": 0}' }),
  };
  const invalid = Object.keys(problems).length > 0;
  return (
    <div className="max-w-3xl">
      <PageHeader
        title="Create cluster template"
        description={
          <Link to="/k8s/templates" className="underline underline-offset-2">
            All templates
          </Link>
        }
      />
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled ? (
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(new Set(Object.keys(EMPTY_TEMPLATE) as TemplateField[]));
            if (!invalid && canWrite) create.mutate();
          }}
        >
          <K8sReadOnlyNote />
          <datalist id="tpl-storageclasses">
            {classes.data?.items.map((c) => <option key={c.name} value={c.name} />)}
          </datalist>
          {TEMPLATE_SECTIONS.map((s) => (
            <fieldset key={s.title} className="panel grid min-w-0 grid-cols-1 gap-3 p-4 [overflow-wrap:anywhere] sm:grid-cols-2">
              <legend className="px-1 font-semibold">{s.title}</legend>
              {s.fields.map((f) => (
                <div key={f} className={controls[f] && (f.endsWith("Required") || f === "monitoringEnabled" || f === "deleteLocalStorageOnRestart") ? "min-w-0 sm:col-span-2" : "min-w-0"}>
                  {controls[f]}
                </div>
              ))}
            </fieldset>
          ))}
          {other.length ? (
            <ul className="list-disc pl-5 text-sm text-red-600 dark:text-red-400" data-testid="template-other-errors">
              {other.map((e, i) => (
                <li key={i}>
                  <code className="mono">{e.field}</code>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {create.isError && !(create.error instanceof ApiError && create.error.problem.fieldErrors.length) ? <ErrorState error={create.error} compact /> : null}
          <div className="flex flex-wrap gap-2">
            <button type="submit" className="btn btn-primary" {...writeProps(canWrite, create.isPending)}>
              {create.isPending ? <Spinner label="Creating" /> : null}
              Create template
            </button>
            <Link className="btn" to="/k8s/templates">
              Cancel
            </Link>
          </div>
        </form>
      ) : null}
    </div>
  );
}
