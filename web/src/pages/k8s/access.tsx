/**
 * Who may change Kubernetes resources. The server's rule (crates/acm/src/auth/policy.rs,
 * one rule for every `/api/v1/k8s/` route) is: reads need `viewer`, every write — create,
 * edit, scale, pause, operations, HPA, templates, breaker reset, resync, delete — needs
 * `admin`. The pages disable those actions for other roles and say why (the API enforces it
 * regardless).
 */
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useCan } from "../../app/session";

/** Why a Kubernetes action is disabled (its `title`, read by screen readers too). */
export const NEEDS_ADMIN = "Needs the admin role (every Kubernetes change does)";

/** Whether the caller may change Kubernetes resources. */
export function useK8sWrite(): boolean {
  return useCan("admin");
}

/** Props for a write button: disabled (with the reason) unless the caller may write. */
export function writeProps(canWrite: boolean, disabled = false): { disabled: boolean; title: string | undefined } {
  return { disabled: disabled || !canWrite, title: canWrite ? undefined : NEEDS_ADMIN };
}

/** A note for callers who can look but not change (nothing for admins). */
export function K8sReadOnlyNote() {
  if (useK8sWrite()) return null;
  return (
    <p className="badge-warn rounded-md border px-3 py-2 text-sm" role="note" data-testid="k8s-read-only">
      Your role can view Kubernetes resources. Creating, changing and deleting them needs the admin role.
    </p>
  );
}

/** A link to a create page for admins; a disabled button with the reason for other roles. */
export function WriteLink({ to, className, children }: { to: string; className: string; children: ReactNode }) {
  const canWrite = useK8sWrite();
  return canWrite ? (
    <Link className={className} to={to}>
      {children}
    </Link>
  ) : (
    <button type="button" className={className} {...writeProps(false)}>
      {children}
    </button>
  );
}
