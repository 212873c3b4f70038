/** Create wizard (first steps): Basic, Namespace & Storage, Review with the YAML to be applied.
 * Validates as you type; the server's 422 field paths land on the wizard's fields. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError } from "../../api/errors";
import { endpoints, keys } from "../../api/endpoints";
import { ErrorState, Field, Loading, PageHeader, Segmented, Spinner } from "../../components/ui";
import { k8s } from "./api";
import { K8sOff } from "./K8sOff";
import { clusterPath } from "./K8sTemplatesPage";
import { DEFAULT_MODEL, mapServerErrors, resourceYaml, stepOf, STEPS, toRequest, validate, type WizardField, type WizardModel } from "./wizard";

export default function K8sCreateClusterPage() {
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const namespaces = useQuery({ queryKey: ["k8s", "namespaces"], queryFn: k8s.k8sNamespaces, enabled });
  const classes = useQuery({ queryKey: ["k8s", "storageclasses"], queryFn: k8s.storageClasses, enabled });
  const [m, setM] = useState<WizardModel>(DEFAULT_MODEL);
  const [step, setStep] = useState(0);
  const [touched, setTouched] = useState<Set<WizardField>>(new Set());
  const [server, setServer] = useState<ReturnType<typeof mapServerErrors>>({ byField: {}, other: [] });
  const navigate = useNavigate();
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const problems = useMemo(() => validate(m), [m]);
  const request = useMemo(() => toRequest(m), [m]);

  const create = useMutation({
    mutationFn: () => k8s.create(request),
    onSuccess: (r) => navigate(clusterPath(r.cluster.namespace, r.cluster.name)),
    onError: (e) => {
      const fe = e instanceof ApiError ? e.problem.fieldErrors : [];
      const mapped = mapServerErrors(fe);
      setServer(mapped);
      const first = (Object.keys(mapped.byField) as WizardField[]).map(stepOf).filter((s) => s >= 0);
      if (first.length) go(Math.min(...first));
    },
  });

  const set = <K extends WizardField>(k: K, v: WizardModel[K]) => {
    setM((x) => ({ ...x, [k]: v }));
    setTouched((t) => new Set(t).add(k));
    setServer((s) => ({ ...s, byField: { ...s.byField, [k]: undefined } }));
  };
  const go = (to: number) => {
    setStep(to);
    // The new step's heading takes focus so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => stepHeading.current?.focus());
  };
  const stepFields = STEPS[step]!.fields as readonly WizardField[];
  const stepInvalid = stepFields.some((f) => problems[f]);
  const anyInvalid = Object.keys(problems).length > 0;
  const msg = (f: WizardField) => (touched.has(f) || step > stepOf(f) ? problems[f] : undefined) ?? server.byField[f]?.join("; ") ?? null;
  const next = () => {
    if (stepInvalid) {
      setTouched((t) => new Set([...t, ...stepFields]));
      return;
    }
    go(step + 1);
  };

  const text = (f: WizardField, label: string, extra: { hint?: string; list?: string; type?: string; inputMode?: "numeric" } = {}) => (
    <Field label={label} error={msg(f)} hint={extra.hint}>
      {(p) => (
        <input
          {...p}
          className="input w-full"
          name={f}
          type={extra.type ?? "text"}
          inputMode={extra.inputMode}
          list={extra.list}
          autoComplete="off"
          value={String(m[f])}
          onChange={(e) => set(f, e.target.value as never)}
        />
      )}
    </Field>
  );

  return (
    <div className="max-w-3xl">
      <PageHeader
        title="Create Aerospike cluster"
        description={
          <Link to="/k8s" className="underline underline-offset-2">
            All Kubernetes clusters
          </Link>
        }
      />
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled ? (
        <>
          <ol className="mb-4 flex flex-wrap gap-2 text-sm" aria-label="Steps">
            {STEPS.map((s, i) => (
              <li key={s.id} aria-current={i === step ? "step" : undefined} className={`rounded-md border border-[var(--border)] px-2.5 py-1 ${i === step ? "bg-[var(--panel-2)] font-semibold" : "muted"}`}>
                {i + 1}. {s.label}
              </li>
            ))}
          </ol>
          <form
            className="panel space-y-4 p-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (step < STEPS.length - 1) next();
              else if (!anyInvalid) create.mutate();
            }}
          >
            <h2 ref={stepHeading} tabIndex={-1} className="font-semibold" data-testid="wizard-step">
              Step {step + 1} of {STEPS.length}: {STEPS[step]!.label}
            </h2>
            {step === 0 ? (
              <div className="grid gap-4 sm:grid-cols-2">
                {text("name", "Cluster name", { hint: "Lowercase letters, digits and -, at most 63 characters." })}
                {text("namespace", "Kubernetes namespace", { list: "k8s-namespaces" })}
                <datalist id="k8s-namespaces">
                  {namespaces.data?.items.map((n) => <option key={n.name} value={n.name} />)}
                </datalist>
                {text("size", "Size (nodes, 1–8)", { type: "number", inputMode: "numeric" })}
                {text("image", "Aerospike image")}
                <label className="flex items-center gap-2 text-sm sm:col-span-2">
                  <input type="checkbox" checked={m.autoConnect} onChange={(e) => set("autoConnect", e.target.checked)} />
                  Auto-connect: create a connection profile for the cluster's headless service
                </label>
              </div>
            ) : null}
            {step === 1 ? (
              <div className="grid gap-4 sm:grid-cols-2">
                {text("nsName", "Aerospike namespace")}
                {text("replicationFactor", "Replication factor", { type: "number", inputMode: "numeric" })}
                <div className="sm:col-span-2">
                  <span className="label" id="storage-kind">
                    Storage
                  </span>
                  <Segmented<WizardModel["storage"]>
                    label="Storage"
                    value={m.storage}
                    onChange={(v) => set("storage", v)}
                    options={[
                      { value: "memory", label: "In memory" },
                      { value: "persistent", label: "Persistent volume (PVC)" },
                    ]}
                  />
                  {server.byField.storage ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{server.byField.storage.join("; ")}</p> : null}
                </div>
                {text("dataSizeGi", "Data size (GiB)", { type: "number", inputMode: "numeric" })}
                {m.storage === "persistent" ? (
                  <>
                    {text("storageClass", "StorageClass", { list: "k8s-storageclasses", hint: "Empty: the cluster's default StorageClass." })}
                    <datalist id="k8s-storageclasses">
                      {classes.data?.items.map((c) => <option key={c.name} value={c.name} label={c.isDefault ? `${c.name} (default)` : c.name} />)}
                    </datalist>
                    {text("volumeSize", "Volume size", { hint: "e.g. 20Gi" })}
                  </>
                ) : null}
              </div>
            ) : null}
            {step === 2 ? (
              <div className="space-y-3">
                {anyInvalid ? (
                  <div role="alert" className="text-sm text-red-600 dark:text-red-400">
                    Fix first: {Object.values(problems).join("; ")}
                  </div>
                ) : null}
                <p className="text-sm">This resource will be applied{m.autoConnect ? ", and a connection profile created for it" : ""}:</p>
                <pre className="mono max-h-[50vh] overflow-auto rounded bg-[var(--panel-2)] p-2 text-xs" tabIndex={0} aria-label="Resource YAML" data-testid="review-yaml">
                  {resourceYaml(request)}
                </pre>
                {server.other.length ? (
                  <ul className="list-disc pl-5 text-sm text-red-600 dark:text-red-400" data-testid="other-errors">
                    {server.other.map((e, i) => (
                      <li key={i}>
                        <code className="mono">{e.field}</code>: {e.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : null}
            {create.isError && !(create.error instanceof ApiError && create.error.problem.fieldErrors.length) ? <ErrorState error={create.error} compact /> : null}
            <div className="flex flex-wrap justify-between gap-2">
              <button type="button" className="btn" disabled={step === 0} onClick={() => go(step - 1)}>
                Back
              </button>
              {step < STEPS.length - 1 ? (
                <button type="submit" className="btn btn-primary">
                  Next
                </button>
              ) : (
                <button type="submit" className="btn btn-primary" disabled={anyInvalid || create.isPending}>
                  {create.isPending ? <Spinner label="Creating" /> : null}
                  Create cluster
                </button>
              )}
            </div>
          </form>
        </>
      ) : null}
    </div>
  );
}
