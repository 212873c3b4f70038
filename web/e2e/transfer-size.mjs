#!/usr/bin/env node
// What the browser really downloads on the first visit: Chromium (playwright-core) loads the UI
// from a running manager and sums the encoded (on-the-wire) body sizes of the HTML, JavaScript and
// CSS it fetched. Fails when that exceeds the budget, when a script or stylesheet came uncompressed,
// or when a hashed asset is not cacheable as immutable. Usage: node e2e/transfer-size.mjs --base-url URL
import { chromium } from "playwright-core";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const BASE = arg("--base-url", process.env.ACM_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Same budget as scripts/bundle-size.mjs (initial JavaScript, gzip), now measured on the wire
// for everything the first page needs (HTML + JS + CSS).
const BUDGET_KB = Number(arg("--budget-kb", "300"));

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
const failures = [];
try {
  const page = await (await browser.newContext()).newPage();
  const finished = [];
  page.on("requestfinished", (req) => finished.push(req));
  await page.goto(`${BASE}/`, { waitUntil: "networkidle" });
  const rows = [];
  for (const req of finished) {
    const type = req.resourceType();
    if (!["document", "script", "stylesheet"].includes(type)) continue;
    const res = await req.response();
    if (!res) continue;
    const sizes = await req.sizes();
    const headers = await res.allHeaders();
    const path = new URL(req.url()).pathname;
    const decoded = (await res.body()).length;
    rows.push({ path, type, wire: sizes.responseBodySize, decoded, enc: headers["content-encoding"] ?? "-" });
    if (type !== "document" && decoded > 1024 && !/^(br|gzip)$/.test(headers["content-encoding"] ?? "")) {
      failures.push(`${path} came uncompressed (${decoded} bytes)`);
    }
    if (path.startsWith("/assets/") && !/immutable/.test(headers["cache-control"] ?? "")) {
      failures.push(`${path} is not cacheable as immutable (cache-control: ${headers["cache-control"]})`);
    }
    if (type === "document" && !/no-cache/.test(headers["cache-control"] ?? "")) {
      failures.push(`${path} must be revalidated (cache-control: ${headers["cache-control"]})`);
    }
  }
  const kb = (n) => (n / 1024).toFixed(1);
  let wire = 0;
  let decoded = 0;
  console.log("First visit, transferred (encoded) / decoded:");
  for (const r of rows.sort((a, b) => b.wire - a.wire)) {
    wire += r.wire;
    decoded += r.decoded;
    console.log(`  ${kb(r.wire).padStart(7)} KB / ${kb(r.decoded).padStart(7)} KB  ${r.enc.padEnd(4)}  ${r.path}`);
  }
  console.log(`  ${kb(wire).padStart(7)} KB / ${kb(decoded).padStart(7)} KB  total (budget ${BUDGET_KB} KB transferred)`);
  if (rows.filter((r) => r.type === "script").length === 0) failures.push("no script was loaded: is the UI built into the binary?");
  if (wire > BUDGET_KB * 1024) failures.push(`the first visit transfers ${kb(wire)} KB, over the ${BUDGET_KB} KB budget`);
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
