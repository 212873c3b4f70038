/** Pods of a cluster, with checkboxes that choose the pods of a WarmRestart/PodRestart. */
import { Badge } from "../../components/ui";
import { operatorStatus, type PodInfo } from "./api";
import { short } from "./cards";
import { age } from "./phase";

export function PodsTable({
  pods,
  selected,
  onSelect,
  onLogs,
}: {
  pods: PodInfo[];
  selected: ReadonlySet<string>;
  onSelect: (next: Set<string>) => void;
  onLogs: (pod: PodInfo) => void;
}) {
  const all = pods.length > 0 && pods.every((p) => selected.has(p.name));
  const toggle = (name: string) => {
    const next = new Set(selected);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    onSelect(next);
  };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="pods-table">
        <caption className="sr-only">Pods of the cluster</caption>
        <thead>
          <tr className="border-b border-[var(--border)] text-left">
            <th scope="col" className="px-2 py-2">
              <input
                type="checkbox"
                aria-label="Select all pods"
                checked={all}
                onChange={() => onSelect(all ? new Set() : new Set(pods.map((p) => p.name)))}
              />
            </th>
            <th scope="col" className="px-2 py-2">Pod</th>
            <th scope="col" className="px-2 py-2">Ready</th>
            <th scope="col" className="px-2 py-2">Pod IP</th>
            <th scope="col" className="px-2 py-2">Host</th>
            <th scope="col" className="px-2 py-2">Rack</th>
            <th scope="col" className="px-2 py-2">Readiness gate</th>
            <th scope="col" className="px-2 py-2">Config / pod-spec hash</th>
            <th scope="col" className="px-2 py-2">Dynamic config</th>
            <th scope="col" className="px-2 py-2">Last restart</th>
            <th scope="col" className="px-2 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pods.map((p) => {
            const op = operatorStatus(p);
            return (
              <tr key={p.name} className="border-b border-[var(--border)] align-top last:border-0" data-testid="pod-row">
                <td className="px-2 py-2">
                  <input type="checkbox" aria-label={`Select pod ${p.name}`} checked={selected.has(p.name)} onChange={() => toggle(p.name)} />
                </td>
                <td className="px-2 py-2">
                  <span className="font-medium">{p.name}</span>
                  <div className="muted text-xs">
                    {p.phase ?? "—"}
                    {p.restarts > 0 ? ` · ${p.restarts} container restarts` : ""}
                  </div>
                  {op.accessEndpoints?.length ? <div className="mono text-xs">{op.accessEndpoints.join(", ")}</div> : null}
                </td>
                <td className="px-2 py-2">
                  {p.ready ? <Badge tone="ok">ready</Badge> : <Badge tone="warn">not ready</Badge>}
                  {op.unstableSince ? (
                    <div className="muted text-xs" title={op.unstableSince}>
                      unstable for {age(op.unstableSince)}
                    </div>
                  ) : null}
                </td>
                <td className="mono px-2 py-2 text-xs">{p.podIP ?? "—"}</td>
                <td className="px-2 py-2 text-xs">
                  <div>{p.nodeName ?? "—"}</div>
                  <div className="mono muted">{p.hostIP ?? ""}</div>
                </td>
                <td className="num px-2 py-2 tabular-nums">{p.rack ?? "—"}</td>
                <td className="px-2 py-2">
                  {op.readinessGateSatisfied === undefined ? (
                    <span className="muted">—</span>
                  ) : op.readinessGateSatisfied ? (
                    <Badge tone="ok">satisfied</Badge>
                  ) : (
                    <Badge tone="warn">not satisfied</Badge>
                  )}
                </td>
                <td className="mono px-2 py-2 text-xs" title={`${p.configHash ?? "—"} / ${p.podSpecHash ?? "—"}`}>
                  {short(p.configHash)} / {short(p.podSpecHash)}
                </td>
                <td className="px-2 py-2">{op.dynamicConfigStatus ? <Badge tone={op.dynamicConfigStatus === "Failed" ? "err" : op.dynamicConfigStatus === "Applied" ? "ok" : "neutral"}>{op.dynamicConfigStatus}</Badge> : <span className="muted">—</span>}</td>
                <td className="px-2 py-2 text-xs">
                  {op.lastRestartReason ? (
                    <>
                      <div>{op.lastRestartReason}</div>
                      <div className="muted" title={op.lastRestartTime}>
                        {op.lastRestartTime ? `${age(op.lastRestartTime)} ago` : ""}
                      </div>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="px-2 py-2">
                  <button type="button" className="btn" onClick={() => onLogs(p)} aria-label={`Logs of ${p.name}`}>
                    Logs
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
