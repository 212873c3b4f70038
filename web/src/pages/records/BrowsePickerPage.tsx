/** Entry of the record browser: choose a namespace and a set. */
import { useQueries, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { useConnId } from "../../app/useProfile";
import { EmptyState, ErrorState, Loading, PageHeader } from "../../components/ui";
import { formatNumber } from "../../lib/format";
import { noSetObjects, segmentForSet } from "../../lib/setSegment";

export default function BrowsePickerPage() {
  const id = useConnId();
  const nsq = useQuery({ queryKey: keys.namespaces(id), queryFn: () => endpoints.namespaces(id) });
  const sets = useQueries({
    queries: (nsq.data ?? []).map((ns) => ({ queryKey: keys.sets(id, ns.name), queryFn: () => endpoints.sets(id, ns.name) })),
  });
  return (
    <div>
      <PageHeader title="Record browser" description="Choose a set to browse its records." />
      {nsq.isLoading ? (
        <Loading what="Loading namespaces" />
      ) : nsq.isError ? (
        <ErrorState error={nsq.error} onRetry={() => nsq.refetch()} />
      ) : !nsq.data?.length ? (
        <EmptyState title="No namespaces">The cluster reports no namespace.</EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          {nsq.data.map((ns, i) => {
            const s = sets[i];
            const noSet = noSetObjects(ns.objects, s?.data);
            const noSetLink = noSet ? (
              <li>
                <Link className="btn italic" to={`${encodeURIComponent(ns.name)}/${encodeURIComponent(segmentForSet(""))}`} title="Records of this namespace that belong to no set">
                  (no set) <span className="muted text-xs not-italic">≈ {formatNumber(noSet)}</span>
                </Link>
              </li>
            ) : null;
            return (
              <section key={ns.name} className="panel p-4" aria-labelledby={`ns-${ns.name}`}>
                <h2 id={`ns-${ns.name}`} className="mb-2 font-semibold">
                  {ns.name} <span className="muted text-sm font-normal">{formatNumber(ns.objects)} objects</span>
                </h2>
                {s?.isLoading ? (
                  <p className="muted text-sm">Loading sets…</p>
                ) : s?.isError ? (
                  <ErrorState error={s.error} compact />
                ) : !s?.data?.length && !noSetLink ? (
                  <p className="muted text-sm">No sets yet: records written with a set name appear here.</p>
                ) : (
                  <ul className="flex flex-wrap gap-2">
                    {(s?.data ?? []).map((set) => (
                      <li key={set.name}>
                        <Link className="btn" to={`${encodeURIComponent(ns.name)}/${encodeURIComponent(segmentForSet(set.name))}`}>
                          {set.name} <span className="muted text-xs">{formatNumber(set.objects)}</span>
                        </Link>
                      </li>
                    ))}
                    {noSetLink}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}
