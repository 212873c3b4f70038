#!/usr/bin/env node
// Reports the gzip size of the JavaScript the first page load needs (index.html's entry module and
// its static imports) and of the lazy chunks; fails when the initial size exceeds the budget.
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 300;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;

const entry = [...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)].map((m) => m[1]);
const preload = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]);
const initial = new Set([...entry, ...preload]);
// Follow static imports of the entry chunks (vite hoists them as `import ... from "./x.js"`).
const queue = [...initial];
while (queue.length) {
  const f = queue.pop();
  const src = readFileSync(join(dist, f), "utf8");
  for (const m of src.matchAll(/(?:^|[;\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = join(dirname(f), m[1]);
    if (!initial.has(dep)) {
      initial.add(dep);
      queue.push(dep);
    }
  }
}
const all = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js")).map((f) => `assets/${f}`);
const kb = (n) => (n / 1024).toFixed(1);
let initialBytes = 0;
console.log("Initial JavaScript (gzip):");
for (const f of [...initial].sort()) {
  const n = gz(f);
  initialBytes += n;
  console.log(`  ${kb(n).padStart(7)} KB  ${f}`);
}
console.log(`  ${kb(initialBytes).padStart(7)} KB  total (budget ${BUDGET_KB} KB)`);
console.log("Lazy chunks (gzip):");
for (const f of all.filter((f) => !initial.has(f)).sort((a, b) => gz(b) - gz(a))) console.log(`  ${kb(gz(f)).padStart(7)} KB  ${f}`);
if (initialBytes > BUDGET_KB * 1024) {
  console.error(`Initial JavaScript is ${kb(initialBytes)} KB gzip, over the ${BUDGET_KB} KB budget: lazy-load more.`);
  process.exit(1);
}
