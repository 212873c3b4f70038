import { phaseView } from "./phase";

const TONE_CLASS = { ok: "badge-ok", info: "badge-info", warn: "badge-warn", err: "badge-err", neutral: "" } as const;

/** Coloured phase badge; the colour is never the only signal (the phase name is the text). */
export function PhaseBadge({ phase }: { phase: string | null | undefined }) {
  const v = phaseView(phase);
  return (
    <span className={`badge ${TONE_CLASS[v.tone]}`} title={v.description} data-testid="phase-badge" data-tone={v.tone}>
      {v.label}
      <span className="sr-only">: {v.description}</span>
    </span>
  );
}
