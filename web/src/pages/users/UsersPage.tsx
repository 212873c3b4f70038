/** Users & roles (Enterprise). On Community Edition the cluster has no security: one clear notice. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import { isSecurityNotSupported } from "../../api/errors";
import { useConnId } from "../../app/useProfile";
import { Icon } from "../../components/icons";
import { Badge, ConfirmDialog, EmptyState, ErrorState, Field, IconButton, Loading, Modal, PageHeader, Spinner } from "../../components/ui";
import { formatPrivilege, parsePrivileges } from "./privileges";

function CeNotice() {
  return (
    <div className="max-w-2xl">
      <PageHeader title="Users & roles" />
      <div className="panel p-5 [overflow-wrap:anywhere]" role="note" data-testid="ce-notice">
        <p className="mb-2 font-semibold">User and role management is not available on this cluster</p>
        <p className="text-sm">
          This cluster runs Aerospike <strong>Community Edition</strong>, which has no access control: it answered
          <code className="mono mx-1">SECURITY_NOT_SUPPORTED</code>(result code 51). Every client can read and write without a user.
        </p>
        <p className="muted mt-2 text-sm">
          Users, roles and privileges need Aerospike Enterprise Edition. Do not add a <code className="mono">security</code> block to a CE
          configuration file: the server refuses to start with it. Protect a CE cluster at the network level instead (firewall, Kubernetes
          NetworkPolicy).
        </p>
      </div>
    </div>
  );
}

function UserDialog({ connId, onClose }: { connId: number; onClose: () => void }) {
  const qc = useQueryClient();
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState("read-write");
  const create = useMutation({
    mutationFn: () => endpoints.createUser(connId, { user: user.trim(), password, roles: roles.split(/[\s,]+/).filter(Boolean) }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.users(connId) });
      onClose();
    },
  });
  return (
    <Modal
      open
      title="Create user"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="user-form" className="btn btn-primary" disabled={create.isPending || !user.trim() || !password}>
            {create.isPending ? <Spinner /> : null} Create user
          </button>
        </>
      }
    >
      <form id="user-form" className="space-y-3" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
        <Field label="User" name="user" serverError={create.error}>{(p) => <input {...p} className="input w-full" value={user} onChange={(e) => setUser(e.target.value)} autoFocus />}</Field>
        <Field label="Password" name="password" serverError={create.error}>{(p) => <input {...p} type="password" autoComplete="new-password" className="input w-full" value={password} onChange={(e) => setPassword(e.target.value)} />}</Field>
        <Field label="Roles" name="roles" serverError={create.error} hint="Comma-separated, e.g. read-write, sys-admin">{(p) => <input {...p} className="input w-full" value={roles} onChange={(e) => setRoles(e.target.value)} />}</Field>
        {create.error ? <ErrorState error={create.error} compact /> : null}
      </form>
    </Modal>
  );
}

function RoleDialog({ connId, onClose }: { connId: number; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [text, setText] = useState("read test");
  const [err, setErr] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (privileges: Parameters<typeof endpoints.createRole>[1]["privileges"]) => endpoints.createRole(connId, { name: name.trim(), privileges }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.roles(connId) });
      onClose();
    },
  });
  return (
    <Modal
      open
      title="Create role"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="role-form" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? <Spinner /> : null} Create role
          </button>
        </>
      }
    >
      <form
        id="role-form"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const r = parsePrivileges(text);
          setErr(r.ok ? null : r.error);
          if (r.ok) create.mutate(r.privileges);
        }}
      >
        <Field label="Role name" name="name" serverError={create.error}>{(p) => <input {...p} className="input w-full" value={name} onChange={(e) => setName(e.target.value)} autoFocus />}</Field>
        <Field label="Privileges" name="privileges" error={err} serverError={create.error} hint="One per line: code [namespace [set]], e.g. read-write test users">
          {(p) => <textarea {...p} className="input w-full" rows={4} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        {create.error ? <ErrorState error={create.error} compact /> : null}
      </form>
    </Modal>
  );
}

export default function UsersPage() {
  const id = useConnId();
  const qc = useQueryClient();
  const users = useQuery({ queryKey: keys.users(id), queryFn: () => endpoints.users(id), retry: false });
  const roles = useQuery({ queryKey: keys.roles(id), queryFn: () => endpoints.roles(id), retry: false, enabled: users.isSuccess });
  const [dialog, setDialog] = useState<"user" | "role" | null>(null);
  const [dropping, setDropping] = useState<{ kind: "user" | "role"; name: string } | null>(null);
  const drop = useMutation({
    mutationFn: (d: { kind: "user" | "role"; name: string }) => (d.kind === "user" ? endpoints.dropUser(id, d.name) : endpoints.dropRole(id, d.name)),
    onSuccess: async (_r, d) => {
      setDropping(null);
      await qc.invalidateQueries({ queryKey: d.kind === "user" ? keys.users(id) : keys.roles(id) });
    },
  });

  if (users.isLoading) return (<><PageHeader title="Users & roles" /><Loading what="Loading users" /></>);
  if (isSecurityNotSupported(users.error)) return <CeNotice />;
  return (
    <div>
      <PageHeader
        title="Users & roles"
        actions={
          users.isSuccess ? (
            <>
              <button type="button" className="btn" onClick={() => setDialog("role")}><Icon name="plus" /> Create role</button>
              <button type="button" className="btn btn-primary" onClick={() => setDialog("user")}><Icon name="plus" /> Create user</button>
            </>
          ) : null
        }
      />
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : (
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          <section>
            <h2 className="mb-2 font-semibold">Users</h2>
            {!users.data?.length ? (
              <EmptyState title="No users">The cluster has no user defined.</EmptyState>
            ) : (
              <div className="panel relative overflow-x-auto">
                <table className="table">
                  <thead><tr><th>User</th><th>Roles</th><th className="num">Connections</th><th><span className="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    {users.data.map((u) => (
                      <tr key={u.user}>
                        <td className="mono">{u.user}</td>
                        <td><div className="flex flex-wrap gap-1">{u.roles.map((r) => <Badge key={r}>{r}</Badge>)}</div></td>
                        <td className="num">{u.connections}</td>
                        <td className="num"><IconButton icon="trash" className="btn-danger" label={`Drop user ${u.user}`} onClick={() => setDropping({ kind: "user", name: u.user })} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section>
            <h2 className="mb-2 font-semibold">Roles</h2>
            {roles.isLoading ? <Loading what="Loading roles" /> : roles.isError ? <ErrorState error={roles.error} onRetry={() => roles.refetch()} /> : !roles.data?.length ? (
              <EmptyState title="No roles">The cluster has no role defined.</EmptyState>
            ) : (
              <div className="panel relative overflow-x-auto">
                <table className="table">
                  <thead><tr><th>Role</th><th>Privileges</th><th>Allowlist</th><th><span className="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    {roles.data.map((r) => (
                      <tr key={r.name}>
                        <td className="mono">{r.name}</td>
                        <td><div className="flex flex-wrap gap-1">{r.privileges.map((p, i) => <Badge key={i}>{formatPrivilege(p)}</Badge>)}</div></td>
                        <td className="mono text-xs">{r.allowlist.join(", ") || "—"}</td>
                        <td className="num"><IconButton icon="trash" className="btn-danger" label={`Drop role ${r.name}`} onClick={() => setDropping({ kind: "role", name: r.name })} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
      {dialog === "user" ? <UserDialog connId={id} onClose={() => setDialog(null)} /> : null}
      {dialog === "role" ? <RoleDialog connId={id} onClose={() => setDialog(null)} /> : null}
      <ConfirmDialog
        open={dropping !== null}
        title={dropping?.kind === "user" ? "Drop user" : "Drop role"}
        typed={dropping?.name}
        confirmLabel="Drop"
        message={<>Drop {dropping?.kind} <code className="mono">{dropping?.name}</code>? Clients using it lose access.</>}
        busy={drop.isPending}
        error={drop.error}
        onConfirm={() => dropping && drop.mutate(dropping)}
        onClose={() => { setDropping(null); drop.reset(); }}
      />
    </div>
  );
}
