/** One namespace: its sets, browse links, and truncate with a typed confirmation. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import type { SetView } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { Icon } from "../../components/icons";
import { Badge, ConfirmDialog, EmptyState, ErrorState, Loading, PageHeader, UsageBar } from "../../components/ui";
import { formatBytes, formatNumber } from "../../lib/format";
import { NULL_SET_SEGMENT, noSetObjects, segmentForSet } from "../../lib/setSegment";

export default function NamespaceDetailPage() {
  const id = useConnId();
  const ns = useParams().ns ?? "";
  const qc = useQueryClient();
  const nsq = useQuery({ queryKey: keys.namespaces(id), queryFn: () => endpoints.namespaces(id) });
  const sets = useQuery({ queryKey: keys.sets(id, ns), queryFn: () => endpoints.sets(id, ns) });
  const [truncating, setTruncating] = useState<SetView | null>(null);
  const info = nsq.data?.find((n) => n.name === ns);
  const browse = (set: string) => `/clusters/${id}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(segmentForSet(set))}`;
  // Records can live in no set; the server counts them only as part of the namespace.
  const noSet = noSetObjects(info?.objects, sets.data);
  const trunc = useMutation({
    mutationFn: (s: SetView) => endpoints.truncateSet(id, ns, s.name),
    onSuccess: async () => {
      setTruncating(null);
      await qc.invalidateQueries({ queryKey: keys.sets(id, ns) });
    },
  });

  return (
    <div>
      <PageHeader
        title={`Namespace ${ns}`}
        description={<Link to=".." relative="path" className="hover:underline">← All namespaces</Link>}
      />
      {info ? (
        <dl className="panel mb-4 grid grid-cols-2 gap-4 p-4 text-sm md:grid-cols-5">
          <div><dt className="muted text-xs">Objects</dt><dd className="text-lg font-semibold">{formatNumber(info.objects)}</dd></div>
          <div><dt className="muted text-xs">Replication factor</dt><dd className="text-lg font-semibold">{info.replicationFactor ?? "—"}</dd></div>
          <div><dt className="muted text-xs">Data used</dt><dd><UsageBar used={info.dataUsedBytes} total={info.dataTotalBytes} label="Data usage" /><span className="muted text-xs">{formatBytes(info.dataUsedBytes)} of {formatBytes(info.dataTotalBytes)}</span></dd></div>
          <div><dt className="muted text-xs">Default TTL</dt><dd className="text-lg font-semibold">{info.defaultTtl ? `${formatNumber(info.defaultTtl)} s` : "never"}</dd></div>
          <div><dt className="muted text-xs">Writes</dt><dd>{info.stopWrites ? <Badge tone="err">stop-writes</Badge> : <Badge tone="ok">accepting</Badge>}</dd></div>
        </dl>
      ) : nsq.isError ? <div className="mb-4"><ErrorState error={nsq.error} compact /></div> : null}
      <h2 className="mb-2 font-semibold">Sets</h2>
      {sets.isLoading ? (
        <Loading what="Loading sets" />
      ) : sets.isError ? (
        <ErrorState error={sets.error} onRetry={() => sets.refetch()} />
      ) : !sets.data?.length && !noSet ? (
        <EmptyState
          title="No sets in this namespace"
          action={
            <Link className="btn" to={browse("")}>
              <Icon name="table" /> Browse records in no set
            </Link>
          }
        >
          Sets appear when a record is written with a set name.
        </EmptyState>
      ) : (
        <div className="panel relative overflow-x-auto">
          <table className="table" data-testid="sets-table">
            <thead>
              <tr>
                <th>Set</th>
                <th className="num">Objects</th>
                <th className="num">Tombstones</th>
                <th className="num">Data used</th>
                <th className="num">Indexes</th>
                <th><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {(sets.data ?? []).map((s) => (
                <tr key={s.name}>
                  <td>
                    <Link className="font-medium hover:underline" to={browse(s.name)}>
                      {s.name}
                    </Link>
                    {s.stopWritesCount ? <span className="ml-2"><Badge tone="warn">stop-writes at {formatNumber(s.stopWritesCount)}</Badge></span> : null}
                  </td>
                  <td className="num">{formatNumber(s.objects)}</td>
                  <td className="num">{formatNumber(s.tombstones)}</td>
                  <td className="num">{formatBytes(s.dataUsedBytes)}</td>
                  <td className="num">{formatNumber(s.sindexes)}</td>
                  <td className="num">
                    <div className="flex justify-end gap-1">
                      <Link className="btn h-7" to={browse(s.name)}>
                        <Icon name="table" /> Browse
                      </Link>
                      <button type="button" className="btn btn-danger h-7" onClick={() => setTruncating(s)} aria-label={`Truncate set ${s.name}`}>
                        <Icon name="trash" /> Truncate
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
              <tr data-testid="no-set-row">
                <td>
                  <Link className="font-medium italic hover:underline" to={browse("")} title={`Records of ${ns} that belong to no set (${NULL_SET_SEGMENT} in the API)`}>
                    (no set)
                  </Link>
                </td>
                <td className="num" title="Estimated: namespace objects minus the objects of its sets">
                  {noSet === null ? "—" : `≈ ${formatNumber(noSet)}`}
                </td>
                <td className="num muted">—</td>
                <td className="num muted">—</td>
                <td className="num muted">—</td>
                <td className="num">
                  <div className="flex justify-end gap-1">
                    <Link className="btn h-7" to={browse("")} aria-label="Browse records in no set">
                      <Icon name="table" /> Browse
                    </Link>
                  </div>
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={truncating !== null}
        title="Truncate set"
        typed={truncating?.name}
        confirmLabel="Truncate"
        message={
          <>
            This deletes <strong>all {formatNumber(truncating?.objects)} records</strong> of set <code className="mono">{ns}.{truncating?.name}</code> on
            every node. It cannot be undone.
          </>
        }
        busy={trunc.isPending}
        error={trunc.error}
        onConfirm={() => truncating && trunc.mutate(truncating)}
        onClose={() => {
          setTruncating(null);
          trunc.reset();
        }}
      />
    </div>
  );
}
