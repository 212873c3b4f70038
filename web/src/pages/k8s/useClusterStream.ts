/** Live refresh from the manager's SSE streams (Kubernetes watches): every message of the named
 * events invalidates the page's queries, at most once per second (a rolling restart sends
 * bursts). Polling stays as the fallback. */
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import { k8sKeys } from "./api";

const MIN_GAP_MS = 1000;
const CLUSTER_EVENTS = ["cluster", "pod", "podDeleted", "event", "deleted"] as const;
const LIST_EVENTS = ["cluster", "deleted"] as const;

/** Invalidate `queryKey` on every `events` message of the stream at `url`, while `enabled`. */
export function useSseRefresh(url: string, events: readonly string[], queryKey: QueryKey, enabled: boolean): void {
  const qc = useQueryClient();
  // The key and event names are compared by value: a new array each render must not reconnect.
  const key = JSON.stringify(queryKey);
  const names = events.join(",");
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    let last = 0;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      pending = null;
      last = Date.now();
      void qc.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey });
    };
    const refresh = () => {
      const wait = last + MIN_GAP_MS - Date.now();
      if (wait <= 0) run();
      else pending ??= setTimeout(run, wait);
    };
    const es = new EventSource(url);
    for (const e of names.split(",")) es.addEventListener(e, refresh);
    return () => {
      es.close();
      if (pending) clearTimeout(pending);
    };
  }, [enabled, url, names, key, qc]);
}

/** One cluster's page: status, pods and events. */
export function useClusterStream(namespace: string, name: string, enabled: boolean): void {
  useSseRefresh(
    `/api/v1/k8s/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/stream`,
    CLUSTER_EVENTS,
    k8sKeys.cluster(namespace, name),
    enabled,
  );
}

/** The cluster list, while any cluster is changing (deleted clusters leave the list at once). */
export function useClusterListStream(enabled: boolean): void {
  useSseRefresh("/api/v1/k8s/clusters/stream", LIST_EVENTS, k8sKeys.clusters, enabled);
}
