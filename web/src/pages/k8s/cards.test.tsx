import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DriftCard, OperationProgress, ReconciliationCard, operationTargets } from "./cards";
import { EventsTimeline } from "./EventsTimeline";
import { drift, events, reconciliation } from "./fixtures";

describe("drift rendering", () => {
  it("lists each drifted field with applied and desired values, and the hash groups", () => {
    render(<DriftCard drift={drift} />);
    expect(screen.getByText("drifted")).toBeTruthy();
    const row = within(screen.getByTestId("drift-fields")).getByText("spec.aerospikeConfig.service.proto-fd-max").closest("tr")!;
    expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["spec.aerospikeConfig.service.proto-fd-max", "15000", "20000"]);
    const groups = within(screen.getByTestId("hash-groups")).getAllByRole("listitem");
    expect(groups.map((g) => g.textContent)).toEqual([
      "config confighash · pod spec podspec123: alpha-0-0, alpha-0-1",
      "config confighash · pod spec podspec123: alpha-0-2",
    ]);
    expect(screen.getByText(/2 groups/)).toBeTruthy();
    expect(screen.getByText(/generation 3, observed 2/)).toBeTruthy();
  });

  it("says in sync when nothing drifted, and that the applied spec is unknown", () => {
    render(<DriftCard drift={{ ...drift, drifted: false, appliedSpecKnown: false, fields: [], hashGroups: [drift.hashGroups[0]!] }} />);
    expect(screen.getByText("in sync")).toBeTruthy();
    expect(screen.getByText(/not recorded an applied spec/)).toBeTruthy();
    expect(screen.queryByTestId("drift-fields")).toBeNull();
  });
});

describe("reconciliation card", () => {
  it("shows the breaker state, the failures toward the threshold and resets on click", () => {
    const onReset = vi.fn();
    render(<ReconciliationCard status={reconciliation} onReset={onReset} resetting={false} />);
    expect(screen.getByText("degraded")).toBeTruthy();
    const meter = screen.getByRole("meter", { name: /threshold/ });
    expect(meter.getAttribute("aria-valuenow")).toBe("2");
    expect(meter.getAttribute("aria-valuemax")).toBe("5");
    expect(screen.getByText(/pod alpha-0-2 not ready/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Reset circuit breaker" }));
    expect(onReset).toHaveBeenCalledTimes(1);
  });

  it("disables the reset while a reset is pending at the operator", () => {
    render(<ReconciliationCard status={{ ...reconciliation, resetRequested: true }} onReset={() => {}} resetting={false} />);
    expect((screen.getByRole("button", { name: "Reset circuit breaker" }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("events timeline view", () => {
  it("renders 11 chips and narrows the list when chips are pressed", () => {
    render(<EventsTimeline events={events} />);
    const chipButtons = screen.getAllByTestId("event-chip");
    expect(chipButtons).toHaveLength(11);
    expect(screen.getAllByTestId("event-item")).toHaveLength(3);
    const circuit = screen.getByRole("button", { name: /^Circuit Breaker \(1\)/ });
    fireEvent.click(circuit);
    expect(circuit.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getAllByTestId("event-item").map((e) => e.textContent)).toEqual([expect.stringContaining("ReconcileBackoff")]);
    fireEvent.click(screen.getByRole("button", { name: /^Network \(0\)/ }));
    expect(screen.getAllByTestId("event-item")).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Show all" }));
    expect(screen.getAllByTestId("event-item")).toHaveLength(3);
  });
});

describe("operation progress", () => {
  const op: Parameters<typeof OperationProgress>[0]["op"] = {
    id: "warm-1",
    kind: "WarmRestart",
    phase: "Completed",
    completedPods: ["a-0", "a-1"],
    failedPods: [],
  };

  it("counts over the pods the operation names, not every pod of the cluster", () => {
    const spec = { operations: [{ id: "warm-1", kind: "WarmRestart", podList: ["a-0", "a-1"] }] };
    render(<OperationProgress op={op} podCount={4} targetPods={operationTargets(spec, "warm-1")} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(screen.getByText("2 completed · 0 failed · 2 pods")).toBeTruthy();
  });

  it("counts over every pod when the operation names none", () => {
    expect(operationTargets({ operations: [{ id: "warm-1", kind: "WarmRestart" }] }, "warm-1")).toBeUndefined();
    expect(operationTargets({}, "warm-1")).toBeUndefined();
    render(<OperationProgress op={op} podCount={4} targetPods={undefined} />);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("50");
  });
});
