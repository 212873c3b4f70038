// Axe gate (light + dark, pages, every wizard step and every dialog) on the Kubernetes pages with
// data, against the manager in `--demo` mode (its demo runs kube-sim and the operator, with the
// example cluster aerospike/example). Run by web/scripts/test.sh:
//   node e2e/k8s-a11y.mjs http://127.0.0.1:8080 [namespace/name]
import { chromium } from "playwright-core";
import { checkA11y, focusRingGaps, formatViolations } from "./axe.mjs";
const BASE = process.argv[2];
// The cluster to open (default: examples/minimal.yaml applied in namespace aerospike).
const [NS, NAME] = (process.argv[3] ?? "aerospike/example").split("/");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const pages = [
  ["/k8s", "Kubernetes clusters", null],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, null],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Scale", exact: true }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Delete" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Warm restart" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "YAML" }).click(); await p.getByTestId("yaml-text").waitFor(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Edit" }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: "Edit" }).click(); await p.getByRole("dialog").getByLabel("Aerospike image").fill("aerospike:ce-8.1.2.0"); await p.getByRole("button", { name: "Review changes" }).click(); await p.getByTestId("edit-diff").waitFor(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: /^(Create|Edit) autoscaler$/ }).click(); return "dialog[open]"; }],
  [`/k8s/clusters/${NS}/${NAME}`, `Cluster ${NS}/${NAME}`, async (p) => { await p.getByRole("button", { name: /^Logs of / }).first().click(); await p.getByTestId("log-text").waitFor(); return "dialog[open]"; }],
  ...wizardSteps(),
  ["/k8s/templates/new", "Create cluster template", null],
  ["/k8s/templates/new", "Create cluster template", async (p) => { await p.getByRole("button", { name: "Create template" }).click(); await p.getByText("Enter the template name").waitFor(); return undefined; }],
  ["/k8s/templates", "Cluster templates", null],
];
/** The wizard at each of its 9 steps (every optional group opened). */
function wizardSteps() {
  const labels = ["Basic", "Namespace & Storage", "Monitoring & Options", "Resources", "Security (ACL)", "Rolling Update", "Rack Config", "Advanced", "Review"];
  return labels.map((label, i) => [
    "/k8s/new",
    "Create Aerospike cluster",
    async (p) => {
      await p.getByLabel("Cluster name").fill("orders");
      for (let s = 1; s <= i + 1; s++) {
        if (s === 2) {
          await p.getByRole("radio", { name: "Persistent volume (PVC)" }).click();
        }
        if (s === 3) {
          for (const box of ["Enable the metrics exporter sidecar", "Create a ServiceMonitor", "Create a PrometheusRule", "Generate a NetworkPolicy for the cluster", "Create the seeds LoadBalancer"]) await p.getByLabel(box).check();
        }
        if (s === 7) await p.getByRole("button", { name: /^One rack per zone/ }).click();
        if (s === 8) await p.getByLabel("One Service per pod").check();
        if (s <= i) await p.getByRole("button", { name: "Next" }).click();
      }
      await p.getByTestId("wizard-step").filter({ hasText: `: ${label}` }).waitFor();
      return undefined;
    },
  ]);
}

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
