/** Live refresh of one cluster's page from the manager's SSE stream (Kubernetes watches): every
 * `cluster`, `pod`, `podDeleted` or `event` message refetches the page's queries, at most once per
 * second (a rolling restart sends bursts). Polling stays as the fallback. */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { k8sKeys } from "./api";

const MIN_GAP_MS = 1000;
const EVENTS = ["cluster", "pod", "podDeleted", "event", "deleted"] as const;

export function useClusterStream(namespace: string, name: string, enabled: boolean): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    let last = 0;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      pending = null;
      last = Date.now();
      void qc.invalidateQueries({ queryKey: k8sKeys.cluster(namespace, name) });
    };
    const refresh = () => {
      const wait = last + MIN_GAP_MS - Date.now();
      if (wait <= 0) run();
      else pending ??= setTimeout(run, wait);
    };
    const es = new EventSource(`/api/v1/k8s/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/stream`);
    for (const e of EVENTS) es.addEventListener(e, refresh);
    return () => {
      es.close();
      if (pending) clearTimeout(pending);
    };
  }, [enabled, namespace, name, qc]);
}
