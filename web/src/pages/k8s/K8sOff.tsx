import { EmptyState } from "../../components/ui";

/** Shown instead of the K8s pages when the server has Kubernetes management off. */
export function K8sOff() {
  return (
    <EmptyState title="Kubernetes management is off">
      Start the manager with <code className="mono">K8S_MANAGEMENT_ENABLED=true</code> (and access to a Kubernetes API) to manage
      AerospikeCluster resources here.
    </EmptyState>
  );
}
