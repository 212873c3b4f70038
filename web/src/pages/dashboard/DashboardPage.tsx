/** Cluster dashboard: nodes, live throughput from the SSE stream, namespace usage. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import type { MetricsSample } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { LiveChart } from "../../components/LiveChart";
import { Badge, EmptyState, ErrorState, Loading, PageHeader, UsageBar } from "../../components/ui";
import { Icon } from "../../components/icons";
import { useEventStream } from "../../hooks/useEventStream";
import { usePrefersReducedMotion } from "../../hooks/usePrefersReducedMotion";
import { formatBytes, formatNumber, formatRate } from "../../lib/format";
import { mergeSamples, successPct, toColumns } from "../../lib/metricsBuffer";
import { formatDuration } from "../../lib/values";

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="panel px-4 py-3">
      <div className="muted text-xs">{label}</div>
      <div className="text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

export default function DashboardPage() {
  const id = useConnId();
  const qc = useQueryClient();
  const nodesQ = useQuery({ queryKey: keys.nodeViews(id), queryFn: () => endpoints.nodeViews(id), refetchInterval: 15_000 });
  const nsQ = useQuery({ queryKey: keys.namespaces(id), queryFn: () => endpoints.namespaces(id), refetchInterval: 15_000 });
  const history = useQuery({ queryKey: keys.metrics(id), queryFn: () => endpoints.metricsHistory(id), staleTime: 0 });
  const [samples, setSamples] = useState<MetricsSample[]>([]);

  useEffect(() => {
    setSamples([]);
  }, [id]);
  useEffect(() => {
    if (history.data) setSamples((b) => mergeSamples(b, history.data.samples));
  }, [history.data]);

  const onMessage = useCallback((s: MetricsSample) => setSamples((b) => mergeSamples(b, [s])), []);
  const onResume = useCallback(() => void qc.invalidateQueries({ queryKey: keys.metrics(id) }), [qc, id]);
  const status = useEventStream<MetricsSample>(Number.isNaN(id) ? null : endpoints.metricsStreamUrl(id), {
    event: "sample",
    onMessage,
    onResume,
  });

  // Charts can be paused (moving content must be stoppable, WCAG 2.2.2); for users who ask for
  // reduced motion they start paused on the first data, and follow the setting when it changes.
  // `frozen` is what a paused chart shows (null: live).
  const reduced = usePrefersReducedMotion();
  const [frozen, setFrozen] = useState<MetricsSample[] | null>(() => (reduced ? [] : null));
  const [seenReduced, setSeenReduced] = useState(reduced);
  if (seenReduced !== reduced) {
    setSeenReduced(reduced);
    setFrozen(reduced ? samples : null);
  }
  const paused = frozen !== null;
  useEffect(() => {
    if (frozen !== null && frozen.length === 0 && samples.length > 0) setFrozen(samples);
  }, [frozen, samples]);
  const charted = frozen ?? samples;
  const tps = useMemo(() => toColumns(charted, [(s) => s.readTps, (s) => s.writeTps]), [charted]);
  const success = useMemo(() => toColumns(charted, [(s) => successPct(s, "read"), (s) => successPct(s, "write")]), [charted]);
  const conns = useMemo(() => toColumns(charted, [(s) => s.clientConnections]), [charted]);
  const latest = samples[samples.length - 1];
  const nodes = nodesQ.data ?? [];
  const up = nodes.filter((n) => !n.error);
  const minUptime = up.length ? Math.min(...up.map((n) => n.uptimeSeconds ?? 0)) : null;
  const first = up[0];

  return (
    <div>
      <PageHeader
        title="Dashboard"
        description={
          first
            ? `${first.clusterName ? `Cluster ${first.clusterName} · ` : ""}${first.edition ?? ""} ${first.build ?? ""}`
            : "Live view of the cluster"
        }
        actions={
          <>
            <Badge tone={status === "open" ? "ok" : status === "paused" ? "neutral" : status === "error" ? "err" : "warn"}>
              <span data-testid="stream-status">
                {status === "open" ? "Live" : status === "paused" ? "Paused (tab hidden)" : status === "error" ? "Stream closed" : "Connecting…"}
              </span>
            </Badge>
            <button type="button" className="btn" data-testid="charts-pause" onClick={() => setFrozen(paused ? null : samples)}>
              <Icon name={paused ? "play" : "pause"} /> {paused ? "Resume charts" : "Pause charts"}
            </button>
          </>
        }
      />
      {nodesQ.isError ? <div className="mb-4"><ErrorState error={nodesQ.error} onRetry={() => nodesQ.refetch()} /></div> : null}
      <div className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat label="Nodes" value={nodesQ.data ? `${up.length}${up.length !== nodes.length ? ` of ${nodes.length}` : ""}` : "—"} testId="stat-nodes" />
        <Stat label="Reads / s" value={formatRate(latest?.readTps)} />
        <Stat label="Writes / s" value={formatRate(latest?.writeTps)} />
        <Stat label="Client connections" value={formatNumber(latest?.clientConnections)} />
        <Stat label="Uptime (youngest node)" value={minUptime === null ? "—" : formatDuration(minUptime)} />
      </div>
      {history.isError && !nodesQ.isError ? <div className="mb-4"><ErrorState error={history.error} onRetry={() => history.refetch()} compact /></div> : null}
      {paused ? (
        <p className="muted mb-2 text-sm" data-testid="charts-paused">
          Charts paused{frozen.length ? ` at ${new Date(frozen[frozen.length - 1]!.tsMs).toLocaleTimeString()}` : ""}{reduced ? " because your system asks for reduced motion" : ""}: the figures above stay live.
        </p>
      ) : null}
      <div className="mb-4 grid grid-cols-1 gap-3 xl:grid-cols-3" data-testid="charts" data-last-sample={charted.at(-1)?.tsMs ?? ""} data-latest-sample={latest?.tsMs ?? ""}>
        <LiveChart
          title="Throughput (TPS)"
          series={[
            { label: "Read", colorVar: "--chart-read" },
            { label: "Write", colorVar: "--chart-write" },
          ]}
          data={tps}
        />
        <LiveChart
          title="Success rate"
          yRange={[0, 100]}
          series={[
            { label: "Read", colorVar: "--chart-read", unit: "%" },
            { label: "Write", colorVar: "--chart-write", unit: "%" },
          ]}
          data={success}
        />
        <LiveChart title="Client connections" series={[{ label: "Connections", colorVar: "--chart-conn" }]} data={conns} />
      </div>

      <h2 className="mb-2 font-semibold">Nodes</h2>
      {nodesQ.isLoading ? (
        <Loading what="Loading nodes" height={120} />
      ) : nodesQ.isError ? (
        <p className="muted mb-6 text-sm">Nodes are unavailable: see the error above.</p>
      ) : nodes.length === 0 ? (
        <EmptyState title="No nodes answered">Check the connection's seed hosts on the Connections page.</EmptyState>
      ) : (
        <div className="panel mb-6 overflow-x-auto">
          <table className="table" data-testid="nodes-table">
            <thead>
              <tr>
                <th>Node</th>
                <th>Address</th>
                <th>Build</th>
                <th className="num">Uptime</th>
                <th className="num">Client connections</th>
                <th className="num">Cluster size</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id}>
                  <td className="mono">{n.id}</td>
                  <td className="mono">{n.address}</td>
                  <td>{[n.edition, n.build].filter(Boolean).join(" ") || "—"}</td>
                  <td className="num">{n.uptimeSeconds === undefined || n.uptimeSeconds === null ? "—" : formatDuration(n.uptimeSeconds)}</td>
                  <td className="num">{formatNumber(n.clientConnections)}</td>
                  <td className="num">{formatNumber(n.clusterSize)}</td>
                  <td>
                    {n.error ? (
                      <span title={n.error}><Badge tone="err">not answering</Badge></span>
                    ) : n.migratePartitionsRemaining ? (
                      <Badge tone="warn">migrating {formatNumber(n.migratePartitionsRemaining)}</Badge>
                    ) : (
                      <Badge tone="ok">up</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="mb-2 font-semibold">Namespaces</h2>
      {nsQ.isError ? (
        nodesQ.isError ? <p className="muted text-sm">Namespaces are unavailable: see the error above.</p> : <ErrorState error={nsQ.error} onRetry={() => nsQ.refetch()} />
      ) : nsQ.data && nsQ.data.length === 0 ? (
        <EmptyState title="No namespaces">The cluster reports no namespace: check its configuration.</EmptyState>
      ) : (
        <div className="panel relative overflow-x-auto">
          <table className="table">
            <thead>
              <tr>
                <th>Namespace</th>
                <th className="num">Objects</th>
                <th>Data used</th>
                <th className="num">Used / total</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {(nsQ.data ?? []).map((ns) => (
                <tr key={ns.name}>
                  <td>
                    <Link className="font-medium hover:underline" to={`/clusters/${id}/namespaces/${encodeURIComponent(ns.name)}`}>
                      {ns.name}
                    </Link>
                  </td>
                  <td className="num">{formatNumber(ns.objects)}</td>
                  <td>
                    <UsageBar used={ns.dataUsedBytes} total={ns.dataTotalBytes} label={`${ns.name} data usage`} />
                  </td>
                  <td className="num">
                    {formatBytes(ns.dataUsedBytes)} / {formatBytes(ns.dataTotalBytes)}
                  </td>
                  <td>{ns.stopWrites ? <Badge tone="err">stop-writes</Badge> : ns.evicting ? <Badge tone="warn">evicting</Badge> : <Badge tone="ok">ok</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
