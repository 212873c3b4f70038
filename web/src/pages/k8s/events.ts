/** The 11 event categories of the timeline (the server's `EventCategory` ids and the seed's labels). */
import type { EventCategory, EventList } from "./api";

export const CATEGORIES: ReadonlyArray<{ id: EventCategory; label: string }> = [
  { id: "Lifecycle", label: "Lifecycle" },
  { id: "RollingRestart", label: "Rolling Restart" },
  { id: "Configuration", label: "Configuration" },
  { id: "ACLSecurity", label: "ACL Security" },
  { id: "Scaling", label: "Scaling" },
  { id: "RackManagement", label: "Rack Management" },
  { id: "Network", label: "Network" },
  { id: "Monitoring", label: "Monitoring" },
  { id: "Template", label: "Template" },
  { id: "CircuitBreaker", label: "Circuit Breaker" },
  { id: "Other", label: "Other" },
];

export interface Chip {
  id: EventCategory;
  label: string;
  count: number;
  selected: boolean;
}

/** Chips for the timeline: all 11 categories in order, with the server's counts (0 when absent). */
export function chips(counts: EventList["counts"] | undefined, selected: ReadonlySet<EventCategory>): Chip[] {
  return CATEGORIES.map((c) => ({
    ...c,
    count: counts?.find((x) => x.category === c.id)?.count ?? 0,
    selected: selected.has(c.id),
  }));
}

/** Events shown for a chip selection (no chip selected = everything). */
export function visibleEvents(items: EventList["items"], selected: ReadonlySet<EventCategory>): EventList["items"] {
  return selected.size === 0 ? items : items.filter((e) => selected.has(e.category));
}

export function categoryLabel(id: EventCategory): string {
  return CATEGORIES.find((c) => c.id === id)?.label ?? id;
}
