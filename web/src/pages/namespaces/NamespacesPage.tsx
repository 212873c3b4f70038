/** Namespaces: usage, replication factor, stop-writes, objects. */
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { useConnId } from "../../app/useProfile";
import { Badge, EmptyState, ErrorState, Loading, PageHeader, UsageBar } from "../../components/ui";
import { formatBytes, formatNumber } from "../../lib/format";

export default function NamespacesPage() {
  const id = useConnId();
  const q = useQuery({ queryKey: keys.namespaces(id), queryFn: () => endpoints.namespaces(id) });
  return (
    <div>
      <PageHeader title="Namespaces & sets" description="Storage usage and health of every namespace. Open one to see its sets." />
      {q.isLoading ? (
        <Loading what="Loading namespaces" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data?.length ? (
        <EmptyState title="No namespaces">The cluster reports no namespace: add one to the server configuration.</EmptyState>
      ) : (
        <div className="panel relative overflow-x-auto">
          <table className="table" data-testid="namespaces-table">
            <thead>
              <tr>
                <th>Namespace</th>
                <th className="num">Objects</th>
                                <th className="num">Replication factor</th>
                <th>Data used</th>
                <th className="num">Used / total</th>
                <th>Storage</th>
                <th>Writes</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((ns) => (
                <tr key={ns.name}>
                  <td>
                    <Link className="font-medium hover:underline" to={encodeURIComponent(ns.name)}>
                      {ns.name}
                    </Link>
                  </td>
                  <td className="num">{formatNumber(ns.objects)}</td>
                                    <td className="num" title={ns.effectiveReplicationFactor !== ns.replicationFactor ? `effective ${ns.effectiveReplicationFactor ?? "?"}` : undefined}>
                    {ns.replicationFactor ?? "—"}
                  </td>
                  <td>
                    <UsageBar used={ns.dataUsedBytes} total={ns.dataTotalBytes} label={`${ns.name} data usage`} errAt={ns.stopWritesUsedPct ?? 90} />
                  </td>
                  <td className="num">
                    {formatBytes(ns.dataUsedBytes)} / {formatBytes(ns.dataTotalBytes)}
                  </td>
                  <td>{ns.storageEngine ?? "—"}</td>
                  <td>
                    {ns.stopWrites ? (
                      <Badge tone="err">stop-writes</Badge>
                    ) : ns.evicting ? (
                      <Badge tone="warn">evicting (HWM)</Badge>
                    ) : (
                      <Badge tone="ok">accepting</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
