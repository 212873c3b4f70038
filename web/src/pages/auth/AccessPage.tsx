/** Access: your API tokens, your password, and (admins) the manager's users. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { authApi, authKeys, type CreatedToken, type Role } from "../../api/auth";
import { useCan, useSession } from "../../app/session";
import { Badge, ErrorState, PageHeader, Spinner } from "../../components/ui";

const ROLES: Role[] = ["viewer", "operator", "admin"];

function TokensSection() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: authKeys.tokens, queryFn: authApi.tokens });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useMutation({
    mutationFn: () => authApi.createToken(name.trim(), role === "" ? null : role, null),
    onSuccess: (t) => {
      setCreated(t);
      setName("");
      void qc.invalidateQueries({ queryKey: authKeys.tokens });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => authApi.deleteToken(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.tokens }),
  });
  return (
    <section className="panel mb-4 p-4" aria-labelledby="tokens-title">
      <h2 id="tokens-title" className="mb-1 font-semibold">
        API tokens
      </h2>
      <p className="muted mb-3 text-sm">
        For scripts: send <code className="mono">Authorization: Bearer &lt;token&gt;</code>. Tokens are stored hashed; the secret is shown once.
      </p>
      <form
        className="mb-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="text-sm">
          <span className="label">Token name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required data-testid="token-name" />
        </label>
        <label className="text-sm">
          <span className="label">Role</span>
          <select className="input" value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
            <option value="">same as mine</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {create.isError ? <ErrorState error={create.error} compact /> : null}
      {created ? (
        <p role="status" className="mb-3 text-sm" data-testid="token-secret">
          New token <strong>{created.token.name}</strong>: <code className="mono break-all">{created.secret}</code> — copy it now, it is not shown again.
        </p>
      ) : null}
      {tokens.isError ? <ErrorState error={tokens.error} onRetry={() => tokens.refetch()} compact /> : null}
      {tokens.isLoading ? <Spinner /> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left">
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Role</th>
              <th scope="col">Starts with</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.user}</td>
                <td>{t.role}</td>
                <td className="mono">{t.prefix}…</td>
                <td>{t.lastUsedAt ?? "never"}</td>
                <td>
                  <button type="button" className="btn" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke token ${t.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : tokens.data ? (
        <p className="muted text-sm">No tokens yet.</p>
      ) : null}
    </section>
  );
}

function UsersSection() {
  const qc = useQueryClient();
  const me = useSession();
  const users = useQuery({ queryKey: authKeys.users, queryFn: authApi.users });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const refresh = () => void qc.invalidateQueries({ queryKey: authKeys.users });
  const create = useMutation({
    mutationFn: () => authApi.createUser(name.trim(), role, password),
    onSuccess: () => {
      setName("");
      setPassword("");
      refresh();
    },
  });
  const update = useMutation({
    mutationFn: (a: { name: string; role?: Role; disabled?: boolean }) => authApi.updateUser(a.name, { role: a.role ?? null, disabled: a.disabled ?? null }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (n: string) => authApi.deleteUser(n), onSuccess: refresh });
  return (
    <section className="panel p-4" aria-labelledby="users-title">
      <h2 id="users-title" className="mb-1 font-semibold">
        Manager users
      </h2>
      <p className="muted mb-3 text-sm">Viewers read; operators also write records and run operations; admins do everything.</p>
      <form
        className="mb-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="text-sm">
          <span className="label">User name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
        </label>
        <label className="text-sm">
          <span className="label">Role</span>
          <select className="input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="label">Password (12+ characters)</span>
          <input className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} autoComplete="new-password" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          Add user
        </button>
      </form>
      {[create, update, remove].map((m, i) => (m.isError ? <ErrorState key={i} error={m.error} compact /> : null))}
      {users.isError ? <ErrorState error={users.error} onRetry={() => users.refetch()} compact /> : null}
      {users.isLoading ? <Spinner /> : null}
      {users.data ? (
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left">
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Sign-in</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name} {u.name === me?.name ? <Badge>you</Badge> : null}
                </td>
                <td>
                  <select
                    className="input"
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    onChange={(e) => update.mutate({ name: u.name, role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.source}</td>
                <td>{u.disabled ? <Badge tone="warn">disabled</Badge> : <Badge tone="ok">active</Badge>}</td>
                <td className="flex gap-1">
                  <button type="button" className="btn" onClick={() => update.mutate({ name: u.name, disabled: !u.disabled })}>
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                  <button type="button" className="btn" onClick={() => remove.mutate(u.name)} aria-label={`Delete user ${u.name}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export default function AccessPage() {
  const session = useSession();
  const admin = useCan("admin");
  return (
    <div className="max-w-4xl">
      <PageHeader
        title="Access"
        description={
          session ? (
            <>
              Signed in as <strong>{session.name}</strong> ({session.role}){session.authEnabled ? null : " — authentication is off on this manager"}.
            </>
          ) : undefined
        }
      />
      {session?.authEnabled ? <TokensSection /> : null}
      {admin ? <UsersSection /> : null}
    </div>
  );
}
