import { useQuery } from "@tanstack/react-query";
import { endpoints, keys } from "../api/endpoints";
import { setTheme, useTheme, type ThemeChoice } from "../app/theme";
import { useProfiles } from "../app/useProfile";
import { Icon } from "../components/icons";
import { ErrorState, PageHeader, Segmented, Spinner } from "../components/ui";
import { formatDuration } from "../lib/values";

function lastProfileId(): number | null {
  try {
    const v = localStorage.getItem("acm.lastProfile");
    return v && /^\d+$/.test(v) ? Number(v) : null;
  } catch {
    return null;
  }
}

export default function SettingsPage() {
  const theme = useTheme();
  const health = useQuery({ queryKey: keys.health, queryFn: endpoints.health });
  const profiles = useProfiles();
  // The sampling interval comes with a profile's metric history: use the last one visited, else any.
  const last = lastProfileId();
  const pid = profiles.data?.find((p) => p.id === last)?.id ?? profiles.data?.[0]?.id;
  const metrics = useQuery({
    queryKey: keys.metrics(pid ?? -1),
    queryFn: () => endpoints.metricsHistory(pid!),
    enabled: pid !== undefined,
    retry: false,
  });
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
        {health.isError ? <ErrorState error={health.error} onRetry={() => health.refetch()} compact /> : null}
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="muted">Metrics sampling interval</dt>
          <dd data-testid="sampling-interval">
            {metrics.data ? (
              `${(metrics.data.intervalMs / 1000).toLocaleString("en-US")} s`
            ) : metrics.isLoading && pid !== undefined ? (
              <Spinner />
            ) : (
              <span className="muted">shown once a connection is reachable</span>
            )}
          </dd>
          <dt className="muted">Manager version</dt>
          <dd>{health.data?.version ?? "—"}</dd>
          <dt className="muted">Manager uptime</dt>
          <dd>{health.data ? formatDuration(health.data.uptimeSeconds) : "—"}</dd>
          <dt className="muted">Connected profiles</dt>
          <dd>{health.data?.connectedProfiles ?? "—"}</dd>
        </dl>
        <p className="muted mt-3 text-xs">
          The sampling interval and history length are set when starting the manager (<code className="mono">--sample-interval</code>,{" "}
          <code className="mono">--history</code>).
        </p>
      </section>
    </div>
  );
}
