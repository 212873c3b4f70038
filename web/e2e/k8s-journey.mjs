#!/usr/bin/env node
// The Kubernetes journey against the manager in `--demo` mode, whose demo runs kube-sim and the
// acko operator in-process (Kubernetes management on, the example cluster aerospike/example):
// create a cluster through all 9 wizard steps and see it reach Completed, scale it, warm-restart
// two selected pods and watch the progress, see drift while a change waits to roll, reset an
// opened circuit breaker, delete it. Screenshots of the main pages in light and dark go to
// e2e-artifacts/k8s/. Usage: node e2e/k8s-journey.mjs --base-url URL --sim-kubeconfig FILE
// (FILE: the kubeconfig the demo wrote with --demo-k8s-kubeconfig; the breaker step injects API
// faults through the simulator's /sim/v1/faults route found there).
//
// Steps listed in BLOCKED still run, and are expected to fail for the reason given; one that
// passes fails the run (remove it from BLOCKED), so the list can never hide a working step.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BASE = arg("--base-url", process.env.ACM_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const SHOTS = arg("--screenshots", join(dirname(fileURLToPath(import.meta.url)), "..", "e2e-artifacts", "k8s"));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The operator reconciles on the simulator in seconds; rolling and scaling take a few rounds.
const SETTLE_MS = Number(arg("--settle-ms", "240000"));
const SIM_KUBECONFIG = arg("--sim-kubeconfig", process.env.ACM_DEMO_K8S_KUBECONFIG);
const NS = "aerospike";
const NAME = "journey";
mkdirSync(SHOTS, { recursive: true });

/** Steps that cannot pass yet, with the reason (see the header). */
const BLOCKED = {};

const results = [];
async function step(name, fn) {
  const started = Date.now();
  const blocked = BLOCKED[name];
  try {
    await fn();
    if (blocked) {
      results.push({ name, ok: false });
      console.log(`  ✗ ${name}: passes but is listed in BLOCKED; remove it from the list`);
    } else {
      results.push({ name, ok: true });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    }
  } catch (e) {
    if (blocked) {
      results.push({ name, ok: true, blocked: true });
      console.log(`  - ${name}: BLOCKED (${blocked})\n    failed as expected: ${String(e?.message ?? e).split("\n")[0]}`);
    } else {
      results.push({ name, ok: false });
      console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split("\n").slice(0, 8).join("\n    ")}`);
      await page.screenshot({ path: join(SHOTS, `failed-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    }
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
async function api(path, init) {
  const res = await fetch(BASE + "/api/v1" + path, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
const cluster = () => api(`/k8s/clusters/${NS}/${NAME}`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
context.setDefaultTimeout(15_000);
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));

const detailUrl = `${BASE}/k8s/clusters/${NS}/${NAME}`;
const phaseBadge = () => page.getByLabel("Summary").getByTestId("phase-badge");
/** Waits until the detail page shows phase `phase` (the page refreshes itself while the cluster changes). */
async function waitPhase(phase, timeout = SETTLE_MS) {
  await page.getByLabel("Summary").getByTestId("phase-badge").filter({ hasText: new RegExp(`^${phase}`) }).waitFor({ timeout });
}
const next = () => page.getByRole("button", { name: "Next" }).click();
const stepHeading = (n, label) => page.getByTestId("wizard-step").filter({ hasText: `Step ${n} of 9: ${label}` }).waitFor();

console.log(`k8s journey: ${BASE}, screenshots in ${SHOTS}`);

await step("Kubernetes management is on and the demo cluster is listed", async () => {
  const settings = await api("/settings");
  assert(settings.k8sManagementEnabled === true, "--demo must run with Kubernetes management on (kube-sim + operator)");
  await page.goto(`${BASE}/k8s`);
  await page.getByRole("link", { name: "Kubernetes", exact: true }).first().waitFor();
  await page.getByTestId("k8s-cluster-row").filter({ hasText: "example" }).waitFor();
});

await step("create a cluster through all 9 wizard steps", async () => {
  await page.goto(`${BASE}/k8s/new`);
  await stepHeading(1, "Basic");
  await page.getByLabel("Cluster name").fill(NAME);
  await page.getByLabel("Kubernetes namespace").fill(NS);
  await page.getByLabel("Size (nodes, 1–8)").fill("3");
  await next();
  await stepHeading(2, "Namespace & Storage");
  await page.getByLabel("Aerospike namespace").fill("test");
  await page.getByLabel("Replication factor").fill("2");
  await next();
  await stepHeading(3, "Monitoring & Options");
  await page.getByLabel("Dynamic configuration updates").check();
  await next();
  await stepHeading(4, "Resources");
  assert(await page.getByLabel(/Auto-connect/).isChecked(), "Auto-connect is on by default");
  await next();
  await stepHeading(5, "Security (ACL)");
  await page.getByText("Access control is not available in Aerospike Community Edition.").waitFor();
  await next();
  await stepHeading(6, "Rolling Update");
  await page.getByLabel("Batch size (pods restarted at once)").fill("1");
  await next();
  await stepHeading(7, "Rack Config");
  // Zones come from the simulator's nodes (a, b, c).
  await page.getByRole("button", { name: /^One rack per zone \(3\)$/ }).click();
  assert((await page.getByTestId("rack").count()) === 3, "three racks, one per zone");
  await next();
  await stepHeading(8, "Advanced");
  await page.getByLabel("Pod labels").fill("journey=e2e");
  await next();
  await stepHeading(9, "Review");
  const yaml = await page.getByTestId("review-yaml").textContent();
  for (const want of [`name: ${NAME}`, "zone: a", "zone: c", "enableDynamicConfigUpdate: true", "journey: e2e"]) assert(yaml.includes(want), `review YAML has ${want}`);
  await page.getByRole("button", { name: "Create cluster" }).click();
  await page.waitForURL(detailUrl);
  await page.getByRole("heading", { name: `Cluster ${NS}/${NAME}` }).waitFor();
});

await step("the new cluster reaches Completed with 3 ready pods", async () => {
  await waitPhase("Completed");
  await page.getByTestId("pod-row").nth(2).waitFor();
  assert((await page.getByTestId("pod-row").count()) === 3, "3 pods");
  const c = await cluster();
  assert(c.status?.health === "3/3", `health 3/3, got ${c.status?.health}`);
  assert(c.profileIds.length === 1, "auto-connect created a connection profile");
});

await step("scale to 4 and see it reach Completed again", async () => {
  await page.getByRole("button", { name: "Scale", exact: true }).click();
  await page.getByRole("dialog").getByLabel("Pods (1–8)").fill("4");
  await page.getByRole("dialog").getByRole("button", { name: "Scale" }).click();
  await page.getByTestId("k8s-notice").filter({ hasText: "Scaling to 4 pods." }).waitFor();
  await page.getByTestId("pod-row").nth(3).waitFor({ timeout: SETTLE_MS });
  await waitPhase("Completed");
  await page.getByLabel("Summary").getByText("4/4").waitFor({ timeout: SETTLE_MS });
});

await step("warm-restart two selected pods and watch the progress", async () => {
  const rows = page.getByTestId("pod-row");
  const names = [await rows.nth(0).locator("td").nth(1).locator("span.font-medium").textContent(), await rows.nth(1).locator("td").nth(1).locator("span.font-medium").textContent()];
  await page.getByRole("checkbox", { name: `Select pod ${names[0]}` }).check();
  await page.getByRole("checkbox", { name: `Select pod ${names[1]}` }).check();
  await page.getByRole("button", { name: "Warm restart (2)" }).click();
  await page.getByRole("dialog").getByText(names.join(", ")).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Start" }).click();
  await page.getByTestId("k8s-notice").filter({ hasText: /WarmRestart .* started\./ }).waitFor();
  const progress = page.getByTestId("operation-progress");
  await progress.waitFor({ timeout: SETTLE_MS });
  assert((await progress.textContent()).includes("WarmRestart"), "the progress names the operation");
  await progress.filter({ hasText: "2 completed" }).waitFor({ timeout: SETTLE_MS });
  const c = await cluster();
  const op = c.status?.operationStatus;
  assert(op && [...(op.completedPods ?? [])].sort().join() === [...names].sort().join(), `completed pods are the two selected: ${JSON.stringify(op)}`);
  for (const n of names) {
    const reason = c.status?.pods?.[n]?.lastRestartReason;
    assert(reason && /Warm/i.test(reason), `${n} was warm-restarted (lastRestartReason ${reason})`);
  }
});

await step("edit while paused: the drift card shows the pending change, then it rolls out", async () => {
  await waitPhase("Completed");
  await page.getByRole("button", { name: "Pause" }).click();
  await waitPhase("Paused", 60_000);
  await page.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Pod labels").fill("journey=e2e\nrollout=2");
  await dialog.getByRole("button", { name: "Review changes" }).click();
  await dialog.getByTestId("edit-diff").getByText("spec.podSpec.metadata.labels.rollout").waitFor();
  await dialog.getByRole("button", { name: /^Apply 1 change$/ }).click();
  await page.getByTestId("k8s-notice").filter({ hasText: "Applied:" }).waitFor();
  const drift = page.getByTestId("drift-card");
  await drift.getByText("drifted", { exact: true }).waitFor({ timeout: 60_000 });
  await drift.getByTestId("drift-fields").getByText(/podSpec/).first().waitFor();
  await page.screenshot({ path: join(SHOTS, "detail-drift.png"), fullPage: true });
  await page.getByRole("button", { name: "Resume" }).click();
  await waitPhase("Completed");
  await drift.getByText("in sync", { exact: true }).waitFor({ timeout: SETTLE_MS });
  const c = await cluster();
  // Hashes differ between racks (rack affinity); within a rack every pod runs the new spec.
  const first = new Map();
  for (const p of c.pods) if (!first.has(p.rack)) first.set(p.rack, p);
  assert(
    c.pods.every((p) => p.configHash === first.get(p.rack).configHash && p.podSpecHash === first.get(p.rack).podSpecHash),
    "every pod of a rack runs the rack's new pod spec",
  );
});

/** Add (POST), list or clear (DELETE) API faults of the demo's simulated Kubernetes. */
async function simFaults(init) {
  assert(SIM_KUBECONFIG, "--sim-kubeconfig FILE is required (the demo writes it with --demo-k8s-kubeconfig)");
  const server = /^\s*server:\s*(\S+)\s*$/m.exec(readFileSync(SIM_KUBECONFIG, "utf8"))?.[1];
  assert(server, `no server in ${SIM_KUBECONFIG}`);
  const r = await fetch(`${server}/sim/v1/faults`, init);
  assert(r.ok, `${init?.method ?? "GET"} /sim/v1/faults → ${r.status}: ${await r.text()}`);
}

await step("reset an opened circuit breaker", async () => {
  // The API server refuses StatefulSet patches in the namespace, so scaling up fails on every
  // attempt; the demo operator opens its breaker after 3 failures (DEMO_BREAKER_THRESHOLD).
  await simFaults({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verb: "patch", resource: "statefulsets", namespace: NS, code: 500 }),
  });
  try {
    await page.goto(detailUrl);
    const size = (await cluster()).spec.size;
    await page.getByRole("button", { name: "Scale", exact: true }).click();
    await page.getByRole("dialog").getByLabel("Pods (1–8)").fill(String(size + 1));
    await page.getByRole("dialog").getByRole("button", { name: "Scale" }).click();
    const card = page.getByTestId("reconciliation-card");
    await card.getByText("open", { exact: true }).waitFor({ timeout: SETTLE_MS });
    await card.getByText("3/3 failures").or(card.getByText(/^[4-9]\/3 failures$/)).first().waitFor();
    await card.getByText(/injected fault/).first().waitFor();
    await page.screenshot({ path: join(SHOTS, "detail-breaker-open.png"), fullPage: true });
    await simFaults({ method: "DELETE" });
    await card.getByRole("button", { name: "Reset circuit breaker" }).click();
    await page.getByTestId("k8s-notice").filter({ hasText: "Circuit breaker reset requested." }).waitFor();
    await card.getByText("closed", { exact: true }).waitFor({ timeout: SETTLE_MS });
    await waitPhase("Completed");
    await page.getByLabel("Summary").getByText(`${size + 1}/${size + 1}`).waitFor({ timeout: SETTLE_MS });
  } finally {
    await simFaults({ method: "DELETE" }).catch(() => {});
  }
});

await step("screenshots of the main pages, light and dark", async () => {
  for (const theme of ["light", "dark"]) {
    const p = await context.newPage();
    await p.addInitScript((t) => localStorage.setItem("acm.theme", t), theme);
    for (const [name, path, heading] of [
      ["clusters", "/k8s", "Kubernetes clusters"],
      ["detail", `/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`],
      ["wizard", "/k8s/new", "Create Aerospike cluster"],
      ["templates", "/k8s/templates", "Cluster templates"],
      ["template-create", "/k8s/templates/new", "Create cluster template"],
    ]) {
      await p.goto(BASE + path);
      await p.getByRole("heading", { name: heading, exact: true }).waitFor();
      await p.waitForLoadState("networkidle");
      await p.screenshot({ path: join(SHOTS, `${name}-${theme}.png`), fullPage: true });
    }
    await p.close();
  }
});

await step("delete with the typed name; the cluster and its profile go away", async () => {
  await page.goto(detailUrl);
  const before = await cluster();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog");
  assert(await dialog.getByRole("button", { name: "Delete" }).isDisabled(), "Delete waits for the typed name");
  await dialog.getByLabel(`Type "${NAME}" to confirm`).fill(NAME);
  // Every patch of the cluster (the operator's finalizer removal) answers 3 s late, so the
  // list always sees the cluster while it is being deleted: it must say so, and keep
  // following it until it is gone (it once stayed forever on a list that stopped refreshing).
  const slow = { verb: "patch", resource: "aerospikeclusters", namespace: NS, name: NAME, latencyMs: 3000 };
  await simFaults({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(slow) });
  try {
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${BASE}/k8s`);
    await page.getByRole("heading", { name: "Kubernetes clusters" }).waitFor();
    const row = page.getByTestId("k8s-cluster-row").filter({ hasText: NAME });
    await row.getByTestId("phase-badge").filter({ hasText: "Deleting" }).waitFor();
    await row.waitFor({ state: "detached", timeout: SETTLE_MS });
  } finally {
    await simFaults({ method: "DELETE" }).catch(() => {});
  }
  const profiles = await api("/profiles");
  const ids = (Array.isArray(profiles) ? profiles : profiles.items ?? []).map((p) => p.id);
  for (const id of before.profileIds) assert(!ids.includes(id), `auto-connect profile ${id} removed`);
});

await step("no uncaught page errors", async () => {
  assert(pageErrors.length === 0, pageErrors.join("\n"));
});

await browser.close();
const failed = results.filter((r) => !r.ok);
const blocked = results.filter((r) => r.blocked);
console.log(`k8s journey: ${results.length - failed.length - blocked.length} passed, ${blocked.length} blocked, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
