import { NavLink } from "react-router";

const tab = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-1.5 text-sm ${isActive ? "bg-[var(--panel-2)] font-semibold text-[var(--text)]" : "muted hover:text-[var(--text)]"}`;

/** Clusters | Templates switch of the Kubernetes section. */
export function K8sTabs() {
  return (
    <nav aria-label="Kubernetes" className="mb-4 flex gap-1">
      <NavLink to="/k8s" end className={tab}>
        Clusters
      </NavLink>
      <NavLink to="/k8s/templates" className={tab}>
        Templates
      </NavLink>
    </nav>
  );
}
