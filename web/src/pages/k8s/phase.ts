/** Cluster phases the operator reports, with the colour (tone) and the sentence the UI shows. */

export type PhaseTone = "ok" | "info" | "warn" | "err" | "neutral";

export interface PhaseView {
  /** The phase as the CRD writes it (or "Unknown" before the first reconcile). */
  label: string;
  tone: PhaseTone;
  /** What it means, for the badge's title and screen readers. */
  description: string;
  /** The cluster is changing: refresh often. */
  transitional: boolean;
}

const PHASES: Record<string, Omit<PhaseView, "label">> = {
  InProgress: { tone: "info", description: "The operator is applying changes", transitional: true },
  Completed: { tone: "ok", description: "Healthy and fully reconciled", transitional: false },
  Error: { tone: "err", description: "The last reconcile failed", transitional: false },
  ScalingUp: { tone: "info", description: "Pods are being added", transitional: true },
  ScalingDown: { tone: "info", description: "Pods are being removed", transitional: true },
  WaitingForMigration: { tone: "warn", description: "Waiting for data migrations to finish", transitional: true },
  RollingRestart: { tone: "info", description: "Pods are being restarted batch by batch", transitional: true },
  ACLSync: { tone: "info", description: "Access control is being synchronised", transitional: true },
  Paused: { tone: "neutral", description: "Reconciliation is paused", transitional: false },
  Deleting: { tone: "warn", description: "The cluster is being deleted", transitional: true },
  ConfigDegraded: { tone: "err", description: "A dynamic configuration rollback failed: a human must look", transitional: false },
  BackoffActive: { tone: "err", description: "Too many failures in a row: reconciles are backing off", transitional: false },
};

/** Every phase the operator can report, in display order. */
export const ALL_PHASES = Object.keys(PHASES);

export function phaseView(phase: string | null | undefined): PhaseView {
  if (!phase) return { label: "Unknown", tone: "neutral", description: "The operator has not reported a phase yet", transitional: true };
  const known = PHASES[phase];
  if (!known) return { label: phase, tone: "neutral", description: `Phase ${phase} (not known to this UI)`, transitional: false };
  return { label: phase, ...known };
}

/** Age of an RFC 3339 time as "45s", "12m", "3h", "5d" (kubectl style). */
export function age(time: string | null | undefined, now: number = Date.now()): string {
  if (!time) return "—";
  const t = Date.parse(time);
  if (Number.isNaN(t)) return "—";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
