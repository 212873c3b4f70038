/** Kubernetes: AerospikeClusterTemplate resources (cluster-scoped) and the clusters using each. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { ConfirmDialog, EmptyState, ErrorState, Loading, PageHeader } from "../../components/ui";
import { K8sReadOnlyNote, useK8sWrite, WriteLink, writeProps } from "./access";
import { k8s, k8sKeys, type TemplateSummary } from "./api";
import { K8sOff } from "./K8sOff";
import { K8sTabs } from "./K8sTabs";
import { age } from "./phase";

export const templatePath = (name: string) => `/k8s/templates/${encodeURIComponent(name)}`;
export const clusterPath = (ns: string, name: string) => `/k8s/clusters/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;

export default function K8sTemplatesPage() {
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const list = useQuery({ queryKey: k8sKeys.templates, queryFn: k8s.templates, enabled });
  const qc = useQueryClient();
  const [deleting, setDeleting] = useState<TemplateSummary | null>(null);
  const canWrite = useK8sWrite();
  const remove = useMutation({
    mutationFn: (name: string) => k8s.removeTemplate(name),
    onSuccess: async () => {
      setDeleting(null);
      await qc.invalidateQueries({ queryKey: k8sKeys.templates });
    },
  });
  return (
    <div>
      <PageHeader
        title="Cluster templates"
        description="AerospikeClusterTemplate resources (cluster-scoped)."
        actions={
          enabled ? (
            <WriteLink className="btn btn-primary" to="/k8s/templates/new">
              Create template
            </WriteLink>
          ) : null
        }
      />
      {enabled ? <K8sTabs /> : null}
      {enabled ? <K8sReadOnlyNote /> : null}
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {settings.isError ? <ErrorState error={settings.error} onRetry={() => settings.refetch()} /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled && list.isLoading ? <Loading what="Loading templates" /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title="No templates">Create an AerospikeClusterTemplate and it shows up here.</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="panel relative overflow-x-auto">
          <table className="w-full text-sm" data-testid="k8s-template-table">
            <caption className="sr-only">AerospikeClusterTemplate resources</caption>
            <thead>
              <tr className="border-b border-[var(--border)] text-left">
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Image</th>
                <th scope="col" className="px-3 py-2">Size</th>
                <th scope="col" className="px-3 py-2">Referenced by</th>
                <th scope="col" className="px-3 py-2">Age</th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((t) => (
                <tr key={t.name} className="border-b border-[var(--border)] align-top last:border-0" data-testid="k8s-template-row">
                  <td className="px-3 py-2">
                    <Link className="font-medium underline-offset-2 hover:underline" to={templatePath(t.name)}>
                      {t.name}
                    </Link>
                    {t.description ? <div className="muted text-xs">{t.description}</div> : null}
                  </td>
                  <td className="mono px-3 py-2 text-xs">{t.image ?? "—"}</td>
                  <td className="num px-3 py-2 tabular-nums">{t.size ?? "—"}</td>
                  <td className="px-3 py-2">{t.usedBy.length ? t.usedBy.map((c) => `${c.namespace}/${c.name}`).join(", ") : <span className="muted">none</span>}</td>
                  <td className="px-3 py-2" title={t.createdAt ?? undefined}>{age(t.createdAt)}</td>
                  <td className="px-3 py-2">
                    <button type="button" className="btn" aria-label={`Delete template ${t.name}`} onClick={() => setDeleting(t)} {...writeProps(canWrite)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete template ${deleting?.name ?? ""}`}
        message={
          deleting?.usedBy.length ? (
            <p>
              {deleting.usedBy.length} cluster(s) reference this template ({deleting.usedBy.map((c) => `${c.namespace}/${c.name}`).join(", ")}): the server
              refuses the delete until they no longer do.
            </p>
          ) : (
            <p>Deletes the AerospikeClusterTemplate {deleting?.name}. No cluster references it.</p>
          )
        }
        busy={remove.isPending}
        error={remove.error ?? undefined}
        onConfirm={() => deleting && remove.mutate(deleting.name)}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
      />
    </div>
  );
}
