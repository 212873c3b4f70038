import { useQuery } from "@tanstack/react-query";
import { endpoints, keys } from "../api/endpoints";
import { setTheme, useTheme, type ThemeChoice } from "../app/theme";
import { Icon } from "../components/icons";
import { Badge, ErrorState, PageHeader, Segmented, Spinner } from "../components/ui";
import { formatBytes, formatInterval, formatNumber } from "../lib/format";
import { formatDuration } from "../lib/values";

export default function SettingsPage() {
  const theme = useTheme();
  const health = useQuery({ queryKey: keys.health, queryFn: endpoints.health });
  const settings = useQuery({ queryKey: keys.settings, queryFn: endpoints.settings, staleTime: Infinity });
  const s = settings.data;
  const loading = <Spinner />;
  return (
    <div className="max-w-2xl">
      <PageHeader title="Settings" description="Preferences are stored in this browser." />
      <section className="panel mb-4 p-4">
        <h2 className="mb-1 font-semibold">Theme</h2>
        <p className="muted mb-3 text-sm">System follows your operating system's light or dark mode.</p>
        <Segmented<ThemeChoice>
          label="Theme"
          value={theme}
          onChange={setTheme}
          options={[
            { value: "light", label: <><Icon name="sun" /> Light</> },
            { value: "dark", label: <><Icon name="moon" /> Dark</> },
            { value: "system", label: <><Icon name="monitor" /> System</> },
          ]}
        />
      </section>
      <section className="panel p-4">
        <h2 className="mb-2 font-semibold">Server</h2>
        {settings.isError ? <ErrorState error={settings.error} onRetry={() => settings.refetch()} compact /> : null}
        {health.isError ? <ErrorState error={health.error} onRetry={() => health.refetch()} compact /> : null}
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="muted">Metrics sampling interval</dt>
          <dd data-testid="sampling-interval">{s ? formatInterval(s.sampleIntervalMs) : settings.isLoading ? loading : "—"}</dd>
          <dt className="muted">Metrics history</dt>
          <dd data-testid="history-window">
            {s ? `${formatDuration(s.historySeconds)} (${formatNumber(s.historySamples)} samples)` : settings.isLoading ? loading : "—"}
          </dd>
          <dt className="muted">Info console writes</dt>
          <dd data-testid="info-writes">
            {s ? s.infoWritesAllowed ? <Badge tone="warn">allowed</Badge> : <Badge tone="ok">read-only</Badge> : "—"}
          </dd>
          <dt className="muted">Demo mode</dt>
          <dd data-testid="demo-mode">{s ? (s.demo ? "on (built-in demo node)" : "off") : "—"}</dd>
          <dt className="muted">Request body limit</dt>
          <dd>{s ? formatBytes(s.bodyLimitBytes) : "—"}</dd>
          <dt className="muted">Manager version</dt>
          <dd>{s?.version ?? health.data?.version ?? "—"}</dd>
          <dt className="muted">Manager uptime</dt>
          <dd>{health.data ? formatDuration(health.data.uptimeSeconds) : "—"}</dd>
          <dt className="muted">Connected profiles</dt>
          <dd>{health.data?.connectedProfiles ?? "—"}</dd>
        </dl>
        <p className="muted mt-3 text-xs">
          These are set when starting the manager (<code className="mono">--sample-interval</code>, <code className="mono">--history</code>,{" "}
          <code className="mono">--allow-info-writes</code>, <code className="mono">--body-limit</code>).
        </p>
      </section>
    </div>
  );
}
