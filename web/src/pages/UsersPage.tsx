/** Users & roles. On Community Edition the cluster has no security: one clear notice, no tables. */
import { useQuery } from "@tanstack/react-query";
import { endpoints, keys } from "../api/endpoints";
import { isSecurityNotSupported } from "../api/errors";
import { useConnId } from "../app/useProfile";
import { Badge, EmptyState, ErrorState, Loading, PageHeader } from "../components/ui";

export default function UsersPage() {
  const id = useConnId();
  const users = useQuery({ queryKey: keys.users(id), queryFn: () => endpoints.users(id), retry: false });
  const roles = useQuery({ queryKey: keys.roles(id), queryFn: () => endpoints.roles(id), retry: false, enabled: users.isSuccess });

  if (users.isLoading) return (<><PageHeader title="Users & roles" /><Loading what="Loading users" /></>);
  if (isSecurityNotSupported(users.error)) {
    return (
      <div className="max-w-2xl">
        <PageHeader title="Users & roles" />
        <div className="panel p-5" role="note" data-testid="ce-notice">
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
  return (
    <div>
      <PageHeader title="Users & roles" />
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : (
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
          <section>
            <h2 className="mb-2 font-semibold">Users</h2>
            {!users.data?.length ? (
              <EmptyState title="No users">The cluster has no user defined.</EmptyState>
            ) : (
              <div className="panel overflow-x-auto">
                <table className="table">
                  <thead><tr><th>User</th><th>Roles</th></tr></thead>
                  <tbody>
                    {users.data.map((u) => (
                      <tr key={u.user}>
                        <td className="mono">{u.user}</td>
                        <td><div className="flex flex-wrap gap-1">{u.roles.map((r) => <Badge key={r}>{r}</Badge>)}</div></td>
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
              <div className="panel overflow-x-auto">
                <table className="table">
                  <thead><tr><th>Role</th><th>Privileges</th></tr></thead>
                  <tbody>
                    {roles.data.map((r) => (
                      <tr key={r.name}>
                        <td className="mono">{r.name}</td>
                        <td><div className="flex flex-wrap gap-1">{r.privileges.map((p, i) => <Badge key={i}>{[p.code, p.namespace, p.set].filter(Boolean).join(" · ")}</Badge>)}</div></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
