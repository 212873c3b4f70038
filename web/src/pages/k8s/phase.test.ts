import { describe, expect, it } from "vitest";
import { ALL_PHASES, age, phaseView } from "./phase";
import { CATEGORIES, chips, visibleEvents } from "./events";
import { events } from "./fixtures";

describe("phase badge mapping", () => {
  it("knows all 12 operator phases with the right colour", () => {
    expect(ALL_PHASES).toEqual([
      "InProgress", "Completed", "Error", "ScalingUp", "ScalingDown", "WaitingForMigration",
      "RollingRestart", "ACLSync", "Paused", "Deleting", "ConfigDegraded", "BackoffActive",
    ]);
    const tones = Object.fromEntries(ALL_PHASES.map((p) => [p, phaseView(p).tone]));
    expect(tones).toEqual({
      InProgress: "info", Completed: "ok", Error: "err", ScalingUp: "info", ScalingDown: "info",
      WaitingForMigration: "warn", RollingRestart: "info", ACLSync: "info", Paused: "neutral",
      Deleting: "warn", ConfigDegraded: "err", BackoffActive: "err",
    });
    for (const p of ALL_PHASES) {
      expect(phaseView(p).label).toBe(p);
      expect(phaseView(p).description.length).toBeGreaterThan(10);
    }
  });

  it("marks the same phases transitional as the server (crates/acm model::transitional)", () => {
    expect(ALL_PHASES.filter((p) => phaseView(p).transitional)).toEqual([
      "InProgress", "ScalingUp", "ScalingDown", "WaitingForMigration", "RollingRestart", "ACLSync", "Deleting",
    ]);
  });

  it("shows a missing or unknown phase without colour", () => {
    expect(phaseView(undefined)).toMatchObject({ label: "Unknown", tone: "neutral" });
    expect(phaseView("Exploding")).toMatchObject({ label: "Exploding", tone: "neutral" });
  });

  it("formats ages kubectl style", () => {
    const now = Date.parse("2026-01-10T12:00:00Z");
    expect(age("2026-01-10T11:59:15Z", now)).toBe("45s");
    expect(age("2026-01-10T11:48:00Z", now)).toBe("12m");
    expect(age("2026-01-10T09:00:00Z", now)).toBe("3h");
    expect(age("2026-01-05T12:00:00Z", now)).toBe("5d");
    expect(age(null, now)).toBe("—");
    expect(age("garbage", now)).toBe("—");
  });
});

describe("event categories", () => {
  it("has the 11 categories of the seed, in order, with the server's ids", () => {
    expect(CATEGORIES.map((c) => c.label)).toEqual([
      "Lifecycle", "Rolling Restart", "Configuration", "ACL Security", "Scaling", "Rack Management",
      "Network", "Monitoring", "Template", "Circuit Breaker", "Other",
    ]);
    expect(CATEGORIES.map((c) => c.id)).toContain("ACLSecurity");
  });

  it("builds 11 chips with counts (0 when the server sent none) and filters by selection", () => {
    const c = chips(events.counts, new Set(["Scaling"]));
    expect(c).toHaveLength(11);
    expect(c.find((x) => x.id === "Scaling")).toMatchObject({ count: 1, selected: true });
    expect(c.find((x) => x.id === "Network")).toMatchObject({ count: 0, selected: false });
    expect(visibleEvents(events.items, new Set()).map((e) => e.reason)).toEqual(["PodRestarted", "ReconcileBackoff", "ScaledUp"]);
    expect(visibleEvents(events.items, new Set(["Scaling", "CircuitBreaker"])).map((e) => e.reason)).toEqual(["ReconcileBackoff", "ScaledUp"]);
  });
});
