import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeServer, renderAt } from "./testServer";

/** Replaces EventSource with a fake whose streams the test fires by hand; returns them. */
function stubEventSource(): Array<{ url: string; fire: (type: string) => void; closed: boolean }> {
  const sources: Array<{ url: string; fire: (type: string) => void; closed: boolean }> = [];
  vi.stubGlobal(
    "EventSource",
    class {
      listeners = new Map<string, () => void>();
      entry: { url: string; fire: (type: string) => void; closed: boolean };
      constructor(url: string) {
        this.entry = { url, fire: (t) => this.listeners.get(t)?.(), closed: false };
        sources.push(this.entry);
      }
      addEventListener(t: string, f: () => void) {
        this.listeners.set(t, f);
      }
      close() {
        this.entry.closed = true;
      }
    },
  );
  return sources;
}

describe("K8s cluster list", () => {
  it("says Kubernetes management is off and calls no /k8s/ endpoint", async () => {
    const calls = fakeServer(false);
    renderAt("/k8s");
    await screen.findByText("Kubernetes management is off");
    expect(calls.filter((c) => c.path.startsWith("/api/v1/k8s"))).toEqual([]);
  });

  it("lists clusters with coloured phase badges, ready/size, image, template and age", async () => {
    fakeServer(true);
    renderAt("/k8s");
    const rows = await screen.findAllByTestId("k8s-cluster-row");
    expect(rows).toHaveLength(3);
    const badges = rows.map((r) => within(r).getByTestId("phase-badge"));
    expect(badges.map((b) => [b.textContent?.split(":")[0], b.getAttribute("data-tone")])).toEqual([
      ["Completed", "ok"],
      ["ScalingUp", "info"],
      ["BackoffActive", "err"],
    ]);
    const cells = (r: HTMLElement) => [...r.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells(rows[0]!).slice(0, 6)).toEqual(["alpha", "db", "Completed: Healthy and fully reconciled", "3/3", "aerospike:ce-8.1.2.0", "prod-defaultsOut of Sync"]);
    expect(within(rows[0]!).getByTestId("template-sync").textContent).toContain("Out of Sync");
    expect(within(rows[0]!).getByRole("link", { name: "prod-defaults" }).getAttribute("href")).toBe("/k8s/templates/prod-defaults");
    expect(cells(rows[1]!)[2]).toContain("adding 1 pod");
    expect(cells(rows[2]!)[3]).toBe("?/2");
    expect(within(rows[0]!).getByRole("link", { name: "alpha" }).getAttribute("href")).toBe("/k8s/clusters/db/alpha");
  });
});

describe("K8s cluster list stream", () => {
  it("follows the list stream while a cluster is changing and refetches on its messages", async () => {
    const sources = stubEventSource();
    // The fixture's "beta" is ScalingUp (transitional).
    const calls = fakeServer(true);
    renderAt("/k8s");
    await screen.findAllByTestId("k8s-cluster-row");
    await waitFor(() => expect(sources.map((s) => s.url)).toEqual(["/api/v1/k8s/clusters/stream"]));
    const gets = () => calls.filter((c) => c.method === "GET" && c.path === "/api/v1/k8s/clusters").length;
    const before = gets();
    sources[0]!.fire("deleted");
    await waitFor(() => expect(gets()).toBe(before + 1));
    vi.unstubAllGlobals();
  });
});

describe("K8s cluster detail", () => {
  it("renders phase reason, operation progress, cards, pods and events from the API", async () => {
    fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    expect((await screen.findByTestId("phase-reason")).textContent).toBe("restarting alpha-0-2 (config changed)");
    const progress = screen.getByRole("progressbar", { name: "WarmRestart progress" });
    expect(progress.getAttribute("aria-valuenow")).toBe("33");
    const pods = screen.getAllByTestId("pod-row");
    expect(pods).toHaveLength(3);
    const cells = [...pods[2]!.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells[2]).toContain("not ready");
    expect(cells[2]).toContain("unstable for");
    expect(cells.slice(3, 9)).toEqual(["10.0.0.12", "node-2192.168.1.2", "1", "not satisfied", "confighash / podspec123", "—"]);
    expect(cells[9]).toContain("ConfigChanged");
    await screen.findByText("512 partitions remaining");
    expect(screen.getByText("Out of Sync")).toBeTruthy();
    await screen.findByText("ConfigApplied");
    expect(await screen.findAllByTestId("event-item")).toHaveLength(3);
    await screen.findByText("drifted");
  });

  it("requests a template resync from the template card", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Resync template" }));
    await screen.findByText("Template resync requested.");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/k8s/clusters/db/alpha/resync-template")).toBe(true);
  });

  it("refetches the cluster when its SSE stream reports a change", async () => {
    const sources = stubEventSource();
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    await screen.findByTestId("phase-reason");
    await waitFor(() => expect(sources.map((s) => s.url)).toEqual(["/api/v1/k8s/clusters/db/alpha/stream"]));
    const gets = () => calls.filter((c) => c.method === "GET" && c.path === "/api/v1/k8s/clusters/db/alpha").length;
    const before = gets();
    sources[0]!.fire("cluster");
    await waitFor(() => expect(gets()).toBe(before + 1));
  });

  it("warm-restarts only the selected pods", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("checkbox", { name: "Select pod alpha-0-0" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Select pod alpha-0-2" }));
    fireEvent.click(screen.getByRole("button", { name: "Warm restart (2)" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("alpha-0-0, alpha-0-2");
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    await screen.findByText("WarmRestart warm-abc started.");
    expect(calls.find((c) => c.method === "POST" && c.path.endsWith("/operations"))?.body).toEqual({ kind: "WarmRestart", podList: ["alpha-0-0", "alpha-0-2"] });
  });

  it("scales within 1–8 only and shows the server's field error", async () => {
    const calls = fakeServer(true, {
      "POST /api/v1/k8s/clusters/db/alpha/scale": () =>
        new Response(JSON.stringify({ type: "about:blank", title: "Invalid request", status: 422, detail: "invalid", errors: [{ field: "size", message: "size is locked by the HPA" }] }), {
          status: 422,
          headers: { "content-type": "application/problem+json" },
        }),
    });
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Scale" }));
    const input = await screen.findByLabelText("Pods (1–8)");
    fireEvent.change(input, { target: { value: "9" } });
    expect(screen.getByText("Community Edition clusters have 1 to 8 nodes")).toBeTruthy();
    const dialog = screen.getByRole("dialog");
    expect((within(dialog).getByRole("button", { name: "Scale" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(input, { target: { value: "5" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Scale" }));
    await waitFor(() => expect(within(dialog).getAllByText("size is locked by the HPA").length).toBeGreaterThan(0));
    expect(calls.find((c) => c.path.endsWith("/scale"))?.body).toEqual({ size: 5, resourceVersion: "42" });
  });

  it("deletes only after the name is typed", async () => {
    const calls = fakeServer(true);
    const router = renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Delete" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type "alpha" to confirm'), { target: { value: "alpha" } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(router.state.location.pathname).toBe("/k8s"));
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/k8s/clusters/db/alpha")).toBe(true);
  });

  it("shows pod logs with the chosen tail", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Logs of alpha-0-1" }));
    expect((await screen.findByTestId("log-text")).textContent).toBe("line 1\nline 2\n");
    expect(calls.some((c) => c.path === "/api/v1/k8s/clusters/db/alpha/pods/alpha-0-1/logs?tailLines=500&container=aerospike-server")).toBe(true);
    const download = screen.getByRole("link", { name: "Download" });
    expect(download.getAttribute("href")).toContain("tailLines=500&download=true");
  });
});

describe("K8s templates", () => {
  it("lists templates with the clusters referencing them", async () => {
    fakeServer(true);
    renderAt("/k8s/templates");
    const rows = await screen.findAllByTestId("k8s-template-row");
    expect(rows.map((r) => [...r.querySelectorAll("td")].slice(0, 4).map((td) => td.textContent))).toEqual([
      ["prod-defaults3 nodes, persistent storage", "aerospike:ce-8.1.2.0", "3", "db/alpha"],
      ["scratch", "—", "—", "none"],
    ]);
  });

  it("shows the server's 409 plainly when a referenced template is deleted", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/templates");
    fireEvent.click(await screen.findByRole("button", { name: "Delete template prod-defaults" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("refuses the delete");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await within(dialog).findByText(/referenced by 1 cluster\(s\): db\/alpha/);
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/k8s/templates/prod-defaults")).toBe(true);
  });

  it("template detail lists 'Referenced by' with links to the clusters", async () => {
    fakeServer(true);
    renderAt("/k8s/templates/prod-defaults");
    const card = await screen.findByTestId("referenced-by");
    await within(card).findByRole("link", { name: "db/alpha" });
    expect(within(card).getByRole("link", { name: "db/alpha" }).getAttribute("href")).toBe("/k8s/clusters/db/alpha");
    expect(screen.getByTestId("template-spec").textContent).toContain('"size": 3');
  });
});

describe("K8s create wizard", () => {
  const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

  it("walks all nine steps and creates the YAML it shows", async () => {
    const calls = fakeServer(true);
    const router = renderAt("/k8s/new");
    await screen.findByText("Step 1 of 9: Basic");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    // Blocked: the name is missing, and says so.
    expect(screen.getByText("Step 1 of 9: Basic")).toBeTruthy();
    expect(screen.getByText("Enter the cluster name")).toBeTruthy();
    fill("Cluster name", "orders");
    fill("Kubernetes namespace", "db");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 2 of 9: Namespace & Storage");
    fireEvent.click(screen.getByRole("radio", { name: "Persistent volume (PVC)" }));
    fill("StorageClass", "gp3");
    fill("Volume size", "50Gi");
    fill("Volume init method", "deleteFiles");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 3 of 9: Monitoring & Options");
    fireEvent.click(screen.getByLabelText("Enable the metrics exporter sidecar"));
    fill("Exporter port", "3001");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    // Blocked on the field, with the reason.
    expect(screen.getByText("Step 3 of 9: Monitoring & Options")).toBeTruthy();
    expect(screen.getByLabelText("Exporter port").getAttribute("aria-invalid")).toBe("true");
    fill("Exporter port", "9145");
    fill("AerospikeClusterTemplate", "prod-defaults");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 4 of 9: Resources");
    fill("CPU request", "2");
    fill("CPU limit", "1");
    expect(screen.getByText("The limit must be at least the request (2)")).toBeTruthy();
    fill("CPU limit", "4");
    expect((screen.getByLabelText(/Auto-connect/) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 5 of 9: Security (ACL)");
    expect(screen.getByText("Access control is not available in Aerospike Community Edition.")).toBeTruthy();
    expect((screen.getByLabelText("Enable access control") as HTMLInputElement).closest("fieldset")!.disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 6 of 9: Rolling Update");
    fill("Max unavailable (PodDisruptionBudget)", "25%");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 7 of 9: Rack Config");
    // Zones come from /k8s/nodes.
    fireEvent.click(await screen.findByRole("button", { name: "One rack per zone (2)" }));
    expect(screen.getAllByTestId("rack")).toHaveLength(2);
    fireEvent.change(within(screen.getAllByTestId("rack")[0]!).getByLabelText("Volume size override"), { target: { value: "100Gi" } });
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 8 of 9: Advanced");
    fireEvent.click(await screen.findByRole("checkbox", { name: /node-b/ }));
    expect((screen.getByLabelText("Blocked nodes") as HTMLInputElement).value).toBe("node-b");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 9 of 9: Review");
    const yaml = (await screen.findByTestId("review-yaml")).textContent ?? "";
    expect(yaml).toContain("  name: orders\n  namespace: db\n");
    expect(yaml).toContain("storageClass: gp3");
    fireEvent.click(screen.getByRole("button", { name: "Create cluster" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/k8s/clusters/db/orders"));
    const post = calls.find((c) => c.method === "POST" && c.path === "/api/v1/k8s/clusters")!;
    expect(post.body).toMatchObject({
      name: "orders",
      namespace: "db",
      autoConnect: true,
      spec: {
        size: 3,
        templateRef: { name: "prod-defaults" },
        monitoring: { enabled: true, port: 9145 },
        maxUnavailable: "25%",
        k8sNodeBlockList: ["node-b"],
        podSpec: { aerospikeContainer: { resources: { requests: { cpu: "2" }, limits: { cpu: "4" } } } },
        rackConfig: {
          racks: [
            { id: 1, zone: "zone-a", storage: { volumes: [{ initMethod: "deleteFiles", source: { persistentVolume: { storageClass: "gp3", size: "100Gi" } } }] } },
            { id: 2, zone: "zone-b" },
          ],
        },
      },
    });
    expect(yaml).toContain("k8sNodeBlockList:\n    - node-b");
  });

  it("puts the server's 422 on the field's step and lists the rest on Review", async () => {
    fakeServer(true);
    renderAt("/k8s/new");
    await screen.findByText("Step 1 of 9: Basic");
    fill("Cluster name", "taken");
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("Step 2 of 9: Namespace & Storage");
    for (let i = 0; i < 7; i++) fireEvent.click(screen.getByRole("button", { name: "Next" }));
    fireEvent.click(await screen.findByRole("button", { name: "Create cluster" }));
    await screen.findByText("Step 2 of 9: Namespace & Storage");
    const rf = screen.getByLabelText("Replication factor");
    expect(rf.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("replication-factor 3 needs at least 3 nodes on CE")).toBeTruthy();
    for (let i = 0; i < 7; i++) fireEvent.click(screen.getByRole("button", { name: "Next" }));
    expect((await screen.findByTestId("other-errors")).textContent).toContain("unknown field x");
  });
});

describe("K8s edit dialog and autoscaler", () => {
  it("edits, shows the diff of exactly what changes, and sends that merge patch", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    fireEvent.click(await screen.findByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Aerospike image"), { target: { value: "aerospike:ce-8.1.1.1" } });
    fireEvent.change(within(dialog).getByLabelText("Node selector"), { target: { value: "pool" } });
    expect(within(dialog).getByText("Use one key=value per line (not: pool)")).toBeTruthy();
    expect((within(dialog).getByRole("button", { name: "Review changes" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText("Node selector"), { target: { value: "pool=db" } });
    fireEvent.click(within(dialog).getByLabelText("Dynamic configuration updates"));
    fireEvent.click(within(dialog).getByRole("button", { name: "Review changes" }));
    const diff = await within(dialog).findByTestId("edit-diff");
    const rows = [...diff.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["spec.image", "aerospike:ce-8.1.2.0", "aerospike:ce-8.1.1.1"],
      ["spec.enableDynamicConfigUpdate", "(unset)", "true"],
      ["spec.podSpec", "(unset)", '{"nodeSelector":{"pool":"db"}}'],
    ]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Apply 3 changes" }));
    await screen.findByText(/Applied: spec.image/);
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.body).toEqual({ spec: { image: "aerospike:ce-8.1.1.1", enableDynamicConfigUpdate: true, podSpec: { nodeSelector: { pool: "db" } } }, resourceVersion: "42" });
  });

  it("creates (validated as you type), shows and deletes the HPA", async () => {
    const calls = fakeServer(true);
    renderAt("/k8s/clusters/db/alpha");
    const card = await screen.findByTestId("hpa-card");
    await within(card).findByText(/No HorizontalPodAutoscaler/);
    fireEvent.click(within(card).getByRole("button", { name: "Create autoscaler" }));
    let dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Max replicas"), { target: { value: "2" } });
    fireEvent.change(within(dialog).getByLabelText("Min replicas"), { target: { value: "3" } });
    expect(within(dialog).getByText("At least the minimum")).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("Max replicas"), { target: { value: "6" } });
    fireEvent.change(within(dialog).getByLabelText("CPU target (%)"), { target: { value: "60" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create" }));
    expect((await within(card).findByTestId("hpa-view")).textContent).toContain("3–6 pods · targets CPU 60%");
    expect(calls.find((c) => c.method === "POST" && c.path.endsWith("/hpa"))!.body).toEqual({ minReplicas: 3, maxReplicas: 6, cpuUtilization: 60 });
    fireEvent.click(within(card).getByRole("button", { name: "Delete autoscaler" }));
    dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await within(card).findByText(/No HorizontalPodAutoscaler/);
    expect(calls.some((c) => c.method === "DELETE" && c.path.endsWith("/hpa"))).toBe(true);
  });
});

describe("K8s template create", () => {
  const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

  it("creates a template from every section and opens it", async () => {
    const calls = fakeServer(true);
    const router = renderAt("/k8s/templates/new");
    fireEvent.click(await screen.findByRole("button", { name: "Create template" }));
    expect(screen.getByText("Enter the template name")).toBeTruthy();
    fill("Template name", "fast");
    fill("Default size (1–8)", "4");
    fill("Heartbeat interval (ms)", "150");
    fill("Max racks per node", "1");
    fill("Volume size", "50Gi");
    fireEvent.click(screen.getByRole("button", { name: "Create template" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/k8s/templates/fast"));
    const post = calls.find((c) => c.method === "POST" && c.path === "/api/v1/k8s/templates")!;
    expect(post.body).toEqual({
      name: "fast",
      spec: { size: 4, storage: { resources: { requests: { storage: "50Gi" } } }, aerospikeConfig: { network: { heartbeat: { interval: 150 } } }, rackConfig: { maxRacksPerNode: 1 } },
    });
  });

  it("puts the server's 422 on the field and shows a 409 plainly", async () => {
    fakeServer(true);
    renderAt("/k8s/templates/new");
    fill(await screen.findByLabelText("Template name").then(() => "Template name"), "bad-hb");
    fireEvent.click(screen.getByRole("button", { name: "Create template" }));
    await screen.findByText("interval must be at least 50");
    expect(screen.getByLabelText("Heartbeat interval (ms)").getAttribute("aria-invalid")).toBe("true");
    fill("Template name", "prod-defaults");
    fireEvent.click(screen.getByRole("button", { name: "Create template" }));
    expect(await screen.findByText(/AerospikeClusterTemplate prod-defaults already exists/)).toBeTruthy();
  });
});
