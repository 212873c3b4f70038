/** One AerospikeClusterTemplate: its spec and the clusters that reference it. */
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import { ErrorState, Loading, PageHeader } from "../../components/ui";
import { k8s, k8sKeys } from "./api";
import { Card } from "./cards";
import { K8sOff } from "./K8sOff";
import { clusterPath } from "./K8sTemplatesPage";
import { age } from "./phase";

export default function K8sTemplateDetailPage() {
  const { name = "" } = useParams();
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const enabled = settings.data?.k8sManagementEnabled === true;
  const t = useQuery({ queryKey: k8sKeys.template(name), queryFn: () => k8s.template(name), enabled });
  return (
    <div className="space-y-4">
      <PageHeader
        title={`Template ${name}`}
        description={
          <Link to="/k8s/templates" className="underline underline-offset-2">
            All templates
          </Link>
        }
      />
      {settings.isLoading ? <Loading what="Loading settings" /> : null}
      {settings.data && !enabled ? <K8sOff /> : null}
      {enabled && t.isLoading ? <Loading what="Loading template" /> : null}
      {t.isError ? <ErrorState error={t.error} onRetry={() => t.refetch()} /> : null}
      {t.data ? (
        <>
          <p className="muted text-sm">
            Version {t.data.resourceVersion ?? "—"} · created {t.data.createdAt ? `${age(t.data.createdAt)} ago` : "—"}
          </p>
          <Card title="Referenced by" testId="referenced-by">
            {t.data.usedBy.length === 0 ? (
              <p className="muted text-sm">No cluster references this template.</p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {t.data.usedBy.map((c) => (
                  <li key={`${c.namespace}/${c.name}`}>
                    <Link className="underline underline-offset-2" to={clusterPath(c.namespace, c.name)}>
                      {c.namespace}/{c.name}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Spec">
            <pre className="mono max-h-[60vh] overflow-auto rounded bg-[var(--panel-2)] p-2 text-xs" tabIndex={0} aria-label="Template spec" data-testid="template-spec">
              {JSON.stringify(t.data.spec, null, 2)}
            </pre>
          </Card>
        </>
      ) : null}
    </div>
  );
}
