/** Kubernetes: the AerospikeCluster resources, with phase, size/ready, image, age, template. */
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { Badge, EmptyState, ErrorState, Loading, PageHeader } from "../../components/ui";
import { K8sReadOnlyNote, WriteLink } from "./access";
import { k8s, k8sKeys, type ClusterSummary } from "./api";
import { K8sOff } from "./K8sOff";
import { K8sTabs } from "./K8sTabs";
import { PhaseBadge } from "./PhaseBadge";
import { age } from "./phase";
import { useClusterListStream } from "./useClusterStream";

/** Poll interval while any cluster is changing (the seed's 10 s for the list). */
export const LIST_POLL_MS = 10_000;

export default function K8sClustersPage() {
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const list = useQuery({
    queryKey: k8sKeys.clusters,
    queryFn: k8s.clusters,
    enabled,
    refetchInterval: (q) => (q.state.data?.items.some((c) => c.transitional) ? LIST_POLL_MS : false),
  });
  // While a cluster is changing, its rows follow the watch stream; polling stays as the fallback.
  useClusterListStream(enabled && (list.data?.items.some((c) => c.transitional) ?? false));
  return (
    <div>
      <PageHeader
        title="Kubernetes clusters"
        description="AerospikeCluster resources managed by the operator."
        actions={
          enabled ? (
            <>
              <button type="button" className="btn" onClick={() => list.refetch()}>
                Refresh
              </button>
              <WriteLink className="btn btn-primary" to="/k8s/new">
                Create cluster
              </WriteLink>
            </>
          ) : null
        }
      />
      {enabled ? <K8sTabs /> : null}
      {enabled ? <K8sReadOnlyNote /> : null}
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {settings.isError ? <ErrorState error={settings.error} onRetry={() => settings.refetch()} /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled && list.isLoading ? <Loading what="Loading clusters" /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title="No Aerospike clusters">Create an AerospikeCluster resource (for example with kubectl apply) and it shows up here.</EmptyState>
      ) : null}
      {list.data && list.data.items.length > 0 ? <ClusterTable items={list.data.items} /> : null}
    </div>
  );
}

export function ClusterTable({ items, now = Date.now() }: { items: ClusterSummary[]; now?: number }) {
  return (
    <div className="panel relative overflow-x-auto">
      <table className="w-full text-sm" data-testid="k8s-cluster-table">
        <caption className="sr-only">AerospikeCluster resources</caption>
        <thead>
          <tr className="border-b border-[var(--border)] text-left">
            <th scope="col" className="px-3 py-2">Name</th>
            <th scope="col" className="px-3 py-2">Namespace</th>
            <th scope="col" className="px-3 py-2">Phase</th>
            <th scope="col" className="px-3 py-2">Ready / size</th>
            <th scope="col" className="px-3 py-2">Image</th>
            <th scope="col" className="px-3 py-2">Template</th>
            <th scope="col" className="px-3 py-2">Age</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={`${c.namespace}/${c.name}`} className="border-b border-[var(--border)] last:border-0" data-testid="k8s-cluster-row">
              <td className="px-3 py-2 font-medium">
                <Link className="underline-offset-2 hover:underline" to={`/k8s/clusters/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.name)}`}>
                  {c.name}
                </Link>
              </td>
              <td className="px-3 py-2">{c.namespace}</td>
              <td className="px-3 py-2">
                <PhaseBadge phase={c.phase} />
                {c.paused && c.phase !== "Paused" ? <span className="ml-1"><Badge>paused</Badge></span> : null}
                {c.phaseReason ? <div className="muted mt-0.5 text-xs">{c.phaseReason}</div> : null}
              </td>
              <td className="num px-3 py-2 tabular-nums">{readyOf(c)}</td>
              <td className="mono px-3 py-2 text-xs">{c.image ?? "—"}</td>
              <td className="px-3 py-2">{c.templateRef ? <TemplateBadge name={c.templateRef} synced={c.templateSynced} /> : <span className="muted">—</span>}</td>
              <td className="px-3 py-2" title={c.createdAt ?? undefined}>{age(c.createdAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `ready/desired` from the status, else `?/size`. */
export function readyOf(c: Pick<ClusterSummary, "health" | "size">): string {
  if (c.health) return c.health;
  return c.size == null ? "—" : `?/${c.size}`;
}

/** The template a cluster uses, and whether the cluster is in sync with it. */
export function TemplateBadge({ name, synced }: { name: string; synced?: boolean | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="template-sync">
      <Link className="underline-offset-2 hover:underline" to={`/k8s/templates/${encodeURIComponent(name)}`}>
        {name}
      </Link>
      {synced === true ? <Badge tone="ok">Synced</Badge> : synced === false ? <Badge tone="warn">Out of Sync</Badge> : <span className="muted text-xs">not resolved yet</span>}
    </span>
  );
}
