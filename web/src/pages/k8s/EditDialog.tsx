/**
 * Edit a running cluster: every field the seed lists for edit, then the diff of exactly what will
 * change (a JSON merge patch of the spec), then apply. The server's 422 paths land on the fields.
 */
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ApiError } from "../../api/errors";
import { ErrorState, Field, Modal, Spinner } from "../../components/ui";
import { k8s, type ClusterDetail } from "./api";
import { editPatch, patchDiff, type DiffLine } from "./editPatch";
import { fromSpec, jsonText, mapServerErrors, parseJson, validate, type ErrorKey, type WizardField, type WizardModel } from "./wizard";
import { Check, Group, TextInput, type Bind } from "./WizardFields";
import { AdvancedStep, MonitoringFields, NetworkFields, RacksStep, ResourcesFields, RollingStep, type Pickers } from "./WizardSteps";

/** Fields of the wizard model the wizard collects at creation only (not shown by the edit). */
const CREATE_ONLY: ReadonlySet<string> = new Set([
  "name", "namespace", "autoConnect", "templateRef", "nsName", "replicationFactor", "storage", "dataSizeGi", "storageClass", "volumeSize",
  "volumeInitMethod", "volumeWipeMethod", "volumeCascadeDelete", "cleanupThreads", "fsInitMethod", "fsWipeMethod", "fsCascadeDelete",
  "blockInitMethod", "blockWipeMethod", "blockCascadeDelete", "localStorageClasses", "deleteLocalStorageOnRestart",
]);

const show = (v: unknown) => (v === undefined ? "(unset)" : typeof v === "string" ? v : JSON.stringify(v));

export function DiffTable({ lines }: { lines: DiffLine[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="edit-diff">
        <caption className="sr-only">Changes that will be applied</caption>
        <thead>
          <tr className="text-left">
            <th scope="col" className="py-1 pr-3">Field</th>
            <th scope="col" className="py-1 pr-3">Now</th>
            <th scope="col" className="py-1">After</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.path} className="border-t border-[var(--border)] align-top">
              <td className="mono py-1 pr-3 text-xs">spec.{l.path}</td>
              <td className="mono py-1 pr-3 text-xs break-all">
                <del className="no-underline">{show(l.before)}</del>
              </td>
              <td className="mono py-1 text-xs break-all">
                <ins className="no-underline font-semibold">{show(l.after)}</ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EditDialog({ cluster, pickers, onClose, onApplied }: { cluster: ClusterDetail; pickers: Pickers; onClose: () => void; onApplied: (changed: string[]) => void }) {
  const spec = cluster.spec as Record<string, unknown>;
  const loaded = useMemo(() => fromSpec(spec, { name: cluster.name, namespace: cluster.namespace }), [spec, cluster.name, cluster.namespace]);
  const [m, setM] = useState<WizardModel>(loaded);
  const initialConfig = useMemo(() => jsonText(spec.aerospikeConfig), [spec]);
  const [configText, setConfigText] = useState(initialConfig);
  const [review, setReview] = useState(false);
  const [server, setServer] = useState<ReturnType<typeof mapServerErrors>>({ byField: {}, other: [] });

  const problems = useMemo(() => {
    const all = validate(m);
    // A cluster whose size comes from its template has no size of its own.
    if (m.size === "" && m.templateRef) delete all.size;
    return Object.fromEntries(Object.entries(all).filter(([k]) => !CREATE_ONLY.has(k)));
  }, [m]) as Partial<Record<ErrorKey, string>>;
  let configError: string | null = null;
  let config: unknown;
  try {
    config = parseJson(configText);
    if (config !== undefined && (config === null || typeof config !== "object" || Array.isArray(config))) configError = "Enter a JSON object";
  } catch (e) {
    configError = `Not valid JSON: ${(e as Error).message}`;
  }
  const invalid = Object.keys(problems).length > 0 || configError !== null;
  const patch = useMemo(
    () => (invalid ? {} : editPatch(spec, loaded, m, configText === initialConfig ? undefined : config)),
    [invalid, spec, loaded, m, configText, initialConfig],
  );
  const diff = useMemo(() => patchDiff(spec, patch), [spec, patch]);

  const apply = useMutation({
    mutationFn: () => k8s.patch(cluster.namespace, cluster.name, patch, cluster.resourceVersion),
    onSuccess: (r) => onApplied(r.changed),
    onError: (e) => {
      if (e instanceof ApiError && e.problem.fieldErrors.length) {
        setServer(mapServerErrors(e.problem.fieldErrors));
        setReview(false);
      }
    },
  });

  const set = <K extends WizardField>(k: K, v: WizardModel[K]) => {
    setM((x) => ({ ...x, [k]: v }));
    setServer((s) => ({ ...s, byField: Object.fromEntries(Object.entries(s.byField).filter(([f]) => f !== k)) }));
  };
  const b: Bind = { m, set, msg: (k) => problems[k] ?? server.byField[k]?.join("; ") ?? null };
  const serverConfig = Object.entries(server.byField)
    .filter(([k]) => k === "storage" || k === "nsName" || k === "replicationFactor" || k === "dataSizeGi")
    .flatMap(([, v]) => v ?? []);

  return (
    <Modal
      open
      wide
      title={review ? `Review changes to ${cluster.name}` : `Edit ${cluster.name}`}
      onClose={onClose}
      footer={
        review ? (
          <>
            <button type="button" className="btn" onClick={() => setReview(false)}>
              Back to editing
            </button>
            <button type="button" className="btn btn-primary" disabled={diff.length === 0 || apply.isPending} onClick={() => apply.mutate()}>
              {apply.isPending ? <Spinner label="Applying" /> : null}
              Apply {diff.length} change{diff.length === 1 ? "" : "s"}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={invalid} onClick={() => setReview(true)}>
              Review changes
            </button>
          </>
        )
      }
    >
      {review ? (
        <div className="space-y-3">
          {diff.length === 0 ? (
            <p className="text-sm">Nothing changed.</p>
          ) : (
            <>
              <p className="text-sm">This merge patch is sent; nothing else in the resource changes.</p>
              <DiffTable lines={diff} />
            </>
          )}
          {apply.isError ? <ErrorState error={apply.error} compact /> : null}
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2" data-testid="edit-form">
          {invalid ? (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400 sm:col-span-2">
              Fix the marked fields to review the change.
            </p>
          ) : null}
          {server.other.length ? (
            <ul className="list-disc pl-5 text-sm text-red-600 dark:text-red-400 sm:col-span-2" data-testid="edit-other-errors">
              {server.other.map((e, i) => (
                <li key={i}>
                  <code className="mono">{e.field}</code>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          <Group title="Cluster">
            <TextInput b={b} f="image" label="Aerospike image" />
            <TextInput b={b} f="size" label="Size (nodes, 1–8)" type="number" inputMode="numeric" hint={m.templateRef ? "Empty: the template's size." : undefined} />
            <Check b={b} f="dynamicConfig" label="Dynamic configuration updates" hint="Apply dynamic config changes with set-config instead of restarting pods." />
            <div className="sm:col-span-2">
              <Field label="Aerospike configuration (JSON)" error={configError ?? (serverConfig.length ? serverConfig.join("; ") : null)} hint="spec.aerospikeConfig; dynamic keys apply without a restart when dynamic updates are on.">
                {(p) => <textarea {...p} className="input mono w-full text-xs" rows={8} spellCheck={false} value={configText} onChange={(e) => setConfigText(e.target.value)} />}
              </Field>
            </div>
          </Group>
          <Group title="Access control (ACL)">
            <p className="text-sm sm:col-span-2">Not available: Aerospike Community Edition has no users, roles or access control.</p>
          </Group>
          <MonitoringFields b={b} />
          <NetworkFields b={b} />
          <Group title="Resources">
            <div className="sm:col-span-2">
              <ResourcesFields b={b} autoConnect={false} />
            </div>
          </Group>
          <Group title="Rolling update">
            <div className="sm:col-span-2">
              <RollingStep b={b} />
            </div>
          </Group>
          <Group title="Racks">
            <div className="sm:col-span-2">
              <RacksStep b={b} pickers={pickers} showStorage={false} />
            </div>
          </Group>
          <div className="sm:col-span-2">
            <AdvancedStep b={b} pickers={pickers} />
          </div>
        </div>
      )}
    </Modal>
  );
}
