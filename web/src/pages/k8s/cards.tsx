/** Cards of the cluster detail page: conditions, health, configuration drift, reconciliation
 * health (circuit breaker), template snapshot, operation progress. */
import { useEffect, useState, type ReactNode } from "react";
import { Badge, ErrorState, Spinner } from "../../components/ui";
import { useK8sWrite, writeProps } from "./access";
import type { ClusterHealth, ClusterStatus, ConditionView, ConfigDrift, ReconciliationStatus } from "./api";
import { age } from "./phase";

export function Card({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="panel min-w-0 p-4" aria-label={title} data-testid={testId}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

const condTone = (c: ConditionView) => (c.status === "True" ? "ok" : c.status === "False" ? "err" : "neutral");

export function ConditionsCard({ conditions }: { conditions: ConditionView[] }) {
  return (
    <Card title="Conditions" testId="conditions-card">
      {conditions.length === 0 ? (
        <p className="muted text-sm">The operator has not reported conditions yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left">
                <th scope="col" className="py-1 pr-3">Type</th>
                <th scope="col" className="py-1 pr-3">Status</th>
                <th scope="col" className="py-1 pr-3">Reason</th>
                <th scope="col" className="py-1 pr-3">Message</th>
                <th scope="col" className="py-1">Since</th>
              </tr>
            </thead>
            <tbody>
              {conditions.map((c) => (
                <tr key={c.type} className="border-t border-[var(--border)] align-top">
                  <td className="py-1 pr-3 font-medium">{c.type}</td>
                  <td className="py-1 pr-3">
                    <Badge tone={condTone(c)}>{c.status}</Badge>
                  </td>
                  <td className="py-1 pr-3">{c.reason || "—"}</td>
                  <td className="py-1 pr-3 break-words">{c.message || "—"}</td>
                  <td className="py-1" title={c.lastTransitionTime}>{age(c.lastTransitionTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function HealthCard({ health, error }: { health?: ClusterHealth; error?: unknown }) {
  return (
    <Card title="Health" testId="health-card">
      {error ? <ErrorState error={error} compact /> : null}
      {!health && !error ? <Spinner label="Loading health" /> : null}
      {health ? (
        <div className="space-y-2 text-sm">
          <p>
            {health.healthy ? <Badge tone="ok">healthy</Badge> : <Badge tone="warn">not healthy</Badge>}{" "}
            <span className="num tabular-nums">
              {health.ready}/{health.desired ?? "?"} pods ready
            </span>
            {health.aerospikeClusterSize != null ? <span className="muted"> · Aerospike reports cluster size {health.aerospikeClusterSize}</span> : null}
          </p>
          <p>
            Migrations:{" "}
            {health.migration ? (
              health.migration.inProgress ? (
                <Badge tone="warn">{health.migration.remainingPartitions ?? "?"} partitions remaining</Badge>
              ) : (
                <Badge tone="ok">none</Badge>
              )
            ) : (
              <span className="muted">not measured yet</span>
            )}
          </p>
          {health.racks.length > 0 ? (
            <ul className="flex flex-wrap gap-2" aria-label="Rack distribution">
              {health.racks.map((r) => (
                <li key={r.rack} className="rounded-md border border-[var(--border)] px-2 py-1">
                  <span className="font-medium">Rack {r.rack}</span>
                  {r.zone ? <span className="muted"> ({r.zone})</span> : null}:{" "}
                  <span className="num tabular-nums">
                    {r.ready}/{r.pods.length} ready
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

const show = (v: unknown) => (v === null || v === undefined ? "(absent)" : typeof v === "string" ? v : JSON.stringify(v));

export function DriftCard({ drift, error }: { drift?: ConfigDrift; error?: unknown }) {
  return (
    <Card title="Configuration drift" testId="drift-card">
      {error ? <ErrorState error={error} compact /> : null}
      {!drift && !error ? <Spinner label="Loading drift" /> : null}
      {drift ? (
        <div className="space-y-2 text-sm">
          <p>
            {drift.drifted ? <Badge tone="warn">drifted</Badge> : <Badge tone="ok">in sync</Badge>}
            {drift.generation != null ? (
              <span className="muted">
                {" "}
                · generation {drift.generation}, observed {drift.observedGeneration ?? "—"}
              </span>
            ) : null}
          </p>
          {!drift.appliedSpecKnown ? <p className="muted">The operator has not recorded an applied spec yet.</p> : null}
          {drift.fields.length > 0 ? (
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid="drift-fields">
                <caption className="sr-only">Spec fields that differ from the applied spec</caption>
                <thead>
                  <tr className="text-left">
                    <th scope="col" className="py-1 pr-3">Field</th>
                    <th scope="col" className="py-1 pr-3">Applied</th>
                    <th scope="col" className="py-1">Desired</th>
                  </tr>
                </thead>
                <tbody>
                  {drift.fields.map((f) => (
                    <tr key={f.path} className="border-t border-[var(--border)] align-top">
                      <td className="mono py-1 pr-3">{f.path}</td>
                      <td className="mono py-1 pr-3 break-all">{show(f.applied)}</td>
                      <td className="mono py-1 break-all">{show(f.desired)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <div>
            <h3 className="font-medium">Pods by configuration ({drift.hashGroups.length} {drift.hashGroups.length === 1 ? "group" : "groups"})</h3>
            <ul className="mt-1 space-y-1" data-testid="hash-groups">
              {drift.hashGroups.map((g, i) => (
                <li key={i} className="rounded-md border border-[var(--border)] px-2 py-1">
                  <span className="mono text-xs">
                    config {short(g.configHash)} · pod spec {short(g.podSpecHash)}
                  </span>
                  : {g.pods.join(", ")}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
    </Card>
  );
}

export const short = (h: string | null | undefined) => (h ? h.slice(0, 10) : "—");

/** Seconds until `at` (RFC 3339), ticking every second; null when unknown or past. */
function useCountdown(at: string | null | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [at]);
  if (!at) return null;
  const ms = Date.parse(at) - now;
  return Number.isNaN(ms) ? null : Math.max(0, Math.ceil(ms / 1000));
}

export function ReconciliationCard({
  status,
  error,
  onReset,
  resetting,
  resetError,
}: {
  status?: ReconciliationStatus;
  error?: unknown;
  onReset: () => void;
  resetting: boolean;
  resetError?: unknown;
}) {
  const left = useCountdown(status?.nextRetryAt);
  const canWrite = useK8sWrite();
  const pct = status && status.threshold > 0 ? Math.min(100, (status.failedReconcileCount / status.threshold) * 100) : 0;
  const tone = status?.state === "open" ? "err" : status?.state === "degraded" ? "warn" : "ok";
  return (
    <Card
      title="Reconciliation health"
      testId="reconciliation-card"
      actions={
        <button type="button" className="btn" onClick={onReset} {...writeProps(canWrite, !status || resetting || status.resetRequested)}>
          {resetting ? <Spinner label="Resetting" /> : null}
          Reset circuit breaker
        </button>
      }
    >
      {error ? <ErrorState error={error} compact /> : null}
      {resetError ? <ErrorState error={resetError} compact /> : null}
      {!status && !error ? <Spinner label="Loading reconciliation health" /> : null}
      {status ? (
        <div className="space-y-2 text-sm">
          <p>
            Circuit breaker <Badge tone={tone}>{status.state}</Badge>
            {status.resetRequested ? <span className="muted"> · reset requested, waiting for the operator</span> : null}
          </p>
          <div className="flex items-center gap-2">
            <div
              className="h-2 w-40 overflow-hidden rounded-full bg-[var(--panel-2)]"
              role="meter"
              aria-label="Failed reconciles toward the breaker threshold"
              aria-valuemin={0}
              aria-valuemax={status.threshold}
              aria-valuenow={status.failedReconcileCount}
            >
              <div className={`keep-colors h-full ${tone === "err" ? "bg-red-600" : tone === "warn" ? "bg-amber-500" : "bg-emerald-600"}`} style={{ width: `${pct}%` }} />
            </div>
            <span className="num tabular-nums">
              {status.failedReconcileCount}/{status.threshold} failures
            </span>
          </div>
          {status.backoffSeconds > 0 ? (
            <p>
              Backing off {status.backoffSeconds}s{left !== null ? <> · next retry in <span className="num tabular-nums">{left}s</span></> : null}
            </p>
          ) : null}
          {status.lastReconcileError ? (
            <p className="break-words">
              <span className="font-medium">Last error:</span> {status.lastReconcileError}
            </p>
          ) : null}
          {status.lastReconcileTime ? <p className="muted">Last reconcile {age(status.lastReconcileTime)} ago</p> : null}
        </div>
      ) : null}
    </Card>
  );
}

export function TemplateCard({
  snapshot,
  onResync,
  resyncing,
  resyncError,
}: {
  snapshot: NonNullable<ClusterStatus["templateSnapshot"]>;
  onResync: () => void;
  resyncing: boolean;
  resyncError?: unknown;
}) {
  const [open, setOpen] = useState(false);
  const canWrite = useK8sWrite();
  return (
    <Card
      title="Template"
      testId="template-card"
      actions={
        <button type="button" className="btn" onClick={onResync} {...writeProps(canWrite, resyncing)}>
          {resyncing ? <Spinner label="Resyncing" /> : null}
          Resync template
        </button>
      }
    >
      {resyncError ? <ErrorState error={resyncError} compact /> : null}
      <div className="space-y-1 text-sm">
        <p>
          <span className="font-medium">{snapshot.name}</span>{" "}
          {snapshot.synced ? <Badge tone="ok">Synced</Badge> : <Badge tone="warn">Out of Sync</Badge>}
        </p>
        <p className="muted">
          Version {snapshot.resourceVersion ?? "—"} · snapshot {snapshot.snapshotTimestamp ? `${age(snapshot.snapshotTimestamp)} ago` : "—"} · last sync{" "}
          <span title={snapshot.lastSyncTime ?? undefined}>{snapshot.lastSyncTime ? `${age(snapshot.lastSyncTime)} ago` : "—"}</span>
        </p>
        {snapshot.spec ? (
          <>
            <button type="button" className="btn" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
              {open ? "Hide template spec" : "Show template spec"}
            </button>
            {open ? <pre className="mono max-h-64 overflow-auto rounded bg-[var(--panel-2)] p-2 text-xs">{JSON.stringify(snapshot.spec, null, 2)}</pre> : null}
          </>
        ) : null}
      </div>
    </Card>
  );
}

/** The pods an operation of the spec names (`podList`), if it names any. */
export function operationTargets(spec: Record<string, unknown>, id: string): string[] | undefined {
  const ops = Array.isArray(spec.operations) ? (spec.operations as Array<Record<string, unknown>>) : [];
  const list = ops.find((o) => o.id === id)?.podList;
  return Array.isArray(list) && list.length > 0 ? list.map(String) : undefined;
}

/** Progress of the current operation: over the pods it names, else over every pod. */
export function OperationProgress({
  op,
  podCount,
  targetPods,
}: {
  op: NonNullable<ClusterStatus["operationStatus"]>;
  podCount: number;
  targetPods?: string[];
}) {
  const done = op.completedPods?.length ?? 0;
  const failed = op.failedPods?.length ?? 0;
  const total = Math.max(targetPods?.length ?? podCount, done + failed, 1);
  const pct = Math.round(((done + failed) / total) * 100);
  return (
    <section className="panel p-4" aria-label="Operation progress" data-testid="operation-progress">
      <p className="text-sm">
        <span className="font-medium">{op.kind}</span> <span className="mono text-xs">{op.id}</span> · {op.phase}
      </p>
      <div className="mt-2 flex items-center gap-2">
        <div className="h-2 w-56 overflow-hidden rounded-full bg-[var(--panel-2)]" role="progressbar" aria-label={`${op.kind} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="keep-colors h-full bg-emerald-600" style={{ width: `${pct}%` }} />
        </div>
        <span className="num text-sm tabular-nums">
          {done} completed · {failed} failed · {total} pods
        </span>
      </div>
      {failed > 0 ? <p className="mt-1 text-sm">Failed: {op.failedPods?.join(", ")}</p> : null}
    </section>
  );
}
