/** Dialogs of the cluster detail page: pod logs, scale, YAML export. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorState, Field, Modal, Spinner } from "../../components/ui";
import { k8s, type PodInfo } from "./api";

export const TAIL_CHOICES = [100, 500, 1000, 5000] as const;

export function LogsDialog({ namespace, cluster, pod, onClose }: { namespace: string; cluster: string; pod: PodInfo; onClose: () => void }) {
  const [tail, setTail] = useState<number>(500);
  const [container, setContainer] = useState<string>(pod.containers[0] ?? "");
  const logs = useQuery({
    queryKey: ["k8s", "logs", namespace, cluster, pod.name, container, tail],
    queryFn: () => k8s.logs(namespace, cluster, pod.name, tail, container || undefined),
  });
  const [copied, setCopied] = useState(false);
  return (
    <Modal
      open
      wide
      title={`Logs of ${pod.name}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={() => logs.refetch()}>
            Refresh
          </button>
          <button
            type="button"
            className="btn"
            disabled={!logs.data}
            onClick={() => {
              void navigator.clipboard?.writeText(logs.data ?? "").then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
          <a className="btn btn-primary" href={k8s.logsDownloadUrl(namespace, cluster, pod.name, tail, container || undefined)} download>
            Download
          </a>
        </>
      }
    >
      <div className="mb-3 flex flex-wrap gap-3">
        <Field label="Tail lines">
          {(p) => (
            <select {...p} className="input" value={tail} onChange={(e) => setTail(Number(e.target.value))}>
              {TAIL_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        {pod.containers.length > 1 ? (
          <Field label="Container">
            {(p) => (
              <select {...p} className="input" value={container} onChange={(e) => setContainer(e.target.value)}>
                {pod.containers.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>
      {logs.isLoading ? <Spinner label="Loading logs" /> : null}
      {logs.isError ? <ErrorState error={logs.error} compact /> : null}
      {logs.data !== undefined ? (
        <pre className="mono max-h-[55vh] overflow-auto whitespace-pre-wrap rounded bg-[var(--panel-2)] p-2 text-xs" tabIndex={0} aria-label="Log text" data-testid="log-text">
          {logs.data || "(no output)"}
        </pre>
      ) : null}
    </Modal>
  );
}

/** Scale dialog: 1–8 pods (the Community Edition limit). */
export function validSize(text: string): string | null {
  if (!/^\d+$/.test(text.trim())) return "Enter a whole number of pods";
  const n = Number(text);
  if (n < 1 || n > 8) return "Community Edition clusters have 1 to 8 nodes";
  return null;
}

export function ScaleDialog({
  current,
  busy,
  error,
  onScale,
  onClose,
}: {
  current: number | null | undefined;
  busy: boolean;
  error?: unknown;
  onScale: (size: number) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(String(current ?? 1));
  const problem = validSize(text);
  return (
    <Modal
      open
      title="Scale cluster"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!!problem || busy} onClick={() => onScale(Number(text))}>
            {busy ? <Spinner label="Scaling" /> : null}
            Scale
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem && !busy) onScale(Number(text));
        }}
      >
        <Field label="Pods (1–8)" name="size" error={problem} serverError={error} hint={`Now ${current ?? "unknown"}.`}>
          {(p) => <input {...p} className="input w-32" type="number" min={1} max={8} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
      </form>
      {error ? (
        <div className="mt-3">
          <ErrorState error={error} compact />
        </div>
      ) : null}
    </Modal>
  );
}

export function YamlDialog({ namespace, name, onClose }: { namespace: string; name: string; onClose: () => void }) {
  const yaml = useQuery({ queryKey: ["k8s", "yaml", namespace, name], queryFn: () => k8s.yaml(namespace, name) });
  return (
    <Modal
      open
      wide
      title={`YAML of ${name}`}
      onClose={onClose}
      footer={
        <a className="btn btn-primary" href={k8s.yamlDownloadUrl(namespace, name)} download>
          Download
        </a>
      }
    >
      {yaml.isLoading ? <Spinner label="Loading YAML" /> : null}
      {yaml.isError ? <ErrorState error={yaml.error} compact /> : null}
      {yaml.data !== undefined ? (
        <pre className="mono max-h-[60vh] overflow-auto rounded bg-[var(--panel-2)] p-2 text-xs" tabIndex={0} aria-label="Cluster resource as YAML" data-testid="yaml-text">
          {yaml.data}
        </pre>
      ) : null}
    </Modal>
  );
}
