// Axe gate (light + dark, pages and dialogs) on the Kubernetes pages against a manager with
// Kubernetes management ON (the main e2e runs `--demo`, where it is off). Setup with kube-sim:
//   kube-sim --kubeconfig-out /tmp/kc &  (then: KUBECONFIG=/tmp/kc kubectl create namespace aerospike;
//   kubectl apply --validate=false -f examples/minimal.yaml)
//   K8S_MANAGEMENT_ENABLED=true KUBECONFIG=/tmp/kc aerospike-cluster-manager --demo --listen 127.0.0.1:8080 ...
//   node e2e/k8s-a11y.mjs http://127.0.0.1:8080
import { chromium } from "playwright-core";
import { checkA11y, focusRingGaps, formatViolations } from "./axe.mjs";
const BASE = process.argv[2];
// The cluster to open (default: examples/minimal.yaml applied in namespace aerospike).
const [NS, NAME] = (process.argv[3] ?? "aerospike/demo").split("/");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const pages = [
  ["/k8s", "Kubernetes clusters", null],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, null],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Scale" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Delete" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Warm restart" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "YAML" }).click(); await p.getByTestId("yaml-text").waitFor(); return "dialog[open]"; }],
  ["/k8s/new", "Create Aerospike cluster", null],
  ["/k8s/new", "Create Aerospike cluster", async (p) => { await p.getByLabel("Cluster name").fill("orders"); await p.getByRole("button", { name: "Next" }).click(); await p.getByRole("radio", { name: "Persistent volume (PVC)" }).click(); return undefined; }],
  ["/k8s/new", "Create Aerospike cluster", async (p) => { await p.getByLabel("Cluster name").fill("orders"); await p.getByRole("button", { name: "Next" }).click(); await p.getByRole("button", { name: "Next" }).click(); await p.getByTestId("review-yaml").waitFor(); return undefined; }],
  ["/k8s/templates", "Cluster templates", null],
];
let failed = 0;
for (const theme of ["light", "dark"]) {
  for (const [path, heading, open] of pages) {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.addInitScript((t) => localStorage.setItem("acm.theme", t), theme);
    await page.goto(BASE + path);
    await page.getByRole("heading", { name: heading, exact: true }).waitFor();
    await page.waitForLoadState("networkidle");
    await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
    const include = open ? await open(page) : undefined;
    const label = `${path}${open ? " +interaction" : ""} · ${theme}`;
    const r = await checkA11y(page, label, include ? { include } : undefined);
    const gaps = await focusRingGaps(page, include ? { include } : {});
    if (r.failing.length || gaps.length || errors.length) {
      failed++;
      console.log(formatViolations(label, r.failing), gaps, errors);
      await page.screenshot({ path: `e2e-artifacts/k8s-a11y-${theme}-${failed}.png`, fullPage: true });
    } else console.log(`ok ${label} (${r.other.length} minor)`);
    await page.close();
  }
}
await browser.close();
console.log(failed ? `${failed} FAILED` : "all passed");
process.exit(failed ? 1 : 0);
