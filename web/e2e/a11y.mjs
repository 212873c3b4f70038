// Accessibility e2e: every route and dialog, light and dark, with and without a selected
// connection, must pass the axe gate (./axe.mjs); the gate itself is proven by injecting a
// violation; reduced motion turns every transition and animation off.
//
// EVERY NEW PAGE MUST BE ADDED TO `routes()` BELOW (the "navigation is covered" test fails when
// a navigation entry has no route here). New dialogs go into `dialogs()`.
import { AXE_VERSION, assertA11y, checkA11y, focusRingGaps, formatViolations } from "./axe.mjs";

/** Pages to audit. `ready` waits until the page shows its data (no spinner, no pending request). */
function routes({ C, ns, set, unreachable }) {
  const enc = encodeURIComponent;
  return [
    // [name, path, heading, needs a connection]
    ["connections", "/connections", "Connections"],
    ["settings", "/settings", "Settings"],
    ["access", "/access", "Access"],
    ["audit", "/audit", "Audit log"],
    // Kubernetes pages: `--demo` has Kubernetes management off, so these audit the "off" state;
    // their data states are covered by vitest (src/pages/k8s/*.test.tsx).
    ["k8s-clusters", "/k8s", "Kubernetes clusters"],
    ["k8s-cluster-detail", "/k8s/clusters/default/demo", "Cluster default/demo"],
    ["k8s-create", "/k8s/new", "Create Aerospike cluster"],
    ["k8s-templates", "/k8s/templates", "Cluster templates"],
    ["k8s-template-create", "/k8s/templates/new", "Create cluster template"],
    ["k8s-template-detail", "/k8s/templates/demo", "Template demo"],
    ["not-found", "/no/such/page", "Page not found"],
    ["dashboard", `${C}/dashboard`, "Dashboard", true],
    ["namespaces", `${C}/namespaces`, "Namespaces & sets", true],
    ["namespace-detail", `${C}/namespaces/${enc(ns)}`, `Namespace ${ns}`, true],
    ["browse", `${C}/browse`, "Record browser", true],
    ["records", `${C}/browse/${enc(ns)}/${enc(set)}`, `${ns} / ${set}`, true],
    ["records-no-set", `${C}/browse/${enc(ns)}/~none`, `${ns} / (no set)`, true],
    ["query", `${C}/query`, "Query builder", true],
    ["indexes", `${C}/indexes`, "Secondary indexes", true],
    ["udfs", `${C}/udfs`, "UDFs", true],
    ["users", `${C}/users`, "Users & roles", true],
    ["console", `${C}/console`, "Info console", true],
    ["aql", `${C}/aql`, "AQL terminal", true],
    // Error states: a connection whose seed host refuses connections.
    ["dashboard-unreachable", `/clusters/${unreachable}/dashboard`, "Dashboard", true],
    ["namespaces-unreachable", `/clusters/${unreachable}/namespaces`, "Namespaces & sets", true],
  ].map(([name, path, heading, cluster]) => ({ name, path, heading, cluster: !!cluster }));
}

/** Dialogs to audit: open them from their page; the gate then runs inside the dialog. */
function dialogs({ C, ns, set, demo }) {
  const records = `${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(set)}`;
  const firstRow = (page) => page.getByTestId("data-row").first();
  return [
    ["profile form (new)", "/connections", (p) => p.getByRole("button", { name: "New connection" }).first().click()],
    [
      "profile form (field errors)",
      "/connections",
      async (p) => {
        await p.getByRole("button", { name: "New connection" }).first().click();
        await p.getByLabel("Seed hosts").fill("");
        await p.getByRole("dialog").getByRole("button", { name: "Create", exact: true }).click();
        await p.getByText("Add at least one seed host", { exact: false }).waitFor();
      },
    ],
    ["profile form (edit)", "/connections", (p) => p.getByRole("button", { name: `Edit ${demo.name}` }).click()],
    ["delete connection confirmation", "/connections", (p) => p.getByRole("button", { name: `Delete ${demo.name}` }).click()],
    ["record editor (edit)", records, (p) => firstRow(p).getByRole("button", { name: /^Open record/ }).click()],
    ["record editor (duplicate)", records, (p) => firstRow(p).getByRole("button", { name: /^Duplicate record/ }).click()],
    ["record editor (new)", records, (p) => p.getByRole("button", { name: "New record" }).click()],
    ["delete record confirmation", records, (p) => firstRow(p).getByRole("button", { name: /^Delete record/ }).click()],
    ["create index", `${C}/indexes`, (p) => p.getByRole("button", { name: "Create index" }).first().click()],
    ["drop index confirmation", `${C}/indexes`, (p) => p.getByRole("button", { name: /^Drop index / }).first().click()],
    ["new UDF module", `${C}/udfs`, (p) => p.getByRole("button", { name: "New module" }).first().click()],
    ["UDF source", `${C}/udfs`, (p) => p.getByRole("button", { name: /^View source of / }).first().click()],
    ["UDF execute", `${C}/udfs`, (p) => p.getByRole("button", { name: /^Execute .* on a record$/ }).first().click()],
    ["truncate set confirmation (typed)", `${C}/namespaces/${encodeURIComponent(ns)}`, (p) => p.getByRole("button", { name: `Truncate set ${set}` }).click()],
  ].map(([name, path, open]) => ({ name, path, open, include: "dialog[open]" }));
}

/** Page states reached by interaction (the whole page is audited). */
function states({ C, ns, set }) {
  return [
    [
      "query results",
      `${C}/query`,
      async (p) => {
        await p.getByLabel("Namespace").selectOption(ns);
        await p.getByLabel("Set", { exact: true }).selectOption(set);
        await p.getByTestId("run-query").click();
        await p.getByTestId("query-results").waitFor();
      },
    ],
    [
      "console output",
      `${C}/console`,
      async (p) => {
        await p.getByLabel("Info command").fill("namespaces");
        await p.getByLabel("Info command").press("Enter");
        await p.getByTestId("console-output").filter({ hasText: ns }).waitFor();
      },
    ],
    [
      "record lookup error",
      `${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(set)}`,
      async (p) => {
        await p.getByLabel("Primary key", { exact: true }).fill("no-such-key-a11y");
        await p.getByRole("button", { name: "Look up" }).click();
        await p.getByRole("alert").waitFor();
      },
    ],
  ].map(([name, path, open]) => ({ name, path, open, include: undefined }));
}

async function waitReady(page, route) {
  await page.getByRole("heading", { name: route.heading, exact: true }).or(page.getByText(route.heading, { exact: true })).filter({ visible: true }).first().waitFor();
  // The dashboard keeps an SSE stream open, so it never becomes network-idle.
  if (route.name === "dashboard") await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
  else await page.waitForLoadState("networkidle");
  await settled(page);
}

/** No loading placeholder left: no spinner, no code editor still loading. */
async function settled(page) {
  await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
  await page.locator("[data-editor-loading]").first().waitFor({ state: "detached" });
}

/** Theme and selected connection are set in localStorage before the app starts. */
async function prepare(page, { theme, lastProfile }) {
  await page.addInitScript(
    ([theme, last]) => {
      localStorage.setItem("acm.theme", theme);
      if (last) localStorage.setItem("acm.lastProfile", last);
      else localStorage.removeItem("acm.lastProfile");
    },
    [theme, lastProfile ?? null],
  );
}

async function assertTheme(page, theme) {
  const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
  if (dark !== (theme === "dark")) throw new Error(`expected the ${theme} theme, <html> has dark=${dark}`);
}

export async function runA11yTests({ test, assert, openPage, shot, api, BASE, C, demo, ns, set }) {
  console.log(`a11y (axe-core ${AXE_VERSION}, WCAG 2.1 A/AA, failing on serious/critical):`);
  // A connection whose seed refuses connections: its pages show error states (502 by design).
  const created = await api("/api/v1/profiles", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: `a11y-unreachable-${Date.now()}`, hosts: ["127.0.0.1:1"], port: 3000, labels: { env: "a11y" } }),
  });
  const ctx = { C, ns, set, demo, unreachable: created.id };
  const expected5xx = [new RegExp(`/api/v1/clusters/${created.id}/`), new RegExp(`/api/v1/profiles/${created.id}/status$`)];
  const summary = []; // { label, theme, failing, other }

  const all = routes(ctx);
  for (const theme of ["light", "dark"]) {
    for (const selected of [false, true]) {
      const state = selected ? "connection selected" : "no connection";
      const list = all.filter((r) => selected || !r.cluster);
      await test(`a11y: ${list.length} routes, ${theme} theme, ${state}`, async () => {
        const failures = [];
        for (const route of list) {
          const { page, problems } = await openPage(expected5xx);
          await prepare(page, { theme, lastProfile: selected ? String(demo.id) : null });
          await page.goto(BASE + route.path);
          await waitReady(page, route);
          await assertTheme(page, theme);
          const label = `${route.name} · ${theme} · ${state}`;
          // WCAG 2.4.2: the tab is named after the page.
          const title = await page.title();
          if (title !== `${route.heading} · Aerospike Cluster Manager`) failures.push(`[${label}] document title is "${title}"`);
          const r = await checkA11y(page, label);
          const gaps = await focusRingGaps(page);
          summary.push({ page: route.name, theme, state, failing: r.failing, other: r.other, gaps });
          if (gaps.length) failures.push(`[${label}] no visible focus ring on:\n      ${gaps.join("\n      ")}`);
          if (r.failing.length) {
            failures.push(formatViolations(label, r.failing));
            await shot(page, `a11y-${route.name}-${theme}${selected ? "" : "-noconn"}`);
          }
          if (problems.length) failures.push(`[${label}] ${problems.join("; ")}`);
          await page.close();
        }
        assert(failures.length === 0, failures.join("\n"));
      });
    }
  }

  await test("a11y: every navigation entry is audited; navigation is announced", async () => {
    const { page } = await openPage();
    await prepare(page, { theme: "light", lastProfile: String(demo.id) });
    await page.goto(`${BASE}${C}/dashboard`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).waitFor();
    const hrefs = await page.getByRole("navigation", { name: "Main" }).getByRole("link").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    assert(hrefs.length >= 10, `only ${hrefs.length} navigation links found`);
    const audited = new Set(all.map((r) => r.path));
    const missing = hrefs.filter((h) => !audited.has(h));
    assert(missing.length === 0, `navigation entries without an a11y route in e2e/a11y.mjs: ${missing.join(", ")}`);
    // Client-side navigation is announced to screen readers (a polite live region) and retitles the tab.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Namespaces & sets" }).click();
    await page.locator('#route-announcer[aria-live="polite"]').filter({ hasText: /^Namespaces & sets$/ }).waitFor({ state: "attached" });
    assert((await page.title()) === "Namespaces & sets · Aerospike Cluster Manager", `title after navigation: ${await page.title()}`);
    await page.close();
  });

  for (const theme of ["light", "dark"]) {
    await test(`a11y: dialogs and interactive states, ${theme} theme`, async () => {
      const failures = [];
      for (const d of [...dialogs(ctx), ...states(ctx)]) {
        const { page, problems } = await openPage(expected5xx);
        await prepare(page, { theme, lastProfile: String(demo.id) });
        await page.goto(BASE + d.path);
        await page.waitForLoadState("networkidle");
        await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
        await d.open(page);
        if (d.include) await page.locator(d.include).waitFor();
        await page.waitForLoadState("networkidle");
        await settled(page);
        const label = `${d.include ? "dialog " : ""}${d.name} · ${theme}`;
        const r = await checkA11y(page, label, d.include ? { include: d.include } : undefined);
        const gaps = await focusRingGaps(page, { include: d.include });
        summary.push({ page: `${d.include ? "dialog: " : ""}${d.name}`, theme, state: "connection selected", failing: r.failing, other: r.other, gaps });
        if (gaps.length) failures.push(`[${label}] no visible focus ring on:\n      ${gaps.join("\n      ")}`);
        if (r.failing.length) {
          failures.push(formatViolations(label, r.failing));
          await shot(page, `a11y-dialog-${d.name.replace(/\W+/g, "-")}-${theme}`);
        }
        if (problems.length) failures.push(`[${label}] ${problems.join("; ")}`);
        await page.close();
      }
      assert(failures.length === 0, failures.join("\n"));
    });
  }

  await test("a11y: the gate reports injected violations (unlabeled icon button, low contrast, empty header, no focus ring)", async () => {
    const { page } = await openPage();
    await prepare(page, { theme: "light", lastProfile: String(demo.id) });
    await page.goto(`${BASE}/settings`);
    await waitReady(page, { name: "settings", heading: "Settings" });
    const before = await checkA11y(page, "settings");
    assert(before.failing.length === 0, `the page must be clean before the injection:\n${formatViolations("settings", before.failing)}`);
    await page.evaluate(() => {
      const main = document.querySelector("main");
      const b = document.createElement("button");
      b.id = "a11y-probe-button";
      b.innerHTML = '<svg width="16" height="16" aria-hidden="true"><path d="M0 0h16v16"/></svg>';
      const p = document.createElement("p");
      p.id = "a11y-probe-text";
      p.textContent = "Barely visible text";
      p.style.cssText = "color:#c4c4c4;background:#ffffff";
      const t = document.createElement("table");
      t.id = "a11y-probe-table";
      t.innerHTML = "<thead><tr><th>Name</th><th></th></tr></thead><tbody><tr><td>x</td><td><button>Drop</button></td></tr></tbody>";
      const noRing = document.createElement("button");
      noRing.id = "a11y-probe-noring";
      noRing.textContent = "Ring styled away";
      noRing.style.outline = "none";
      main.append(b, p, t, noRing);
    });
    // Each injected element must be reported under its rule, by a selector that resolves to it.
    const after = await checkA11y(page, "settings + injected");
    const expected = { "button-name": "#a11y-probe-button", "color-contrast": "#a11y-probe-text", "empty-table-header": "#a11y-probe-table th:nth-child(2)" };
    for (const [rule, selector] of Object.entries(expected)) {
      const v = after.failing.find((x) => x.id === rule);
      assert(v, `the gate missed ${rule}: ${formatViolations("settings + injected", after.failing) || "no violation"}`);
      const hits = await page.evaluate(([targets, sel]) => targets.filter((t) => document.querySelector(t) === document.querySelector(sel)).length, [v.targets, selector]);
      assert(hits === 1, `${rule} does not point at ${selector}: ${v.targets.join(", ")}`);
    }
    assert(after.failing.length === 3, `only the injected rules should fail:\n${formatViolations("settings + injected", after.failing)}`);
    // The focus-ring check finds the button whose outline was removed, and only that one.
    const gaps = await focusRingGaps(page);
    assert(gaps.length === 1 && gaps[0].includes("#a11y-probe-noring"), `focus-ring check: ${JSON.stringify(gaps)}`);
    // And the e2e-facing assertion throws with page, impact, rule and selector in its message.
    let message = "";
    try {
      await assertA11y(page, "settings + injected");
    } catch (e) {
      message = String(e.message);
    }
    for (const needle of ["[settings + injected] critical button-name", "#a11y-probe-button", "serious color-contrast", "#a11y-probe-text", "empty-table-header"]) {
      assert(message.includes(needle), `the gate's report does not mention ${needle}:\n${message || "(it did not throw)"}`);
    }
    await page.close();
  });

  await test("a11y: reduced motion turns transitions and animations off", async () => {
    const durations = async (reduce) => {
      const { page } = await openPage();
      await prepare(page, { theme: "light", lastProfile: String(demo.id) });
      await page.emulateMedia({ reducedMotion: reduce ? "reduce" : "no-preference" });
      await page.goto(`${BASE}/connections`);
      await waitReady(page, { name: "connections", heading: "Connections" });
      // A spinner (animation) is only on screen while loading: add one to measure its style.
      const found = await page.evaluate(() => {
        const s = document.createElement("span");
        s.className = "animate-spin";
        document.querySelector("main").append(s);
        const secs = (v) => Math.max(...v.split(",").map((x) => parseFloat(x) * (x.trim().endsWith("ms") ? 0.001 : 1)));
        const out = [];
        for (const el of document.querySelectorAll("*")) {
          const cs = getComputedStyle(el);
          const t = secs(cs.transitionDuration);
          const a = cs.animationName !== "none" ? secs(cs.animationDuration) : 0;
          if (t > 0 || a > 0) out.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ").slice(0, 3).join(".")}: transition ${cs.transitionDuration}, animation ${cs.animationName} ${cs.animationDuration}`);
        }
        return out;
      });
      await page.close();
      return found;
    };
    const normal = await durations(false);
    assert(normal.length >= 2, `without a preference the spinner and the loading bar should move: ${normal.join("; ")}`);
    const reduced = await durations(true);
    assert(reduced.length === 0, `with prefers-reduced-motion these still move:\n${reduced.join("\n")}`);
  });

  await test("a11y: every page reflows at 320 CSS px (400 % zoom) and the folded navigation works", async () => {
    const overflow = [];
    for (const route of all) {
      const { page, problems } = await openPage(expected5xx);
      await page.setViewportSize({ width: 320, height: 700 });
      await prepare(page, { theme: "light", lastProfile: String(demo.id) });
      await page.goto(BASE + route.path);
      await waitReady(page, route);
      // Data tables may scroll inside their own frame (allowed by 1.4.10); the page may not.
      const m = await page.evaluate(() => {
        const main = document.getElementById("main");
        return { doc: document.documentElement.scrollWidth, main: main.scrollWidth, width: main.clientWidth };
      });
      if (m.doc > 320 || m.main > m.width) overflow.push(`${route.name}: page ${m.doc}px, content ${m.main}px wide in ${m.width}px`);
      if (problems.length) overflow.push(`${route.name}: ${problems.join("; ")}`);
      await page.close();
    }
    assert(overflow.length === 0, `horizontal scrolling at 320 px:\n${overflow.join("\n")}`);

    const { page } = await openPage();
    await page.setViewportSize({ width: 320, height: 700 });
    await prepare(page, { theme: "light", lastProfile: String(demo.id) });
    await page.goto(`${BASE}/connections`);
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.waitFor();
    assert(!(await nav.isVisible()), "the navigation should be folded at 320 px");
    await menu.focus();
    await page.keyboard.press("Enter");
    await nav.waitFor();
    assert((await menu.getAttribute("aria-expanded")) === "true", "Menu does not report aria-expanded=true");
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert(first === "Connections", `focus did not move into the navigation: ${first}`);
    await assertA11y(page, "connections · 320 px · menu open");
    const gaps = await focusRingGaps(page);
    assert(gaps.length === 0, `no focus ring at 320 px on: ${gaps.join(", ")}`);
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
    assert(await menu.evaluate((el) => el === document.activeElement), "Escape did not return focus to Menu");
    // Following a link closes the menu.
    await menu.click();
    await nav.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
    await nav.waitFor({ state: "hidden" });
    await page.close();
  });

  await test("a11y: forced colors (high contrast) keep selection, current page and connection colors visible", async () => {
    const { page, problems } = await openPage(expected5xx);
    await prepare(page, { theme: "light", lastProfile: String(demo.id) });
    await page.emulateMedia({ forcedColors: "active" });
    await page.goto(`${BASE}/settings`);
    await waitReady(page, { name: "settings", heading: "Settings" });
    const outline = (loc) => loc.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert((await outline(page.getByRole("radio", { name: "Light" }))) === "solid", "the checked theme is not marked in forced colors");
    assert((await outline(page.getByRole("radio", { name: "Dark" }))) === "none", "an unchecked theme is marked in forced colors");
    const current = await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" });
    assert((await current.evaluate((el) => getComputedStyle(el).textDecorationLine)) === "underline", "the current page is not marked in forced colors");
    await page.goto(`${BASE}/connections`);
    await page.getByRole("button", { name: "New connection" }).first().click();
    const swatch = page.getByRole("dialog").getByRole("button", { name: "Color #16A34A" });
    const bg = await swatch.evaluate((el) => getComputedStyle(el).backgroundColor);
    assert(bg === "rgb(22, 163, 74)", `the color swatch lost its color in forced colors: ${bg}`);
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });

  await test("a11y: live charts start paused with reduced motion, can be resumed and paused", async () => {
    const charts = (page) => page.getByTestId("charts");
    const chartsLag = () => {
      const d = document.querySelector('[data-testid="charts"]')?.dataset;
      return !!d && d.lastSample !== "" && Number(d.latestSample) > Number(d.lastSample);
    };
    const chartsFollow = (after) => {
      const d = document.querySelector('[data-testid="charts"]')?.dataset;
      return !!d && d.lastSample !== "" && d.lastSample === d.latestSample && Number(d.lastSample) > after;
    };
    // Without a preference the charts are live.
    {
      const { page, problems } = await openPage();
      await prepare(page, { theme: "light", lastProfile: String(demo.id) });
      await page.emulateMedia({ reducedMotion: "no-preference" });
      await page.goto(`${BASE}${C}/dashboard`);
      await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
      await page.getByRole("button", { name: "Pause charts" }).waitFor();
      assert((await page.getByTestId("charts-paused").count()) === 0, "charts paused without a reduced-motion preference");
      await page.waitForFunction(chartsFollow, 0);
      assert(problems.length === 0, problems.join("; "));
      await page.close();
    }
    const { page, problems } = await openPage();
    await prepare(page, { theme: "light", lastProfile: String(demo.id) });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`${BASE}${C}/dashboard`);
    await page.getByTestId("stream-status").filter({ hasText: "Live" }).waitFor();
    await page.getByTestId("charts-paused").filter({ hasText: "reduced motion" }).waitFor();
    // New samples arrive (the figures update) while the charts keep the data they were paused on.
    await page.waitForFunction(chartsLag);
    const frozenAt = Number(await charts(page).getAttribute("data-last-sample"));
    await page.getByRole("button", { name: "Resume charts" }).click();
    await page.waitForFunction(chartsFollow, frozenAt);
    assert((await page.getByTestId("charts-paused").count()) === 0, "the paused note stayed after resuming");
    await page.getByRole("button", { name: "Pause charts" }).click();
    await page.getByTestId("charts-paused").waitFor();
    await page.waitForFunction(chartsLag);
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });

  await api(`/api/v1/profiles/${created.id}`, { method: "DELETE" });

  // Result per page × theme (and connection state), for the log and the report.
  console.log("  a11y result (serious+critical rules / moderate+minor rules; focus rings):");
  for (const s of summary) {
    const f = s.failing.map((v) => `${v.id}×${v.targets.length}`).join(", ");
    const o = s.other.map((v) => `${v.id}×${v.targets.length}`).join(", ");
    const bad = s.failing.length || s.gaps.length;
    console.log(`    ${bad ? "✗" : "✓"} ${s.page} · ${s.theme} · ${s.state}: ${s.failing.length}${f ? ` (${f})` : ""} / ${s.other.length}${o ? ` (${o})` : ""}${s.gaps.length ? `; ${s.gaps.length} without focus ring` : ""}`);
  }
}
