/** One AerospikeCluster: phase, operation progress, cards, pods, events, and day-2 actions. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { ConfirmDialog, ErrorState, Loading, PageHeader, Spinner } from "../../components/ui";
import { k8s, k8sKeys, type OperationKind, type PodInfo } from "./api";
import { K8sReadOnlyNote, useK8sWrite, writeProps } from "./access";
import { ConditionsCard, DriftCard, HealthCard, OperationProgress, ReconciliationCard, TemplateCard, Card, operationTargets } from "./cards";
import { LogsDialog, ScaleDialog, YamlDialog } from "./dialogs";
import { EditDialog } from "./EditDialog";
import { HpaCard } from "./HpaCard";
import { EventsTimeline } from "./EventsTimeline";
import { K8sOff } from "./K8sOff";
import { PhaseBadge } from "./PhaseBadge";
import { PodsTable } from "./PodsTable";
import { age } from "./phase";
import { useClusterStream } from "./useClusterStream";

/** Poll interval while the cluster is changing (the seed's 5 s for the detail page). */
export const DETAIL_POLL_MS = 5_000;

type Dialog = { kind: "edit" } | { kind: "scale" } | { kind: "delete" } | { kind: "yaml" } | { kind: "logs"; pod: PodInfo } | { kind: "op"; op: OperationKind } | null;

export default function K8sClusterDetailPage() {
  const { namespace = "", name = "" } = useParams();
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const poll = (transitional: boolean | undefined): number | false => (transitional ? DETAIL_POLL_MS : false);
  const detail = useQuery({
    queryKey: k8sKeys.cluster(namespace, name),
    queryFn: () => k8s.cluster(namespace, name),
    enabled,
    // Also while the operator has not observed the latest spec (e.g. just after Resume, when the
    // phase is still Paused, which is not transitional).
    refetchInterval: (q) => {
      const d = q.state.data;
      const behind = d?.generation != null && d.status?.observedGeneration !== d.generation;
      return poll(d?.transitional || behind || d?.status?.operationStatus?.phase === "InProgress");
    },
  });
  const fast = (detail.data?.transitional ?? false) || (detail.data?.generation != null && detail.data.status?.observedGeneration !== detail.data.generation);
  useClusterStream(namespace, name, enabled && detail.isSuccess);
  const part = <T,>(key: string, fn: () => Promise<T>) => ({
    queryKey: k8sKeys.part(namespace, name, key),
    queryFn: fn,
    enabled: enabled && detail.isSuccess,
    refetchInterval: poll(fast),
  });
  const health = useQuery(part("health", () => k8s.health(namespace, name)));
  const drift = useQuery(part("drift", () => k8s.drift(namespace, name)));
  const recon = useQuery(part("reconciliation", () => k8s.reconciliation(namespace, name)));
  const events = useQuery(part("events", () => k8s.events(namespace, name)));
  const nodes = useQuery({ queryKey: ["k8s", "nodes"], queryFn: k8s.nodes, enabled: enabled && detail.isSuccess, staleTime: 60_000 });

  const [dialog, setDialog] = useState<Dialog>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: k8sKeys.cluster(namespace, name) });
  const rv = detail.data?.resourceVersion;

  const scale = useMutation({
    mutationFn: (size: number) => k8s.scale(namespace, name, size, rv),
    onSuccess: (r) => {
      setDialog(null);
      setNotice(r.changed.length ? `Scaling to ${String(r.cluster.spec.size ?? "")} pods.` : "The cluster already has that size.");
      void refresh();
    },
  });
  const pause = useMutation({
    // A pause toggle patches one field: it applies to whatever version is stored (the operator's
    // status writes bump the resourceVersion all the time, which would make it a needless 409).
    mutationFn: (paused: boolean) => k8s.setPaused(namespace, name, paused),
    onSuccess: (_r, paused) => {
      setNotice(paused ? "Reconciliation paused." : "Reconciliation resumed.");
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => k8s.remove(namespace, name),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: k8sKeys.clusters });
      navigate("/k8s");
    },
  });
  const operation = useMutation({
    mutationFn: (op: OperationKind) => k8s.operation(namespace, name, op, [...selected]),
    onSuccess: (r, op) => {
      setDialog(null);
      setNotice(`${op} ${r.id} started.`);
      setSelected(new Set());
      void refresh();
    },
  });
  const resync = useMutation({
    mutationFn: () => k8s.resyncTemplate(namespace, name),
    onSuccess: () => {
      setNotice("Template resync requested.");
      void refresh();
    },
  });
  const reset = useMutation({
    mutationFn: () => k8s.resetBreaker(namespace, name),
    onSuccess: (r) => {
      qc.setQueryData(k8sKeys.part(namespace, name, "reconciliation"), r);
      setNotice("Circuit breaker reset requested.");
    },
  });

  const canWrite = useK8sWrite();
  const d = detail.data;
  const paused = d?.spec.paused === true;
  const title = `Cluster ${namespace}/${name}`;
  return (
    <div className="space-y-4">
      <PageHeader
        title={title}
        description={
          <Link to="/k8s" className="underline underline-offset-2">
            All Kubernetes clusters
          </Link>
        }
        actions={
          d ? (
            <>
              <button type="button" className="btn" onClick={() => setDialog({ kind: "edit" })} {...writeProps(canWrite)}>
                Edit
              </button>
              <button type="button" className="btn" onClick={() => setDialog({ kind: "scale" })} {...writeProps(canWrite)}>
                Scale
              </button>
              <button type="button" className="btn" onClick={() => pause.mutate(!paused)} {...writeProps(canWrite, pause.isPending)}>
                {pause.isPending ? <Spinner label="Working" /> : null}
                {paused ? "Resume" : "Pause"}
              </button>
              <button type="button" className="btn" onClick={() => setDialog({ kind: "op", op: "WarmRestart" })} {...writeProps(canWrite)}>
                Warm restart{selected.size ? ` (${selected.size})` : ""}
              </button>
              <button type="button" className="btn" onClick={() => setDialog({ kind: "op", op: "PodRestart" })} {...writeProps(canWrite)}>
                Pod restart{selected.size ? ` (${selected.size})` : ""}
              </button>
              <button type="button" className="btn" onClick={() => setDialog({ kind: "yaml" })}>
                YAML
              </button>
              <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: "delete" })} {...writeProps(canWrite)}>
                Delete
              </button>
            </>
          ) : null
        }
      />
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {d ? <K8sReadOnlyNote /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled && detail.isLoading ? <Loading what="Loading cluster" /> : null}
      {detail.isError ? <ErrorState error={detail.error} onRetry={() => detail.refetch()} /> : null}
      <div role="status" aria-live="polite" className="text-sm" data-testid="k8s-notice">
        {notice}
      </div>
      {pause.isError ? <ErrorState error={pause.error} compact /> : null}
      {d ? (
        <>
          <section className="panel flex flex-wrap items-center gap-x-6 gap-y-2 p-4 text-sm" aria-label="Summary">
            <span>
              Phase <PhaseBadge phase={d.status?.phase} />
            </span>
            {d.status?.phaseReason ? <span data-testid="phase-reason">{d.status.phaseReason}</span> : null}
            <span>
              Pods <span className="num tabular-nums">{d.status?.health ?? `?/${String(d.spec.size ?? "?")}`}</span>
            </span>
            <span className="mono text-xs">{String(d.spec.image ?? "")}</span>
            <span title={d.createdAt ?? undefined}>Age {age(d.createdAt)}</span>
            {d.profileIds.length ? (
              <span>
                Connection{" "}
                <Link className="underline underline-offset-2" to={`/clusters/${d.profileIds[0]}/dashboard`}>
                  open dashboard
                </Link>
              </span>
            ) : null}
          </section>
          {d.status?.operationStatus ? <OperationProgress
              op={d.status.operationStatus}
              podCount={d.pods.length}
              targetPods={operationTargets(d.spec as Record<string, unknown>, d.status.operationStatus.id)}
            /> : null}
          <div className="grid gap-4 lg:grid-cols-2">
            <HealthCard health={health.data} error={health.error ?? undefined} />
            <ReconciliationCard
              status={recon.data}
              error={recon.error ?? undefined}
              onReset={() => reset.mutate()}
              resetting={reset.isPending}
              resetError={reset.error ?? undefined}
            />
            <DriftCard drift={drift.data} error={drift.error ?? undefined} />
            {d.status?.templateSnapshot ? <TemplateCard snapshot={d.status.templateSnapshot} onResync={() => resync.mutate()} resyncing={resync.isPending} resyncError={resync.error ?? undefined} /> : null}
          </div>
          <HpaCard namespace={namespace} name={name} size={typeof d.spec.size === "number" ? d.spec.size : undefined} enabled={enabled && detail.isSuccess} />
          <ConditionsCard conditions={health.data?.conditions ?? []} />
          <Card title={`Pods (${d.pods.length})`} testId="pods-card">
            {canWrite ? <p className="muted mb-2 text-sm">Select pods to restart only those; with none selected, a restart covers every pod.</p> : null}
            <PodsTable pods={d.pods} selected={selected} onSelect={setSelected} onLogs={(pod) => setDialog({ kind: "logs", pod })} />
          </Card>
          <EventsTimeline events={events.data} error={events.error ?? undefined} />
        </>
      ) : null}
      {dialog?.kind === "scale" && d ? (
        <ScaleDialog
          current={typeof d.spec.size === "number" ? d.spec.size : d.status?.size}
          busy={scale.isPending}
          error={scale.error ?? undefined}
          onScale={(n) => scale.mutate(n)}
          onClose={() => {
            scale.reset();
            setDialog(null);
          }}
        />
      ) : null}
      {dialog?.kind === "edit" && d ? (
        <EditDialog
          cluster={d}
          pickers={{ storageClasses: [], templates: [], secrets: [], nodes: nodes.data?.items ?? [], zones: nodes.data?.zones ?? [] }}
          onClose={() => setDialog(null)}
          onApplied={(changed) => {
            setDialog(null);
            setNotice(changed.length ? `Applied: ${changed.join(", ")}.` : "Nothing changed.");
            void refresh();
          }}
        />
      ) : null}
      {dialog?.kind === "logs" ? <LogsDialog namespace={namespace} cluster={name} pod={dialog.pod} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "yaml" ? <YamlDialog namespace={namespace} name={name} onClose={() => setDialog(null)} /> : null}
      <ConfirmDialog
        open={dialog?.kind === "op"}
        title={dialog?.kind === "op" ? `${dialog.op === "WarmRestart" ? "Warm restart" : "Pod restart"} of ${name}` : ""}
        message={
          dialog?.kind === "op" ? (
            <p>
              {dialog.op === "WarmRestart" ? "Restarts the Aerospike server in place" : "Deletes and recreates the pods"} of{" "}
              {selected.size ? <strong>{[...selected].join(", ")}</strong> : <strong>every pod</strong>}, batch by batch.
            </p>
          ) : null
        }
        confirmLabel="Start"
        busy={operation.isPending}
        error={operation.error ?? undefined}
        onConfirm={() => dialog?.kind === "op" && operation.mutate(dialog.op)}
        onClose={() => {
          operation.reset();
          setDialog(null);
        }}
      />
      <ConfirmDialog
        open={dialog?.kind === "delete"}
        title={`Delete cluster ${name}`}
        typed={name}
        message={
          <p>
            Deletes the AerospikeCluster <strong>{namespace}/{name}</strong>; the operator removes its pods and services.
            {d?.profileIds.length ? ` ${d.profileIds.length} connection profile(s) created for it by auto-connect are removed too.` : ""}
          </p>
        }
        busy={remove.isPending}
        error={remove.error ?? undefined}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          remove.reset();
          setDialog(null);
        }}
      />
    </div>
  );
}
