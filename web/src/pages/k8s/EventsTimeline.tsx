/** Kubernetes events of a cluster, newest first, filtered by the 11 category chips. */
import { useState } from "react";
import { Badge, ErrorState, Spinner } from "../../components/ui";
import type { EventCategory, EventList } from "./api";
import { categoryLabel, chips, visibleEvents } from "./events";
import { age } from "./phase";
import { Card } from "./cards";

export function EventsTimeline({ events, error }: { events?: EventList; error?: unknown }) {
  const [selected, setSelected] = useState<Set<EventCategory>>(new Set());
  const toggle = (id: EventCategory) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const items = events ? visibleEvents(events.items, selected) : [];
  return (
    <Card title="Events" testId="events-card">
      <div className="mb-3 flex flex-wrap gap-1.5" role="group" aria-label="Filter events by category">
        {chips(events?.counts, selected).map((c) => (
          <button
            key={c.id}
            type="button"
            aria-pressed={c.selected}
            className={`badge ${c.selected ? "badge-info font-semibold" : ""}`}
            onClick={() => toggle(c.id)}
            data-testid="event-chip"
          >
            {c.label} <span className="num tabular-nums">({c.count})</span>
          </button>
        ))}
        {selected.size > 0 ? (
          <button type="button" className="btn h-6" onClick={() => setSelected(new Set())}>
            Show all
          </button>
        ) : null}
      </div>
      {error ? <ErrorState error={error} compact /> : null}
      {!events && !error ? <Spinner label="Loading events" /> : null}
      {events && items.length === 0 ? <p className="muted text-sm">No events{selected.size ? " in the chosen categories" : ""}.</p> : null}
      {items.length > 0 ? (
        <ol className="space-y-2" data-testid="event-list">
          {items.map((e, i) => (
            <li key={i} className="border-l-2 border-[var(--border)] pl-3 text-sm" data-testid="event-item">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={e.type === "Warning" ? "warn" : "neutral"}>{e.type ?? "Normal"}</Badge>
                <span className="font-medium">{e.reason ?? "—"}</span>
                <span className="badge">{categoryLabel(e.category)}</span>
                {e.count > 1 ? <span className="muted">×{e.count}</span> : null}
                <span className="muted" title={e.lastTimestamp ?? undefined}>
                  {e.lastTimestamp ? `${age(e.lastTimestamp)} ago` : ""}
                </span>
              </div>
              <p className="break-words">{e.message}</p>
              <p className="muted text-xs">
                {e.objectKind} {e.objectName}
                {e.source ? ` · ${e.source}` : ""}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
    </Card>
  );
}
