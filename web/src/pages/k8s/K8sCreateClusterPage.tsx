/** Create wizard, the seed's nine steps: Basic; Namespace & Storage; Monitoring & Options;
 * Resources; Security (CE: disabled, explained); Rolling Update; Rack Config; Advanced; Review with
 * the YAML to be applied. Validates as you type; the server's 422 field paths land on the fields. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError } from "../../api/errors";
import { endpoints, keys } from "../../api/endpoints";
import { ErrorState, Loading, PageHeader, Spinner } from "../../components/ui";
import { K8sReadOnlyNote, useK8sWrite, writeProps } from "./access";
import { k8s, k8sKeys } from "./api";
import { K8sOff } from "./K8sOff";
import { clusterPath } from "./K8sTemplatesPage";
import { DEFAULT_MODEL, mapServerErrors, resourceYaml, stepOf, stepProblems, STEPS, toRequest, validate, type ErrorKey, type WizardField, type WizardModel } from "./wizard";
import { TextInput, type Bind } from "./WizardFields";
import { AdvancedStep, MonitoringStep, RacksStep, ResourcesFields, RollingStep, SecurityStep, StorageStep, type Pickers } from "./WizardSteps";

export default function K8sCreateClusterPage() {
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const namespaces = useQuery({ queryKey: ["k8s", "namespaces"], queryFn: k8s.k8sNamespaces, enabled });
  const classes = useQuery({ queryKey: ["k8s", "storageclasses"], queryFn: k8s.storageClasses, enabled });
  const templates = useQuery({ queryKey: k8sKeys.templates, queryFn: k8s.templates, enabled });
  const nodes = useQuery({ queryKey: ["k8s", "nodes"], queryFn: k8s.nodes, enabled });
  const [m, setM] = useState<WizardModel>(DEFAULT_MODEL);
  const secrets = useQuery({ queryKey: ["k8s", "secrets", m.namespace], queryFn: () => k8s.secrets(m.namespace), enabled: enabled && !!m.namespace });
  const [step, setStep] = useState(0);
  const canWrite = useK8sWrite();
  const [touched, setTouched] = useState<Set<ErrorKey>>(new Set());
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
      const first = (Object.keys(mapped.byField) as ErrorKey[]).map(stepOf).filter((s) => s >= 0);
      if (first.length) go(Math.min(...first));
    },
  });

  const set = <K extends WizardField>(k: K, v: WizardModel[K]) => {
    setM((x) => ({ ...x, [k]: v }));
    setTouched((t) => new Set(t).add(k));
    setServer((s) => ({ ...s, byField: Object.fromEntries(Object.entries(s.byField).filter(([f]) => f !== k && !(k === "racks" && f.startsWith("racks."))) ) }));
  };
  const go = (to: number) => {
    setStep(to);
    // The new step's heading takes focus so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => stepHeading.current?.focus());
  };
  const stepInvalid = stepProblems(step, problems).length > 0;
  const anyInvalid = Object.keys(problems).length > 0;
  const msg = (f: ErrorKey) => (touched.has(f) || (f.startsWith("racks.") && touched.has("racks")) || step > stepOf(f) ? problems[f] : undefined) ?? server.byField[f]?.join("; ") ?? null;
  const next = () => {
    if (stepInvalid) {
      setTouched((t) => new Set([...t, ...stepProblems(step, problems)]));
      return;
    }
    go(step + 1);
  };
  const b: Bind = { m, set, msg };
  const pickers: Pickers = {
    storageClasses: classes.data?.items ?? [],
    templates: templates.data?.items.map((t) => t.name) ?? [],
    nodes: nodes.data?.items ?? [],
    zones: nodes.data?.zones ?? [],
    secrets: secrets.data?.items ?? [],
  };
  const stepId = STEPS[step]!.id;

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
          <div className="mb-4">
            <K8sReadOnlyNote />
          </div>
          <ol className="mb-4 flex flex-wrap gap-2 text-sm" aria-label="Steps">
            {STEPS.map((s, i) => (
              <li key={s.id}>
                {i < step ? (
                  <button type="button" className="rounded-md border border-[var(--border)] px-2.5 py-1" onClick={() => go(i)} aria-label={`Back to step ${i + 1}: ${s.label}`}>
                    {i + 1}. {s.label}
                  </button>
                ) : (
                  <span aria-current={i === step ? "step" : undefined} className={`inline-block rounded-md border border-[var(--border)] px-2.5 py-1 ${i === step ? "bg-[var(--panel-2)] font-semibold" : "muted"}`}>
                    {i + 1}. {s.label}
                  </span>
                )}
              </li>
            ))}
          </ol>
          <datalist id="k8s-namespaces">
            {namespaces.data?.items.map((n) => <option key={n.name} value={n.name} />)}
          </datalist>
          <datalist id="k8s-storageclasses">
            {pickers.storageClasses.map((c) => <option key={c.name} value={c.name} label={c.isDefault ? `${c.name} (default)` : c.name} />)}
          </datalist>
          <datalist id="k8s-secrets">
            {pickers.secrets.map((c) => <option key={c.name} value={c.name} />)}
          </datalist>
          <form
            className="panel space-y-4 p-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (step < STEPS.length - 1) next();
              else if (!anyInvalid && canWrite) create.mutate();
            }}
          >
            <h2 ref={stepHeading} tabIndex={-1} className="font-semibold" data-testid="wizard-step">
              Step {step + 1} of {STEPS.length}: {STEPS[step]!.label}
            </h2>
            {stepId === "basic" ? (
              <div className="grid gap-4 sm:grid-cols-2">
                <TextInput b={b} f="name" label="Cluster name" hint="Lowercase letters, digits and -, at most 63 characters." />
                <TextInput b={b} f="namespace" label="Kubernetes namespace" list="k8s-namespaces" />
                <TextInput b={b} f="size" label="Size (nodes, 1–8)" type="number" inputMode="numeric" />
                <TextInput b={b} f="image" label="Aerospike image" list="aerospike-images" />
                <datalist id="aerospike-images">
                  <option value="aerospike:ce-8.1.2.0" />
                  <option value="aerospike:ce-8.1.1.1" />
                  <option value="aerospike:ce-8.0.0.10" />
                </datalist>
              </div>
            ) : null}
            {stepId === "storage" ? <StorageStep b={b} /> : null}
            {stepId === "monitoring" ? <MonitoringStep b={b} pickers={pickers} /> : null}
            {stepId === "resources" ? <ResourcesFields b={b} /> : null}
            {stepId === "security" ? <SecurityStep secrets={pickers.secrets} /> : null}
            {stepId === "rolling" ? <RollingStep b={b} /> : null}
            {stepId === "racks" ? <RacksStep b={b} pickers={pickers} /> : null}
            {stepId === "advanced" ? <AdvancedStep b={b} pickers={pickers} /> : null}
            {stepId === "review" ? (
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
                <button type="submit" className="btn btn-primary" {...writeProps(canWrite, anyInvalid || create.isPending)}>
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
