/**
 * The axe gate on the K8s pages and dialogs with data (the e2e runs against `--demo`, which has
 * no Kubernetes, so there these pages are audited only in their "off" state). jsdom has no layout,
 * so colour contrast is not checked here (the badges reuse the audited badge colours); every
 * structural WCAG 2.1 A/AA rule is.
 */
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import axe from "axe-core";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeServer, renderAt } from "./testServer";

beforeAll(() => {
  // jsdom has no canvas; axe only uses it to detect icon ligatures (none here).
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement["getContext"];
});

async function violations(root: Element) {
  const r = await axe.run(root, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    rules: { "color-contrast": { enabled: false } },
    resultTypes: ["violations"],
  });
  const extra = await axe.run(root, { runOnly: { type: "rule", values: ["empty-table-header"] }, resultTypes: ["violations"] });
  return [...r.violations, ...extra.violations].map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("axe on the K8s pages (fixtures)", () => {
  it("cluster list", async () => {
    fakeServer(true);
    renderAt("/k8s");
    await screen.findAllByTestId("k8s-cluster-row");
    expect(await violations(document.body)).toEqual([]);
  });

  it("cluster detail and its dialogs", async () => {
    fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    await screen.findAllByTestId("event-item");
    await screen.findByText("drifted");
    expect(await violations(document.body)).toEqual([]);
    for (const [button, ready] of [
      ["Scale", () => screen.findByLabelText("Pods (1–8)")],
      ["Delete", () => screen.findByLabelText('Type "alpha" to confirm')],
      ["Warm restart", () => screen.findByRole("button", { name: "Start" })],
      ["Logs of alpha-0-1", () => screen.findByTestId("log-text")],
    ] as const) {
      fireEvent.click(screen.getByRole("button", { name: button }));
      await ready();
      const dialog = document.querySelector("dialog[open]")!;
      expect(await violations(dialog), button).toEqual([]);
      fireEvent.click(screen.getAllByRole("button", { name: "Close dialog" }).find((b) => b.closest("dialog[open]"))!);
    }
  });

  it("cluster list and detail as a viewer (disabled actions, the read-only note)", async () => {
    fakeServer(true, {}, "viewer");
    renderAt("/k8s");
    await screen.findAllByTestId("k8s-cluster-row");
    screen.getByTestId("k8s-read-only");
    expect(await violations(document.body)).toEqual([]);
    cleanup();
    fakeServer(true, {}, "viewer");
    renderAt("/k8s/clusters/db/alpha");
    await screen.findAllByTestId("event-item");
    screen.getByTestId("k8s-read-only");
    expect(await violations(document.body)).toEqual([]);
  });

  it("templates list, delete dialog and template detail", async () => {
    fakeServer(true);
    renderAt("/k8s/templates");
    await screen.findAllByTestId("k8s-template-row");
    expect(await violations(document.body)).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Delete template scratch" }));
    expect(await violations(await screen.findByRole("dialog"))).toEqual([]);
  });

  it("template detail", async () => {
    fakeServer(true);
    renderAt("/k8s/templates/prod-defaults");
    await screen.findByRole("link", { name: "db/alpha" });
    expect(await violations(document.body)).toEqual([]);
  });

  it("create wizard, every step", async () => {
    fakeServer(true);
    renderAt("/k8s/new");
    await screen.findByText("Step 1 of 9: Basic");
    fireEvent.change(screen.getByLabelText("Cluster name"), { target: { value: "orders" } });
    expect(await violations(document.body)).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 2 of 9: Namespace & Storage");
    fireEvent.click(screen.getByRole("radio", { name: "Persistent volume (PVC)" }));
    expect(await violations(document.body)).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 3 of 9: Monitoring & Options");
    fireEvent.click(screen.getByLabelText("Enable the metrics exporter sidecar"));
    fireEvent.click(screen.getByLabelText("Create a PrometheusRule"));
    fireEvent.click(screen.getByLabelText("Create the seeds LoadBalancer"));
    expect(await violations(document.body)).toEqual([]);
    for (const label of ["Step 4 of 9: Resources", "Step 5 of 9: Security (ACL)", "Step 6 of 9: Rolling Update", "Step 7 of 9: Rack Config", "Step 8 of 9: Advanced"]) {
      fireEvent.click(screen.getByRole("button", { name: "Next" }));
      await screen.findByText(label);
      if (label.includes("Rack")) fireEvent.click(await screen.findByRole("button", { name: "One rack per zone (2)" }));
      if (label.includes("Advanced")) fireEvent.click(screen.getByLabelText("One Service per pod"));
      expect(await violations(document.body), label).toEqual([]);
    }
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByTestId("review-yaml");
    expect(await violations(document.body)).toEqual([]);
  });

  it("edit dialog (form and diff) and autoscaler dialog", async () => {
    fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Edit" }));
    let dialog = await screen.findByRole("dialog");
    expect(await violations(dialog)).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText("Aerospike image"), { target: { value: "aerospike:ce-8.1.1.1" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Review changes" }));
    await within(dialog).findByTestId("edit-diff");
    expect(await violations(dialog)).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Close dialog" }));
    fireEvent.click(await screen.findByRole("button", { name: "Create autoscaler" }));
    dialog = await screen.findByRole("dialog");
    expect(await violations(dialog)).toEqual([]);
  });

  it("template create, with errors shown", async () => {
    fakeServer(true);
    renderAt("/k8s/templates/new");
    fireEvent.click(await screen.findByRole("button", { name: "Create template" }));
    await screen.findByText("Enter the template name");
    expect(await violations(document.body)).toEqual([]);
  });

  it("the off state", async () => {
    fakeServer(false);
    renderAt("/k8s");
    await screen.findByText("Kubernetes management is off");
    expect(await violations(document.body)).toEqual([]);
  });
});
