/** Test helpers: a fake manager answering the /k8s/ endpoints from the fixtures, and a router. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeAll, vi } from "vitest";
import type { Role } from "../../api/auth";
import { SessionGate } from "../../app/session";
import K8sClusterDetailPage from "./K8sClusterDetailPage";
import K8sClustersPage from "./K8sClustersPage";
import { clusterDetail, clusterList, drift, events, health, reconciliation, templateDetail, templateList } from "./fixtures";
import K8sTemplateDetailPage from "./K8sTemplateDetailPage";
import K8sTemplatesPage from "./K8sTemplatesPage";
import K8sCreateClusterPage from "./K8sCreateClusterPage";
import K8sCreateTemplatePage from "./K8sCreateTemplatePage";

beforeAll(() => {
  // jsdom has no <dialog> methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});
afterEach(() => vi.unstubAllGlobals());

/** The fake's HPA (null: none). */
export const hpaState: { current: Record<string, unknown> | null } = { current: null };
afterEach(() => {
  hpaState.current = null;
});

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/**
 * A fake manager: settings with K8s on/off, the /k8s/ answers from the fixtures, and the
 * caller (`GET /auth/me`) signed in with `role` (admin by default).
 */
export function fakeServer(k8sOn: boolean, override: Record<string, () => Response> = {}, role: Role = "admin") {
  const calls: Call[] = [];
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const req = typeof input === "string" ? new Request(new URL(input, "http://localhost"), init) : input;
      const u = new URL(req.url);
      const text = req.method === "GET" ? "" : await req.text();
      calls.push({ method: req.method, path: u.pathname + u.search, body: text ? JSON.parse(text) : undefined });
      const key = `${req.method} ${u.pathname}`;
      if (override[key]) return override[key]();
      const base = "/api/v1/k8s/clusters/db/alpha";
      switch (key) {
        case "GET /api/v1/auth/me":
          return json({ name: `${role}-user`, role, via: "session", csrfToken: "csrf", authEnabled: true });
        case "GET /api/v1/settings":
          return json({ k8sManagementEnabled: k8sOn, demo: false, infoWritesAllowed: false, sampleIntervalMs: 1000, historySeconds: 600, historySamples: 600, bodyLimitBytes: 1, version: "t" });
        case "GET /api/v1/k8s/clusters":
          return json(clusterList);
        case `GET ${base}`:
          return json(clusterDetail);
        case `GET ${base}/health`:
          return json(health);
        case `GET ${base}/config-drift`:
          return json(drift);
        case `GET ${base}/reconciliation-status`:
          return json(reconciliation);
        case `GET ${base}/events`:
          return json(events);
        case `POST ${base}/resync-template`:
          return json({ cluster: clusterDetail, changed: [], warnings: [] });
        case `POST ${base}/operations`:
          return json({ id: "warm-abc", cluster: clusterDetail, changed: ["spec.operations"], warnings: [] });
        case `POST ${base}/scale`:
          return json({ cluster: { ...clusterDetail, spec: { ...clusterDetail.spec, size: 5 } }, changed: ["spec.size"], warnings: [] });
        case `DELETE ${base}`:
          return json({ deleted: true, removedProfiles: [] });
        case "GET /api/v1/k8s/namespaces":
          return json({ items: [{ name: "db", phase: "Active" }, { name: "default", phase: "Active" }] });
        case "GET /api/v1/k8s/storageclasses":
          return json({ items: [{ name: "gp3", provisioner: "ebs.csi.aws.com", isDefault: true, allowVolumeExpansion: true }] });
        case "POST /api/v1/k8s/clusters": {
          const body = JSON.parse(text) as { name: string; namespace: string };
          if (body.name === "taken")
            return json(
              {
                type: "about:blank",
                title: "Invalid request",
                status: 422,
                detail: "2 problems",
                errors: [
                  { field: "spec.aerospikeConfig.namespaces[0].replication-factor", message: "replication-factor 3 needs at least 3 nodes on CE" },
                  { field: "spec.podSpec.x", message: "unknown field x" },
                ],
              },
              422,
            );
          return json({ cluster: { ...clusterDetail, name: body.name, namespace: body.namespace }, warnings: [] }, 201);
        }
        case "GET /api/v1/k8s/nodes":
          return json({
            items: [
              { name: "node-a", ready: true, unschedulable: false, taints: [], zone: "zone-a", region: "r1" },
              { name: "node-b", ready: true, unschedulable: false, taints: [], zone: "zone-b", region: "r1" },
            ],
            zones: ["zone-a", "zone-b"],
          });
        case "GET /api/v1/k8s/secrets":
          return json({ items: [{ name: "app-password", namespace: "db", keys: ["password"], type: "Opaque" }] });
        case `PATCH ${base}`:
          return json({ cluster: clusterDetail, changed: Object.keys((JSON.parse(text) as { spec: object }).spec).map((k) => `spec.${k}`), warnings: [] });
        case `GET ${base}/hpa`:
          return hpaState.current
            ? json(hpaState.current)
            : json({ type: "about:blank", title: "Not Found", status: 404, detail: "db/alpha has no HorizontalPodAutoscaler" }, 404);
        case `POST ${base}/hpa`: {
          const r = JSON.parse(text) as { minReplicas?: number; maxReplicas: number; cpuUtilization?: number; memoryUtilization?: number };
          if (r.maxReplicas > 8)
            return json({ type: "about:blank", title: "Invalid request", status: 422, detail: "1 problem", errors: [{ field: "maxReplicas", message: "must be between 1 and 8 (the Community Edition limit)" }] }, 422);
          hpaState.current = { name: "alpha-hpa", minReplicas: r.minReplicas ?? 1, maxReplicas: r.maxReplicas, cpuUtilization: r.cpuUtilization ?? null, memoryUtilization: r.memoryUtilization ?? null, currentMetrics: [], conditions: [], currentReplicas: 3, desiredReplicas: 3 };
          return json(hpaState.current, 201);
        }
        case `DELETE ${base}/hpa`:
          hpaState.current = null;
          return new Response(null, { status: 204 });
        case "POST /api/v1/k8s/templates": {
          const body = JSON.parse(text) as { name: string };
          if (body.name === "bad-hb")
            return json({ type: "about:blank", title: "Invalid request", status: 422, detail: "1 problem", errors: [{ field: "spec.aerospikeConfig.network.heartbeat.interval", message: "interval must be at least 50" }] }, 422);
          if (body.name === "prod-defaults") return json({ type: "about:blank", title: "Conflict", status: 409, detail: "AerospikeClusterTemplate prod-defaults already exists" }, 409);
          return json({ template: { ...templateDetail, name: body.name, usedBy: [] }, warnings: [] }, 201);
        }
        case "GET /api/v1/k8s/templates":
          return json(templateList);
        case "GET /api/v1/k8s/templates/prod-defaults":
          return json(templateDetail);
        case "DELETE /api/v1/k8s/templates/scratch":
          return new Response(null, { status: 204 });
        case "DELETE /api/v1/k8s/templates/prod-defaults":
          return json({ type: "about:blank", title: "Conflict", status: 409, detail: "AerospikeClusterTemplate prod-defaults is referenced by 1 cluster(s): db/alpha; delete them or move them off the template first" }, 409);
        case `GET ${base}/pods/alpha-0-1/logs`:
          return new Response("line 1\nline 2\n", { status: 200, headers: { "content-type": "text/plain" } });
      }
      return json({ type: "about:blank", title: "Not Found", status: 404, detail: `no fake for ${key}` }, 404);
    }),
  );
  return calls;
}

export function renderAt(path: string) {
  const router = createMemoryRouter(
    [
      { path: "/k8s", element: <K8sClustersPage /> },
      { path: "/k8s/clusters/:namespace/:name", element: <K8sClusterDetailPage /> },
      { path: "/k8s/templates", element: <K8sTemplatesPage /> },
      { path: "/k8s/new", element: <K8sCreateClusterPage /> },
      { path: "/k8s/templates/new", element: <K8sCreateTemplatePage /> },
      { path: "/k8s/templates/:name", element: <K8sTemplateDetailPage /> },
    ],
    { initialEntries: [path] },
  );
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <SessionGate>
        <RouterProvider router={router} />
      </SessionGate>
    </QueryClientProvider>,
  );
  return router;
}

