#!/usr/bin/env node
// End-to-end tests: Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against a
// running aerospike-cluster-manager in --demo mode. Usage: node e2e/run.mjs --base-url URL
// Screenshots of every page go to the folder printed at the start.
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { runA11yTests } from "./a11y.mjs";
import { runKeyboardTests } from "./keyboard.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BASE = (arg("--base-url", process.env.ACM_URL ?? "http://127.0.0.1:8080")).replace(/\/$/, "");
const SHOTS = arg("--screenshots", join(dirname(fileURLToPath(import.meta.url)), "..", "e2e-artifacts", "screenshots"));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TIMEOUT = 15_000;
mkdirSync(SHOTS, { recursive: true });
console.log(`e2e: ${BASE}, screenshots in ${SHOTS}`);

// ------------------------------------------------------------------ tiny harness
const results = [];
// --only REGEX runs the matching tests only (for iterating on one area).
const ONLY = arg("--only") ? new RegExp(arg("--only")) : null;
async function test(name, fn) {
  if (ONLY && !ONLY.test(name)) return;
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n    ")}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
async function api(path, init) {
  const res = await fetch(BASE + path, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

// ------------------------------------------------------------------ browser
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
context.setDefaultTimeout(TIMEOUT);

/** A page that records console errors, uncaught exceptions and 5xx answers. `expected5xx` lists
 * URL patterns whose 5xx is the designed answer (e.g. 502 for an unreachable cluster). */
async function openPage(expected5xx = []) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const t = m.text();
    // The browser logs every 4xx fetch; those are answers the page handles (e.g. CE's 409 on users).
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(t)) return;
    if (expected5xx.length && /Failed to load resource: the server responded with a status of 5\d\d/.test(t)) return;
    problems.push(`console: ${t}`);
  });
  page.on("pageerror", (e) => problems.push(`exception: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500 && !expected5xx.some((re) => re.test(r.url()))) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { page, problems };
}
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

// ------------------------------------------------------------------ discover the demo data
const profiles = await api("/api/v1/profiles");
const demo = profiles.find((p) => p.demo) ?? profiles[0];
assert(demo, "the demo profile is missing: was the manager started with --demo?");
const C = `/clusters/${demo.id}`;
const namespaces = await api(`/api/v1${C}/namespaces`);
assert(namespaces.length > 0, "the demo cluster has no namespace");
const sets = [];
for (const n of namespaces) sets.push(...(await api(`/api/v1${C}/namespaces/${encodeURIComponent(n.name)}/sets`)));
assert(sets.length > 0, "the demo dataset has no set");
// The largest set, so that several pages can be browsed.
const bigSet = [...sets].sort((a, b) => b.objects - a.objects)[0];
const ns = bigSet.namespace;
console.log(`demo profile ${demo.id} (${demo.name}), browsing ${ns}/${bigSet.name} (${bigSet.objects} objects)`);

// ------------------------------------------------------------------ tests
console.log("web e2e:");

await test("every page loads without console errors", async () => {
  const pages = [
    ["connections", "/connections", "Connections"],
    ["settings", "/settings", "Settings"],
    ["dashboard", `${C}/dashboard`, "Dashboard"],
    ["namespaces", `${C}/namespaces`, "Namespaces & sets"],
    ["namespace-detail", `${C}/namespaces/${encodeURIComponent(ns)}`, `Namespace ${ns}`],
    ["browse", `${C}/browse`, "Record browser"],
    ["records", `${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(bigSet.name)}`, `${ns} / ${bigSet.name}`],
    ["query", `${C}/query`, "Query builder"],
    ["indexes", `${C}/indexes`, "Secondary indexes"],
    ["udfs", `${C}/udfs`, "UDFs"],
    ["users", `${C}/users`, "Users & roles"],
    ["console", `${C}/console`, "Info console"],
    ["aql", `${C}/aql`, "AQL terminal"],
    ["not-found", "/no/such/page", "Page not found"],
  ];
  const failures = [];
  for (const [name, path, heading] of pages) {
    const { page, problems } = await openPage();
    await page.goto(BASE + path);
    await page.getByRole("heading", { name: heading, exact: true }).or(page.getByText(heading, { exact: true })).first().waitFor();
    // Let data requests finish so their errors would show (the dashboard keeps an SSE stream
    // open, so it is never network-idle: wait for the live stream instead).
    if (name === "dashboard") await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
    else await page.waitForLoadState("networkidle");
    await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
    await shot(page, name);
    if (problems.length) failures.push(`${path}: ${problems.join("; ")}`);
    await page.close();
  }
  assert(failures.length === 0, failures.join("\n"));
});

await test("dashboard shows nodes and live charts", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/dashboard`);
  await page.getByTestId("nodes-table").waitFor();
  await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
  assert((await page.locator("figure .uplot").count()) === 3, "expected 3 charts");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("dashboard shows non-zero reads/s from the default demo traffic", async () => {
  // --demo drives synthetic client load (--demo-traffic, 50 ops/s by default) at the fake node;
  // rates need two samples, so poll (bounded) until the Reads / s figure is non-zero.
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/dashboard`);
  await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
  const reads = page.locator(".panel").filter({ has: page.getByText("Reads / s", { exact: true }) }).locator(".tabular-nums");
  await reads.filter({ hasText: /[1-9]/ }).waitFor({ timeout: 30_000 }).catch(async (e) => {
    throw new Error(`Reads / s stayed at "${await reads.innerText()}": is demo traffic running?\n${e.message}`);
  });
  await shot(page, "dashboard-traffic");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("create a connection", async () => {
  // The new connection points at a closed port: its status check answers 502 by design.
  const { page, problems } = await openPage([/\/api\/v1\/profiles\/\d+\/status$/]);
  const name = `e2e-${Date.now()}`;
  await page.goto(`${BASE}/connections`);
  await page.getByRole("button", { name: "New connection" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Labels").fill("env=staging");
  await page.getByLabel("Seed hosts").fill("127.0.0.1:3999");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.getByTestId("profile-card").filter({ hasText: name }).waitFor();
  await shot(page, "connection-created");
  const list = await api("/api/v1/profiles");
  const created = list.find((p) => p.name === name);
  assert(created && created.labels.env === "staging", "the new profile was not stored with its label");
  await api(`/api/v1/profiles/${created.id}`, { method: "DELETE" });
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("browse forward 3 pages and back", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(bigSet.name)}`);
  await page.getByTestId("records-table").waitFor();
  await page.getByLabel("Page size").selectOption("25");
  await page.getByTestId("page-label").filter({ hasText: "Page 1 ·" }).waitFor();
  const firstKeys = await page.getByTestId("data-row").locator("td:nth-child(2)").allInnerTexts();
  const seen = new Set(firstKeys);
  for (let i = 2; i <= 4; i++) {
    await page.getByTestId("next-page").click();
    await page.getByTestId("page-label").filter({ hasText: `Page ${i} ·` }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="page-label"] [role="status"]'));
    const keys = await page.getByTestId("data-row").locator("td:nth-child(2)").allInnerTexts();
    assert(keys.length > 0, `page ${i} is empty`);
    for (const k of keys) assert(!seen.has(k), `record ${k} appeared on two pages`);
    keys.forEach((k) => seen.add(k));
  }
  await shot(page, "records-page-4");
  // Whole-set export is a plain link: the browser streams it to disk.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  const csvLines = (await readFile(await csv.path(), "utf8")).trim().split("\n");
  assert(csvLines[0].startsWith("key,"), `unexpected CSV header: ${csvLines[0]}`);
  assert(csvLines.length - 1 === bigSet.objects, `CSV has ${csvLines.length - 1} rows, the set ${bigSet.objects} objects`);
  for (let i = 3; i >= 1; i--) {
    await page.getByTestId("prev-page").click();
    await page.getByTestId("page-label").filter({ hasText: `Page ${i} ·` }).waitFor();
  }
  await page.waitForFunction(() => !document.querySelector('[data-testid="page-label"] [role="status"]'));
  const back = await page.getByTestId("data-row").locator("td:nth-child(2)").allInnerTexts();
  assert(JSON.stringify(back) === JSON.stringify(firstKeys), "page 1 differs after coming back");
  assert(await page.getByTestId("prev-page").isDisabled(), "Previous should be disabled on page 1");
  // The largest page: every record of the set on one page, but only the visible rows in the DOM.
  await page.getByLabel("Page size").selectOption("1000");
  const big = page.getByTestId("page-label").filter({ hasText: /^\s*Page 1 · (?!25 records)[\d,]+ records$/ });
  await big.waitFor();
  const onPage = Number((await big.innerText()).replace(/[^\d]/g, "").slice(1));
  assert(onPage > 100, `expected more than 100 records on the big page, got ${onPage}`);
  const inDom = await page.getByTestId("data-row").count();
  assert(inDom > 0 && inDom < 100, `${inDom} rows in the DOM for ${onPage} records: the table is not virtualised`);
  await page.getByTestId("records-table").evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.getByTestId("data-row").last().waitFor();
  const lastKey = await page.getByTestId("data-row").last().locator("td:nth-child(2)").innerText();
  assert(lastKey.trim() !== "", "the last row did not render after scrolling to the end");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("edit a record and see it persisted after reload", async () => {
  const { page, problems } = await openPage();
  const url = `${BASE}${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(bigSet.name)}`;
  await page.goto(url);
  await page.getByTestId("records-table").waitFor();
  const row = page.getByTestId("data-row").first();
  const key = (await row.locator("td:nth-child(2)").innerText()).trim();
  assert(!key.startsWith("#"), "the first demo record has no stored key");
  await row.getByRole("button", { name: /^Open record/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Add bin" }).click();
  const value = `edited-${Date.now()}`;
  const bin = `e2e${Date.now() % 1e8}`; // unique per run, at most 15 bytes
  const rows = dialog.getByTestId("bin-row");
  const last = rows.last();
  await last.getByRole("textbox").first().fill(bin);
  await last.getByLabel(/value$/).fill(value);
  await dialog.getByTestId("save-record").click();
  await dialog.waitFor({ state: "detached" }).catch(async (e) => {
    throw new Error(`the editor stayed open: ${await dialog.innerText()}\n${e.message}`);
  });
  await page.reload();
  await page.getByTestId("records-table").waitFor();
  await page.getByLabel("Primary key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Look up" }).click();
  const reopened = page.getByRole("dialog");
  const storedInput = reopened.getByLabel(`Bin ${bin} value`, { exact: true });
  await storedInput.waitFor();
  const stored = await storedInput.inputValue();
  assert(stored === value, `expected ${value}, read ${stored}`);
  await shot(page, "record-editor");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("records in no set and without a stored key: browse, edit and delete by digest", async () => {
  const { page, problems } = await openPage();
  // A record written by digest is stored without its key; with the set segment ~none it is in no set.
  const digest = Array.from({ length: 20 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join("");
  const recUrl = `/api/v1${C}/namespaces/${encodeURIComponent(ns)}/sets/~none/record`;
  await api(recUrl, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ digest, bins: { e2e: "no-set" } }) });
  await page.goto(`${BASE}${C}/namespaces/${encodeURIComponent(ns)}`);
  await page.getByTestId("no-set-row").getByRole("link", { name: "(no set)" }).click();
  await page.getByRole("heading", { name: `${ns} / (no set)` }).waitFor();
  await page.getByTestId("records-table").waitFor();
  const label = `#${digest.slice(0, 12)}…`;
  const row = page.getByTestId("data-row").filter({ hasText: label });
  await row.getByRole("button", { name: /^Open record/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByTestId("digest-note").waitFor();
  await dialog.getByRole("button", { name: "Add bin" }).click();
  const last = dialog.getByTestId("bin-row").last();
  await last.getByRole("textbox").first().fill("added");
  await last.getByLabel(/value$/).fill("by-digest");
  await dialog.getByTestId("save-record").click();
  await dialog.waitFor({ state: "detached" }).catch(async (e) => {
    throw new Error(`the editor stayed open: ${await dialog.innerText()}\n${e.message}`);
  });
  const stored = await api(`${recUrl}?digest=${digest}`);
  assert(stored.bins.added === "by-digest" && stored.bins.e2e === "no-set", `not saved by digest: ${JSON.stringify(stored.bins)}`);
  assert(stored.key.userKey === null, "the key must stay unstored");
  await shot(page, "records-no-set");
  await row.getByRole("button", { name: /^Delete record/ }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await row.waitFor({ state: "detached" });
  const gone = await fetch(`${BASE}${recUrl}?digest=${digest}`);
  assert(gone.status === 404, `the record was not deleted (GET answered ${gone.status})`);
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("run a query with a nested filter", async () => {
  const { page, problems } = await openPage();
  // An integer bin of the demo records drives a range condition that the results must satisfy.
  const sample = await api(`/api/v1${C}/namespaces/${encodeURIComponent(ns)}/sets/${encodeURIComponent(bigSet.name)}/records?pageSize=20`);
  const rec = sample.records[0].bins;
  const intBin = Object.keys(rec).find((b) => Number.isInteger(rec[b]));
  const other = Object.keys(rec).find((b) => b !== intBin);
  assert(intBin && other, "demo records need an integer bin and another bin for the filter test");
  const values = sample.records.map((r) => r.bins[intBin]).filter(Number.isInteger).sort((a, b) => a - b);
  const threshold = values[Math.floor(values.length / 2)];
  await page.goto(`${BASE}${C}/query`);
  await page.getByLabel("Namespace").selectOption(ns);
  await page.getByLabel("Set", { exact: true }).selectOption(bigSet.name);
  await page.getByRole("button", { name: "Condition" }).first().click();
  await page.getByLabel("Condition 1 bin").fill(intBin);
  await page.getByLabel("Condition 1 type").selectOption("int");
  await page.getByLabel("Condition 1 operator").selectOption("ge");
  await page.getByLabel("Condition 1 value").fill(String(threshold));
  await page.getByRole("button", { name: "Group" }).first().click();
  await page.getByLabel("Condition 2.1 bin").fill(other);
  await page.getByLabel("Condition 2.1 operator").selectOption("exists");
  const group = page.getByRole("group", { name: "Group 2." });
  await group.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByLabel("Condition 2.2 bin").fill("no_such_bin");
  await page.getByLabel("Condition 2.2 operator").selectOption("exists");
  await page.getByTestId("run-query").click();
  await page.getByTestId("query-results").waitFor();
  const n = await page.getByTestId("data-row").count();
  assert(n > 0, "the nested filter matched nothing");
  const headers = await page.getByTestId("query-results").locator("th").allInnerTexts();
  const col = headers.findIndex((h) => h.trim() === intBin) + 1;
  assert(col > 0, `no ${intBin} column in the results`);
  const got = (await page.getByTestId("data-row").locator(`td:nth-child(${col})`).allInnerTexts()).map(Number);
  assert(got.every((v) => v >= threshold), `a result has ${intBin} < ${threshold}: ${got.join(",")}`);
  await shot(page, "query-results");
  // Export streams the same query as NDJSON: one JSON record per line.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export NDJSON" }).click()]);
  const file = await download.path();
  const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
  assert(lines.length > 0, "the NDJSON export is empty");
  for (const l of lines) {
    const r = JSON.parse(l);
    const v = r.bins?.[intBin];
    assert(v === undefined || v >= threshold, `exported record with ${intBin}=${v}`);
  }
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("create and drop a secondary index", async () => {
  const { page, problems } = await openPage();
  const name = `e2e_idx_${Date.now() % 100000}`;
  await page.goto(`${BASE}${C}/indexes`);
  await page.getByRole("button", { name: "Create index" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Index name").fill(name);
  await dialog.getByLabel("Namespace").selectOption(ns);
  await dialog.getByLabel("Set (optional)").fill(bigSet.name);
  await dialog.getByLabel("Bin", { exact: true }).fill("e2e_num");
  await dialog.getByLabel("Type").selectOption("numeric");
  await dialog.getByRole("button", { name: "Create index" }).click();
  await dialog.waitFor({ state: "detached" });
  const row = page.getByTestId("indexes-table").locator("tr", { hasText: name });
  await row.waitFor();
  await shot(page, "index-created");
  await row.getByRole("button", { name: `Drop index ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Drop" }).click();
  await row.waitFor({ state: "detached" });
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("upload, view and delete a UDF", async () => {
  // The demo node cannot run Lua: executing answers 502 with an explanation the page must show.
  const { page, problems } = await openPage([/\/udfs\/[^/]+\/execute$/]);
  const name = `e2e_${Date.now() % 100000}.lua`;
  await page.goto(`${BASE}${C}/udfs`);
  await page.getByRole("button", { name: "New module" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Module name").fill(name);
  await dialog.getByTestId("code-editor").waitFor();
  await dialog.getByRole("button", { name: "Upload" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("button", { name: `View source of ${name}` }).click();
  const view = page.getByRole("dialog");
  await view.locator(".cm-content").filter({ hasText: "function add" }).waitFor();
  await shot(page, "udf-source");
  await view.getByRole("button", { name: "Close dialog" }).click();
  await page.getByRole("button", { name: `Execute ${name} on a record` }).click();
  const exec = page.getByRole("dialog");
  await exec.getByLabel("Namespace").selectOption(ns);
  await exec.getByLabel("Set").fill(bigSet.name);
  await exec.getByLabel("Key", { exact: true }).fill("user0001");
  await exec.getByLabel("Function").fill("add");
  await exec.getByLabel("Arguments (JSON list)").fill('["age", 1]');
  await exec.getByRole("button", { name: "Execute" }).click();
  await exec.getByRole("alert").filter({ hasText: /not supported/i }).waitFor();
  await shot(page, "udf-execute-error");
  await exec.getByRole("button", { name: "Close dialog" }).click();
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: `Delete ${name}` }).waitFor({ state: "detached" });
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("run an info command", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/console`);
  const input = page.getByLabel("Info command");
  await input.fill("build");
  await input.press("Enter");
  await page.getByTestId("console-output").filter({ hasText: /\d+\.\d+/ }).waitFor();
  await input.press("ArrowUp");
  assert((await input.inputValue()) === "build", "↑ did not recall the last command");
  // Read-only by default: the manager refuses commands that change the cluster.
  await input.fill("set-config:context=service;proto-fd-max=1000");
  await input.press("Enter");
  await page.getByTestId("console-output").filter({ hasText: "read-only" }).waitFor();
  await shot(page, "console-run");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

/** Replace the AQL editor's text by typing `text`, then run it with Ctrl+Enter. */
async function typeAql(page, text) {
  const editor = page.locator('[data-testid="aql-editor"] .cm-content');
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
  await page.keyboard.press("Escape"); // close the completion popup, if any
  await page.keyboard.press("Control+Enter");
}

await test("AQL: type a SELECT and see rows", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/aql`);
  await typeAql(page, `SELECT * FROM ${ns}.${bigSet.name} LIMIT 3`);
  const table = page.getByTestId("aql-table");
  await table.waitFor();
  assert((await table.locator("tbody tr").count()) === 3, "LIMIT 3 did not give 3 rows");
  assert((await table.locator("th").first().textContent()) === "PK", "the first column is the primary key");
  await page.getByTestId("aql-summary").filter({ hasText: /3 records · [\d.]+ ms/ }).waitFor();
  await shot(page, "aql-select");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("AQL: INSERT then SELECT returns the record", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/aql`);
  const key = `aql-e2e-${Date.now()}`;
  await typeAql(page, `INSERT INTO ${ns}.e2e_aql (PK, note, n) VALUES ('${key}', 'typed in the terminal', 7); SELECT * FROM ${ns}.e2e_aql WHERE PK = '${key}'`);
  await page.getByTestId("aql-done").filter({ hasText: "2 of 2" }).waitFor();
  const table = page.getByTestId("aql-table");
  await table.filter({ hasText: "typed in the terminal" }).waitFor();
  assert((await table.locator("tbody tr").count()) === 1, "the SELECT by key returns one row");
  // Through the REST API too: the terminal wrote a real record.
  const rec = await api(`/api/v1${C}/namespaces/${encodeURIComponent(ns)}/sets/e2e_aql/record?key=${key}&keyType=string`);
  assert(rec.bins.n === 7, `bins: ${JSON.stringify(rec.bins)}`);
  await shot(page, "aql-insert-select");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("AQL: a syntax error is underlined where it is", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/aql`);
  await typeAql(page, `SHOW SETS; SELEC * FROM ${ns}`);
  const mark = page.locator(".cm-aql-error");
  await mark.waitFor();
  assert((await mark.textContent()) === "SELEC", `underlined: ${await mark.textContent()}`);
  await page.getByTestId("aql-refusal").filter({ hasText: "1:12" }).waitFor();
  // Nothing ran: no result blocks.
  assert((await page.getByTestId("aql-result").count()) === 0, "a refused script must not run");
  await shot(page, "aql-syntax-error");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("users & roles explain Community Edition once", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}${C}/users`);
  await page.getByTestId("ce-notice").waitFor();
  assert((await page.getByRole("table").count()) === 0, "no user/role tables on CE");
  assert((await page.getByTestId("ce-notice").count()) === 1, "exactly one notice");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

await test("toggle the theme", async () => {
  const { page, problems } = await openPage();
  await page.goto(`${BASE}/settings`);
  // The page shows what GET /api/v1/settings reports about how the manager was started.
  const settings = await api("/api/v1/settings");
  const interval = settings.sampleIntervalMs < 1000 ? `${settings.sampleIntervalMs} ms` : `${(settings.sampleIntervalMs / 1000).toLocaleString("en-US")} s`;
  await page.getByTestId("sampling-interval").filter({ hasText: interval }).waitFor();
  assert(settings.demo === true, "the e2e server runs with --demo");
  await page.getByTestId("demo-mode").filter({ hasText: /^on/ }).waitFor();
  await page.getByTestId("info-writes").filter({ hasText: settings.infoWritesAllowed ? "allowed" : "read-only" }).waitFor();
  await page.getByRole("radio", { name: "Dark" }).click();
  assert(await page.evaluate(() => document.documentElement.classList.contains("dark")), "dark class not applied");
  await page.reload();
  assert(await page.evaluate(() => document.documentElement.classList.contains("dark")), "dark theme not kept after reload");
  await shot(page, "settings-dark");
  await page.getByTestId("theme-toggle").click(); // dark → system
  await page.getByTestId("theme-toggle").click(); // system → light
  assert(!(await page.evaluate(() => document.documentElement.classList.contains("dark"))), "light theme not applied");
  assert(problems.length === 0, problems.join("; "));
  await page.close();
});

const harness = { test, assert, openPage, shot, api, BASE, C, demo, ns, set: bigSet.name };
await runKeyboardTests(harness);
await runA11yTests(harness);

await browser.close();
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`screenshots: ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
