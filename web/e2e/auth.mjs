#!/usr/bin/env node
// End-to-end tests of sign-in and roles: Chromium against a manager started with
// `--demo --require-auth --admin-password-file FILE`. Usage:
//   node e2e/auth.mjs --base-url URL --admin-password PASSWORD
// The admin creates a viewer over the API; the viewer signs in through the sign-in page and
// tries to delete a record: the API refuses (403) and the dialog says so plainly.
import { chromium } from "playwright-core";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const BASE = arg("--base-url", "http://127.0.0.1:8080").replace(/\/$/, "");
const ADMIN_PW = arg("--admin-password");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!ADMIN_PW) throw new Error("--admin-password is required");

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Sign in over the API; returns headers for later calls (cookie + CSRF token). */
async function signIn(username, password) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.get("set-cookie").split(";")[0];
  const { csrfToken } = await res.json();
  return { cookie, "x-csrf-token": csrfToken };
}
async function call(auth, method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
}

const results = [];
async function test(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`  ✓ ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`  ✗ ${name}\n    ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n    ")}`);
  }
}

console.log(`auth e2e: ${BASE}`);
const anon = await call({}, "GET", "/api/v1/profiles");
assert(anon.status === 401, `without sign-in the API must answer 401, got ${anon.status}`);
const admin = await signIn("admin", ADMIN_PW);
const VIEWER_PW = "viewer password 123";
const created = await call(admin, "POST", "/api/v1/auth/users", { name: "vera", role: "viewer", password: VIEWER_PW });
assert(created.status === 201, `creating the viewer answered ${created.status}: ${created.text}`);
const profiles = (await call(admin, "GET", "/api/v1/profiles")).json;
const demo = profiles.find((p) => p.demo);
assert(demo, "no demo profile");
const C = `/api/v1/clusters/${demo.id}`;
const namespaces = (await call(admin, "GET", `${C}/namespaces`)).json;
let target = null;
for (const n of namespaces) {
  const sets = (await call(admin, "GET", `${C}/namespaces/${encodeURIComponent(n.name)}/sets`)).json;
  const s = sets.find((x) => x.objects > 0 && x.name);
  if (s) {
    target = { ns: n.name, set: s.name };
    break;
  }
}
assert(target, "the demo data has no set with records");

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
context.setDefaultTimeout(15_000);
const page = await context.newPage();

await test("a wrong password is refused plainly on the sign-in page", async () => {
  await page.goto(`${BASE}/connections`);
  await page.getByTestId("login-username").fill("vera");
  await page.getByTestId("login-password").fill("not the password");
  await page.getByTestId("login-submit").click();
  const err = await page.getByTestId("login-error").innerText();
  assert(/wrong password/.test(err), `the error says: ${err}`);
});

await test("a viewer signs in and sees who they are", async () => {
  await page.getByTestId("login-password").fill(VIEWER_PW);
  await page.getByTestId("login-submit").click();
  const menu = await page.getByTestId("user-menu").innerText();
  assert(/vera/.test(menu) && /viewer/.test(menu), `user menu: ${menu}`);
  await page.getByRole("heading", { name: "Connections" }).waitFor();
  // profile edits are admin-only: the buttons are disabled and say why
  const edit = page.getByRole("button", { name: /^Edit .*needs the admin role/ }).first();
  assert(await edit.isDisabled(), "the Edit button must be disabled for a viewer");
  for (const name of ["New connection", "Import"]) {
    const b = page.getByRole("button", { name, exact: true }).first();
    assert(await b.isDisabled(), `${name} must be disabled for a viewer`);
    assert(/admin role/.test((await b.getAttribute("title")) ?? ""), `${name} says why`);
  }
});

await test("a viewer cannot delete a record: the API's 403 is shown plainly", async () => {
  await page.goto(`${BASE}/clusters/${demo.id}/browse/${encodeURIComponent(target.ns)}/${encodeURIComponent(target.set)}`);
  const del = page.getByRole("button", { name: /^Delete record/ }).first();
  await del.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  const text = await dialog.getByText(/may not DELETE/).innerText();
  assert(/viewer/.test(text) && /operator/.test(text), `the dialog says: ${text}`);
  // and the record is still there
  const page1 = await call(admin, "GET", `${C}/namespaces/${encodeURIComponent(target.ns)}/sets/${encodeURIComponent(target.set)}/records?pageSize=1`);
  assert(page1.status === 200, `records answered ${page1.status}`);
  const audit = await call(admin, "GET", "/api/v1/audit?actor=vera&outcome=denied");
  assert(audit.json.entries.some((e) => e.method === "DELETE" && e.status === 403), `no denied DELETE in the audit log: ${audit.text}`);
});

await test("signing out returns to the sign-in page", async () => {
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.getByTestId("sign-out").click();
  await page.getByTestId("login-username").waitFor();
});

await browser.close();
const failed = results.filter((ok) => !ok).length;
console.log(`auth e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
