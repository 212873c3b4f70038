/** Connections: color-coded profiles grouped by environment, with health at a glance. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { describeError } from "../../api/errors";
import type { Profile, ProfileBundle } from "../../api/types";
import { useCan } from "../../app/session";

/** Why a viewer or operator cannot add or import connections (the server's policy). */
const NEEDS_ADMIN = "Needs the admin role (connections are admin business)";
import { useProfiles } from "../../app/useProfile";
import { Icon } from "../../components/icons";
import { Badge, ConfirmDialog, EmptyState, ErrorState, IconButton, Loading, PageHeader, Spinner } from "../../components/ui";
import { downloadJson } from "../../lib/download";
import { groupProfiles } from "./grouping";
import { HealthBadge, ProfileForm } from "./ProfileForm";

function Health({ id }: { id: number }) {
  const q = useQuery({ queryKey: keys.status(id), queryFn: () => endpoints.profileStatus(id), refetchInterval: 30_000, retry: false });
  if (q.isLoading) return <Badge><Spinner label="Checking" /> Checking</Badge>;
  if (q.isError) {
    const v = describeError(q.error);
    return (
      <span title={[v.title, v.detail].filter(Boolean).join(": ")}>
        <Badge tone="err">Unreachable</Badge>
      </span>
    );
  }
  return q.data ? <HealthBadge h={q.data} /> : null;
}

function ProfileCard({ p, onEdit, onDelete }: { p: Profile; onEdit: () => void; onDelete: () => void }) {
  const qc = useQueryClient();
  // Profiles are admin business; the API refuses others regardless.
  const admin = useCan("admin");
  const readOnly = p.labels["read-only"]?.toLowerCase() === "true";
  return (
    <li className="panel flex overflow-hidden" data-testid="profile-card">
      <div className="keep-colors w-1.5 shrink-0" style={{ background: p.color }} aria-hidden="true" />
      <div className="flex min-w-0 flex-1 flex-col gap-2 p-3">
        <div className="flex items-start justify-between gap-2">
          <div className="min-w-0">
            <Link to={`/clusters/${p.id}/dashboard`} className="block truncate font-semibold hover:underline">
              {p.name}
            </Link>
            <p className="muted truncate text-xs mono" title={p.hosts.join(", ")}>
              {p.hosts.join(", ")}
              {p.hosts.some((h) => !h.includes(":")) ? ` (port ${p.port})` : ""}
            </p>
          </div>
          <div className="flex shrink-0 gap-1">
            <IconButton icon="refresh" label={`Test connection ${p.name}`} onClick={() => void qc.refetchQueries({ queryKey: keys.status(p.id) })} />
            <IconButton icon="edit" label={admin ? `Edit ${p.name}` : `Edit ${p.name} (needs the admin role)`} onClick={onEdit} disabled={!admin} />
            <IconButton
              icon="trash"
              label={admin ? `Delete ${p.name}` : `Delete ${p.name} (needs the admin role)`}
              onClick={onDelete}
              className="btn-danger"
              disabled={!admin}
            />
          </div>
        </div>
        {p.description ? <p className="muted text-sm">{p.description}</p> : null}
        <div className="flex flex-wrap items-center gap-1.5">
          <Health id={p.id} />
          {p.demo ? <Badge tone="warn">demo</Badge> : null}
          {readOnly ? (
            <span data-testid="read-only-badge">
              <Badge tone="ok">read-only</Badge>
            </span>
          ) : null}
          {Object.entries(p.labels).map(([k, v]) => (
            <Badge key={k}>
              {k}={v}
            </Badge>
          ))}
        </div>
      </div>
    </li>
  );
}

export default function ConnectionsPage() {
  const q = useProfiles();
  const qc = useQueryClient();
  const admin = useCan("admin");
  const [editing, setEditing] = useState<Profile | "new" | null>(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const groups = useMemo(() => groupProfiles(q.data ?? []), [q.data]);

  const del = useMutation({
    mutationFn: (id: number) => endpoints.deleteProfile(id),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.profiles });
      setDeleting(null);
    },
  });
  const exp = useMutation({ mutationFn: endpoints.exportProfiles, onSuccess: (b) => downloadJson(b, "acm-connections.json") });
  const imp = useMutation({
    mutationFn: async (file: File) => {
      let bundle: ProfileBundle;
      try {
        bundle = JSON.parse(await file.text()) as ProfileBundle;
      } catch {
        throw new Error(`${file.name} is not JSON: choose a file written by "Export".`);
      }
      return endpoints.importProfiles(bundle);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.profiles }),
  });

  return (
    <div>
      <PageHeader
        title="Connections"
        description="Aerospike clusters this manager can reach. Pick one to browse it."
        actions={
          <>
            <input
              ref={fileRef}
              type="file"
              accept="application/json,.json"
              className="hidden"
              aria-label="Import connections file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) imp.mutate(f);
                e.target.value = "";
              }}
            />
            <button
              type="button"
              className="btn"
              onClick={() => fileRef.current?.click()}
              disabled={imp.isPending || !admin}
              title={admin ? undefined : NEEDS_ADMIN}
            >
              <Icon name="upload" /> Import
            </button>
            <button type="button" className="btn" onClick={() => exp.mutate()} disabled={exp.isPending || !q.data?.length}>
              <Icon name="download" /> Export
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")} disabled={!admin} title={admin ? undefined : NEEDS_ADMIN}>
              <Icon name="plus" /> New connection
            </button>
          </>
        }
      />
      <div className="mb-3 space-y-2">
        {imp.error ? <ErrorState error={imp.error} compact /> : null}
        {imp.data ? (
          <p className="text-sm" role="status">
            Imported: {imp.data.created.length} created, {imp.data.replaced.length} replaced, {imp.data.skipped.length} skipped
            {imp.data.skipped.length ? ` (already present: ${imp.data.skipped.join(", ")})` : ""}.
          </p>
        ) : null}
        {exp.error ? <ErrorState error={exp.error} compact /> : null}
      </div>
      {q.isLoading ? (
        <Loading what="Loading connections" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : groups.length === 0 ? (
        <EmptyState
          title="No connections yet — create one"
          action={
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")} disabled={!admin} title={admin ? undefined : NEEDS_ADMIN}>
              <Icon name="plus" /> New connection
            </button>
          }
        >
          A connection needs one reachable seed host of the cluster; the others are discovered.
        </EmptyState>
      ) : (
        groups.map((g) => (
          <section key={g.label} className="mb-6" aria-labelledby={`grp-${g.label}`}>
            <h2 id={`grp-${g.label}`} className="muted mb-2 text-xs font-semibold uppercase tracking-wide">
              {g.label} <span className="font-normal">({g.profiles.length})</span>
            </h2>
            <ul className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
              {g.profiles.map((p) => (
                <ProfileCard key={p.id} p={p} onEdit={() => setEditing(p)} onDelete={() => setDeleting(p)} />
              ))}
            </ul>
          </section>
        ))
      )}
      {editing ? (
        <ProfileForm key={editing === "new" ? "new" : editing.id} profile={editing === "new" ? undefined : editing} open onClose={() => setEditing(null)} />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete connection"
        message={
          <>
            Delete the connection <strong>{deleting?.name}</strong>? The cluster itself is not touched.
          </>
        }
        busy={del.isPending}
        error={del.error}
        onConfirm={() => deleting && del.mutate(deleting.id)}
        onClose={() => {
          setDeleting(null);
          del.reset();
        }}
      />
    </div>
  );
}
