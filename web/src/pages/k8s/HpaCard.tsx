/** HorizontalPodAutoscaler of a cluster: view, create/edit (min/max replicas, CPU/memory
 * targets), delete. The server answers 404 when the cluster has none. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/errors";
import { Badge, ConfirmDialog, ErrorState, Field, Modal, Spinner } from "../../components/ui";
import { useK8sWrite, writeProps } from "./access";
import { k8s, k8sKeys, type HpaRequest, type HpaView } from "./api";
import { Card } from "./cards";
import { age } from "./phase";

export interface HpaForm {
  min: string;
  max: string;
  cpu: string;
  memory: string;
}

/** Problems of the form (the server's rules), per field. */
export function validateHpa(f: HpaForm): Partial<Record<keyof HpaForm, string>> {
  const e: Partial<Record<keyof HpaForm, string>> = {};
  const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);
  const min = int(f.min);
  const max = int(f.max);
  if (Number.isNaN(min) || min < 1 || min > 8) e.min = "Between 1 and 8";
  if (Number.isNaN(max) || max < 1 || max > 8) e.max = "Between 1 and 8 (the Community Edition limit)";
  else if (!e.min && max < min) e.max = "At least the minimum";
  for (const k of ["cpu", "memory"] as const) {
    if (f[k] && (Number.isNaN(int(f[k])) || int(f[k]) < 1 || int(f[k]) > 1000)) e[k] = "A percentage between 1 and 1000";
  }
  if (!f.cpu && !f.memory) e.cpu = "Set a CPU or a memory target (or both)";
  return e;
}

export function hpaRequest(f: HpaForm): HpaRequest {
  return {
    minReplicas: Number(f.min),
    maxReplicas: Number(f.max),
    ...(f.cpu ? { cpuUtilization: Number(f.cpu) } : {}),
    ...(f.memory ? { memoryUtilization: Number(f.memory) } : {}),
  };
}

const formOf = (h: HpaView | null | undefined, size: number | undefined): HpaForm =>
  h
    ? { min: String(h.minReplicas), max: String(h.maxReplicas), cpu: h.cpuUtilization != null ? String(h.cpuUtilization) : "", memory: h.memoryUtilization != null ? String(h.memoryUtilization) : "" }
    : { min: String(size ?? 1), max: "8", cpu: "70", memory: "" };

function HpaDialog({ namespace, name, current, size, onClose }: { namespace: string; name: string; current: HpaView | null; size?: number; onClose: () => void }) {
  const [f, setF] = useState<HpaForm>(() => formOf(current, size));
  const [touched, setTouched] = useState(false);
  const qc = useQueryClient();
  const problems = validateHpa(f);
  const save = useMutation({
    mutationFn: () => k8s.putHpa(namespace, name, hpaRequest(f)),
    onSuccess: (h) => {
      qc.setQueryData(k8sKeys.part(namespace, name, "hpa"), h);
      onClose();
    },
  });
  const serverMsg = (field: string) => (save.error instanceof ApiError ? save.error.problem.fieldErrors.filter((e) => e.field === field).map((e) => e.message) : []);
  const input = (k: keyof HpaForm, label: string, serverField: string, hint?: string) => (
    <Field label={label} error={(touched || f[k] !== formOf(current, size)[k] ? problems[k] : undefined) ?? (serverMsg(serverField).join("; ") || null)} hint={hint}>
      {(p) => <input {...p} className="input w-full" type="number" inputMode="numeric" value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} />}
    </Field>
  );
  const submit = () => {
    setTouched(true);
    if (Object.keys(problems).length === 0) save.mutate();
  };
  return (
    <Modal
      open
      title={current ? "Edit autoscaler" : "Create autoscaler"}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={save.isPending} onClick={submit}>
            {save.isPending ? <Spinner label="Saving" /> : null}
            {current ? "Save" : "Create"}
          </button>
        </>
      }
    >
      <form
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {input("min", "Min replicas", "minReplicas")}
        {input("max", "Max replicas", "maxReplicas", "At most 8 on Community Edition.")}
        {input("cpu", "CPU target (%)", "cpuUtilization", "Average utilization of the CPU requests.")}
        {input("memory", "Memory target (%)", "memoryUtilization", "Average utilization of the memory requests.")}
        <button type="submit" className="sr-only" tabIndex={-1}>
          Save
        </button>
      </form>
      {save.isError && !(save.error instanceof ApiError && save.error.problem.fieldErrors.length) ? (
        <div className="mt-3">
          <ErrorState error={save.error} compact />
        </div>
      ) : null}
    </Modal>
  );
}

export function HpaCard({ namespace, name, size, enabled }: { namespace: string; name: string; size?: number; enabled: boolean }) {
  const qc = useQueryClient();
  const hpa = useQuery({
    queryKey: k8sKeys.part(namespace, name, "hpa"),
    // 404: the cluster has no autoscaler (a state, not an error).
    queryFn: () => k8s.hpa(namespace, name).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
    enabled,
  });
  const [dialog, setDialog] = useState<"edit" | "delete" | null>(null);
  const canWrite = useK8sWrite();
  const remove = useMutation({
    mutationFn: () => k8s.deleteHpa(namespace, name),
    onSuccess: () => {
      qc.setQueryData(k8sKeys.part(namespace, name, "hpa"), null);
      setDialog(null);
    },
  });
  const h = hpa.data;
  return (
    <Card
      title="Autoscaling (HPA)"
      testId="hpa-card"
      actions={
        hpa.isSuccess ? (
          <>
            <button type="button" className="btn" onClick={() => setDialog("edit")} {...writeProps(canWrite)}>
              {h ? "Edit autoscaler" : "Create autoscaler"}
            </button>
            {h ? (
              <button type="button" className="btn" onClick={() => setDialog("delete")} {...writeProps(canWrite)}>
                Delete autoscaler
              </button>
            ) : null}
          </>
        ) : null
      }
    >
      {hpa.isLoading ? <Spinner label="Loading autoscaler" /> : null}
      {hpa.isError ? <ErrorState error={hpa.error} compact /> : null}
      {hpa.isSuccess && !h ? <p className="muted text-sm">No HorizontalPodAutoscaler: the size changes only when you scale.</p> : null}
      {h ? (
        <div className="space-y-1 text-sm" data-testid="hpa-view">
          <p>
            <span className="num tabular-nums">
              {h.minReplicas}–{h.maxReplicas}
            </span>{" "}
            pods · targets {h.cpuUtilization != null ? `CPU ${h.cpuUtilization}%` : ""}
            {h.cpuUtilization != null && h.memoryUtilization != null ? ", " : ""}
            {h.memoryUtilization != null ? `memory ${h.memoryUtilization}%` : ""}
          </p>
          <p>
            Now <span className="num tabular-nums">{h.currentReplicas ?? "?"}</span>, wanted <span className="num tabular-nums">{h.desiredReplicas ?? "?"}</span>
            {h.currentMetrics.length ? ` · observed ${h.currentMetrics.map((c) => `${c.resource} ${c.averageUtilization ?? "?"}%`).join(", ")}` : ""}
            {h.lastScaleTime ? ` · last scaled ${age(h.lastScaleTime)} ago` : ""}
          </p>
          {h.conditions.length ? (
            <ul className="flex flex-wrap gap-2">
              {h.conditions.map((c) => (
                <li key={c.type} title={c.message}>
                  <Badge tone={c.status === "True" ? "ok" : "warn"}>
                    {c.type}: {c.status}
                  </Badge>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {dialog === "edit" && hpa.isSuccess ? <HpaDialog namespace={namespace} name={name} current={h ?? null} size={size} onClose={() => setDialog(null)} /> : null}
      <ConfirmDialog
        open={dialog === "delete"}
        title={`Delete the autoscaler of ${name}`}
        message={<p>Deletes the HorizontalPodAutoscaler {h?.name}; the cluster keeps its current size.</p>}
        busy={remove.isPending}
        error={remove.error ?? undefined}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          remove.reset();
          setDialog(null);
        }}
      />
    </Card>
  );
}
