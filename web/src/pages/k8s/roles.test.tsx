/**
 * The Kubernetes pages follow the server's rule (crates/acm/src/auth/policy.rs): every K8s
 * write needs `admin`. Viewers and operators see those actions disabled with the reason and
 * a note saying so, and nothing they click sends a write; admins get them enabled.
 */
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Role } from "../../api/auth";
import { NEEDS_ADMIN } from "./access";
import { fakeServer, hpaState, renderAt } from "./testServer";

const writes = (calls: Array<{ method: string; path: string }>) => calls.filter((c) => c.method !== "GET" && c.path.startsWith("/api/v1/k8s"));

function expectDisabled(name: string | RegExp) {
  const b = screen.getByRole("button", { name });
  expect(b.hasAttribute("disabled"), `${String(name)} is disabled`).toBe(true);
  expect(b.getAttribute("title")).toBe(NEEDS_ADMIN);
  fireEvent.click(b);
}

function expectEnabled(name: string | RegExp) {
  const b = screen.getByRole("button", { name });
  expect(b.hasAttribute("disabled"), `${String(name)} is enabled`).toBe(false);
  expect(b.getAttribute("title")).toBeNull();
}

const hpa = { name: "alpha-hpa", minReplicas: 2, maxReplicas: 4, cpuUtilization: 70, memoryUtilization: null, currentMetrics: [], conditions: [], currentReplicas: 3, desiredReplicas: 3 };

describe.each<Role>(["viewer", "operator"])("K8s pages for a %s", (role) => {
  it("list pages: create and delete are disabled with the reason", async () => {
    const calls = fakeServer(true, {}, role);
    renderAt("/k8s");
    await screen.findAllByTestId("k8s-cluster-row");
    expect(screen.getByTestId("k8s-read-only").textContent).toContain("needs the admin role");
    expectDisabled("Create cluster");
    expect(screen.queryByRole("link", { name: "Create cluster" })).toBeNull();
    expectEnabled("Refresh");
    expect(writes(calls)).toEqual([]);
  });

  it("template list: create and delete are disabled", async () => {
    const calls = fakeServer(true, {}, role);
    renderAt("/k8s/templates");
    await screen.findAllByTestId("k8s-template-row");
    screen.getByTestId("k8s-read-only");
    expectDisabled("Create template");
    expectDisabled("Delete template prod-defaults");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(writes(calls)).toEqual([]);
  });

  it("cluster detail: every change is disabled, reads stay available", async () => {
    hpaState.current = hpa;
    const calls = fakeServer(true, {}, role);
    renderAt("/k8s/clusters/db/alpha");
    await screen.findByTestId("phase-reason");
    screen.getByTestId("k8s-read-only");
    for (const name of ["Edit", "Scale", /^(Pause|Resume)$/, /^Warm restart/, /^Pod restart/, "Delete", "Resync template"]) expectDisabled(name);
    await waitFor(() => expect(screen.getByRole("button", { name: "Reset circuit breaker" }).getAttribute("title")).toBe(NEEDS_ADMIN));
    expectDisabled("Reset circuit breaker");
    const card = screen.getByTestId("hpa-card");
    await within(card).findByTestId("hpa-view");
    expectDisabled("Edit autoscaler");
    expectDisabled("Delete autoscaler");
    expectEnabled("YAML");
    expectEnabled("Logs of alpha-0-1");
    expect(screen.queryByText(/Select pods to restart/)).toBeNull();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(writes(calls)).toEqual([]);
  });

  it("template create: the form can be filled but not submitted", async () => {
    const calls = fakeServer(true, {}, role);
    renderAt("/k8s/templates/new");
    fireEvent.change(await screen.findByLabelText("Template name"), { target: { value: "fast" } });
    screen.getByTestId("k8s-read-only");
    expectDisabled("Create template");
    fireEvent.submit(screen.getByRole("button", { name: "Create template" }).closest("form")!);
    expect(writes(calls)).toEqual([]);
  });

  it("cluster create: the wizard walks to Review, where Create is disabled", async () => {
    const calls = fakeServer(true, {}, role);
    renderAt("/k8s/new");
    await screen.findByText("Step 1 of 9: Basic");
    screen.getByTestId("k8s-read-only");
    fireEvent.change(screen.getByLabelText("Cluster name"), { target: { value: "orders" } });
    fireEvent.change(screen.getByLabelText("Kubernetes namespace"), { target: { value: "db" } });
    for (let step = 2; step <= 9; step++) {
      fireEvent.click(screen.getByRole("button", { name: "Next" }));
      await screen.findByText(new RegExp(`^Step ${step} of 9`));
    }
    expectDisabled("Create cluster");
    fireEvent.submit(screen.getByRole("button", { name: "Create cluster" }).closest("form")!);
    expect(writes(calls)).toEqual([]);
  });
});

describe("K8s pages for an admin", () => {
  it("list pages link to create, and offer delete", async () => {
    fakeServer(true, {}, "admin");
    renderAt("/k8s");
    await screen.findAllByTestId("k8s-cluster-row");
    expect(screen.getByRole("link", { name: "Create cluster" }).getAttribute("href")).toBe("/k8s/new");
    expect(screen.queryByTestId("k8s-read-only")).toBeNull();
  });

  it("template list offers create and delete", async () => {
    fakeServer(true, {}, "admin");
    renderAt("/k8s/templates");
    await screen.findAllByTestId("k8s-template-row");
    expect(screen.getByRole("link", { name: "Create template" }).getAttribute("href")).toBe("/k8s/templates/new");
    expectEnabled("Delete template prod-defaults");
    expect(screen.queryByTestId("k8s-read-only")).toBeNull();
  });

  it("cluster detail: every change is enabled", async () => {
    hpaState.current = hpa;
    fakeServer(true, {}, "admin");
    renderAt("/k8s/clusters/db/alpha");
    await screen.findByTestId("phase-reason");
    for (const name of ["Edit", "Scale", /^(Pause|Resume)$/, /^Warm restart/, /^Pod restart/, "Delete", "Resync template", "YAML"]) expectEnabled(name);
    await waitFor(() => expect(screen.getByRole("button", { name: "Reset circuit breaker" }).hasAttribute("disabled")).toBe(false));
    await within(screen.getByTestId("hpa-card")).findByTestId("hpa-view");
    expectEnabled("Edit autoscaler");
    expectEnabled("Delete autoscaler");
    expect(screen.getByText(/Select pods to restart/)).toBeTruthy();
    expect(screen.queryByTestId("k8s-read-only")).toBeNull();
  });

  it("template create is enabled", async () => {
    fakeServer(true, {}, "admin");
    renderAt("/k8s/templates/new");
    await screen.findByLabelText("Template name");
    expectEnabled("Create template");
    expect(screen.queryByTestId("k8s-read-only")).toBeNull();
  });
});
