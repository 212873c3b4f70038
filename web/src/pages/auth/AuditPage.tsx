/** The audit log: every write (who, when, route, target, outcome), newest first. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { authApi, authKeys, type AuditFilters } from "../../api/auth";
import { Badge, ErrorState, PageHeader, Spinner } from "../../components/ui";

export default function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({ limit: 50 });
  const [cursors, setCursors] = useState<number[]>([]);
  const page = useQuery({ queryKey: authKeys.audit(filters), queryFn: () => authApi.audit(filters) });
  const apply = (before?: number) => setFilters({ ...draft, limit: 50, ...(before !== undefined ? { before } : {}) });
  return (
    <div>
      <PageHeader title="Audit log" description="Every write made through the manager, and every refused attempt." />
      <form
        className="panel mb-4 flex flex-wrap items-end gap-2 p-3"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          apply();
        }}
      >
        {(["actor", "route", "method"] as const).map((k) => (
          <label key={k} className="text-sm">
            <span className="label">{k === "actor" ? "User" : k === "route" ? "Route contains" : "Method"}</span>
            <input className="input" value={draft[k] ?? ""} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
          </label>
        ))}
        <label className="text-sm">
          <span className="label">Outcome</span>
          <select className="input" value={draft.outcome ?? ""} onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <button type="submit" className="btn btn-primary">
          Filter
        </button>
      </form>
      {page.isError ? <ErrorState error={page.error} onRetry={() => page.refetch()} /> : null}
      {page.isLoading ? <Spinner /> : null}
      {page.data ? (
        <div className="panel overflow-x-auto p-3">
          <table className="w-full text-sm" data-testid="audit-table">
            <thead>
              <tr className="text-left">
                <th scope="col">Time</th>
                <th scope="col">User</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={e.id}>
                  <td className="whitespace-nowrap">{e.at}</td>
                  <td>{e.actor}</td>
                  <td className="mono break-all">
                    {e.method} {e.target}
                    {e.detail ? <span className="muted"> — {e.detail}</span> : null}
                  </td>
                  <td>
                    <Badge tone={e.outcome === "ok" ? "ok" : e.outcome === "denied" ? "warn" : "err"}>
                      {e.status} {e.outcome}
                    </Badge>
                  </td>
                  <td>{e.ip ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.entries.length === 0 ? <p className="muted p-2 text-sm">No entries.</p> : null}
          <div className="mt-3 flex gap-2">
            <button
              type="button"
              className="btn"
              disabled={cursors.length === 0}
              onClick={() => {
                const prev = cursors.slice(0, -1);
                setCursors(prev);
                apply(prev[prev.length - 1]);
              }}
            >
              Newer
            </button>
            <button
              type="button"
              className="btn"
              disabled={page.data.nextBefore == null}
              onClick={() => {
                const next = page.data?.nextBefore;
                if (next == null) return;
                setCursors([...cursors, next]);
                apply(next);
              }}
            >
              Older
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
