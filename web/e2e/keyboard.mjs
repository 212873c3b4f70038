// Keyboard-only e2e: the profile form and the record browser are used with Tab, Shift+Tab,
// Enter, Space, Escape and typing only (no clicks). Every focus stop must show a focus ring;
// dialogs take focus when they open and give it back to their opener when they close.

/** What has focus: its accessible-ish name, whether it is inside an open dialog, its ring. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    // A code editor draws its focus ring on its frame, not on the editable content.
    const cs = getComputedStyle(el.closest(".cm-editor") ?? el);
    const r = el.getBoundingClientRect();
    const labelled = el.getAttribute("aria-labelledby");
    const name =
      el.getAttribute("aria-label") ||
      (labelled ? labelled.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ") : "") ||
      (el.labels?.[0]?.textContent ?? "") ||
      el.textContent ||
      "";
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: name.trim().replace(/\s+/g, " "),
      testId: el.getAttribute("data-testid"),
      inDialog: !!el.closest("dialog[open]"),
      ring: cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2 ? `${cs.outlineWidth} ${cs.outlineStyle} ${cs.outlineColor}` : null,
      box: { x: r.x, y: r.y, w: r.width, h: r.height },
    };
  });
}

const describe = (f) => (f ? `${f.tag}${f.testId ? `[${f.testId}]` : ""} "${f.name.slice(0, 40)}"` : "(body)");

/** Presses Tab (or Shift+Tab) until `match(focused)` holds; every stop must show a focus ring. */
async function tabTo(page, what, match, { back = false, max = 80 } = {}) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    // CodeMirror marks its frame focused in its next update.
    await page.waitForFunction(() => !document.activeElement?.closest(".cm-editor") || !!document.activeElement.closest(".cm-editor.cm-focused"));
    const f = await focused(page);
    path.push(describe(f));
    if (f && !f.ring && f.tag !== "main") throw new Error(`no visible focus ring on ${describe(f)}`);
    if (f && match(f)) return f;
  }
  throw new Error(`${what} not reached in ${max} ${back ? "Shift+Tab" : "Tab"} presses: ${path.join(" → ")}`);
}

const named = (text) => (f) => f.name === text;
const startsWith = (text) => (f) => f.name.startsWith(text);

/** Waits (bounded by the default timeout) until the focused element fits `want`:
 * { id, name, nameStarts, nameMatches (regex source), inDialog } (all given keys must hold). */
async function focusBecomes(page, what, want) {
  const spec = { ...want, nameMatches: want.nameMatches?.source };
  await page
    .waitForFunction((w) => {
      const el = document.activeElement;
      if (!el || el === document.body) return false;
      const name = (el.getAttribute("aria-label") || el.labels?.[0]?.textContent || el.textContent || "").trim().replace(/\s+/g, " ");
      if (w.id !== undefined && el.id !== w.id) return false;
      if (w.name !== undefined && name !== w.name) return false;
      if (w.nameStarts !== undefined && !name.startsWith(w.nameStarts)) return false;
      if (w.nameMatches !== undefined && !new RegExp(w.nameMatches).test(name)) return false;
      if (w.inDialog !== undefined && !!el.closest("dialog[open]") !== w.inDialog) return false;
      return true;
    }, spec)
    .catch(async (e) => {
      throw new Error(`${what}: focus is on ${describe(await focused(page))}\n${e.message}`);
    });
}

export async function runKeyboardTests({ test, assert, openPage, shot, api, BASE, C, demo, ns, set }) {
  console.log("keyboard:");
  const prepare = (page) =>
    page.addInitScript((id) => {
      localStorage.setItem("acm.theme", "light");
      localStorage.setItem("acm.lastProfile", id);
    }, String(demo.id));

  await test("keyboard: skip link, then create and delete a connection with the profile form", async () => {
    // The new connection points at a closed port: its status check answers 502 by design.
    const { page, problems } = await openPage([/\/api\/v1\/profiles\/\d+\/status$/]);
    await prepare(page);
    await page.goto(`${BASE}/connections`);
    await page.getByRole("heading", { name: "Connections", exact: true }).waitFor();
    await page.waitForLoadState("networkidle");

    // 1. The first Tab stop is a visible "Skip to content" link; Enter moves focus to <main>.
    const skip = await tabTo(page, "the skip link", named("Skip to content"), { max: 1 });
    assert(skip.box.w > 20 && skip.box.h > 10 && skip.box.x >= 0 && skip.box.y >= 0, `the focused skip link is not visible: ${JSON.stringify(skip.box)}`);
    await page.keyboard.press("Enter");
    await focusBecomes(page, "skip link target", { id: "main" });

    // 2. Open the form: focus moves into the dialog, on its first field.
    await tabTo(page, "New connection", named("New connection"));
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await focusBecomes(page, "dialog opened on its first field", { inDialog: true, name: "Name" });
    const name = `kbd-${Date.now()}`;
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    assert((await focused(page)).name.startsWith("Labels"), `Tab after Name should reach Labels, got ${describe(await focused(page))}`);
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("env=keyboard");
    await page.keyboard.press("Tab");
    assert((await focused(page)).name.startsWith("Seed hosts"), `Tab after Labels should reach Seed hosts, got ${describe(await focused(page))}`);
    await page.keyboard.type("127.0.0.1:3999");
    // A color swatch with Enter, the checkbox with Space.
    await tabTo(page, "the green swatch", named("Color #16A34A"));
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Color #16A34A" }).and(page.locator('[aria-pressed="true"]')).waitFor();
    await tabTo(page, "the services-alternate checkbox", startsWith("Use alternate addresses"));
    await page.keyboard.press("Space");
    assert(await page.getByLabel(/Use alternate addresses/).isChecked(), "Space did not tick the checkbox");
    // Shift+Tab goes back; the footer is reachable.
    await tabTo(page, "Create", named("Create"));
    await tabTo(page, "Cancel (Shift+Tab)", named("Cancel"), { back: true, max: 1 });
    await tabTo(page, "Create again", named("Create"), { max: 1 });
    await shot(page, "keyboard-profile-form");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    // 3. Focus is back on the button that opened the dialog.
    await focusBecomes(page, "focus back on the opener", { inDialog: false, name: "New connection" });
    const created = (await api("/api/v1/profiles")).find((p) => p.name === name);
    assert(created, "the profile was not created");
    assert(created.labels.env === "keyboard" && created.color === "#16A34A" && created.useServicesAlternate === true, `stored wrongly: ${JSON.stringify(created)}`);

    // 4. Escape closes a dialog and returns focus too.
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await focusBecomes(page, "second opening", { inDialog: true });
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await focusBecomes(page, "focus back after Escape", { inDialog: false, name: "New connection" });

    // 5. Delete it from its card: the confirmation takes focus; its Delete button is reachable.
    await page.getByTestId("profile-card").filter({ hasText: name }).waitFor();
    await tabTo(page, `Delete ${name}`, named(`Delete ${name}`));
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await focusBecomes(page, "confirmation has focus", { inDialog: true });
    await tabTo(page, "the confirm button", (f) => f.inDialog && f.name === "Delete");
    await page.keyboard.press("Enter");
    await page.getByTestId("profile-card").filter({ hasText: name }).waitFor({ state: "detached" });
    // Its opener is gone with the card: focus lands on the main content, not on <body>.
    await focusBecomes(page, "focus on main after the opener vanished", { id: "main" });
    assert(!(await api("/api/v1/profiles")).some((p) => p.name === name), "the profile was not deleted");
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });

  await test("keyboard: record browser (look up, page, open, add a bin, save)", async () => {
    const { page, problems } = await openPage();
    await prepare(page);
    const sample = await api(`/api/v1${C}/namespaces/${encodeURIComponent(ns)}/sets/${encodeURIComponent(set)}/records?pageSize=5`);
    const rec = sample.records.find((r) => typeof r.key.userKey === "string");
    assert(rec, "no demo record with a stored string key");
    await page.goto(`${BASE}${C}/browse/${encodeURIComponent(ns)}/${encodeURIComponent(set)}`);
    await page.getByTestId("records-table").waitFor();
    await page.waitForLoadState("networkidle");

    // Look a record up by its key: Enter submits; the editor opens with focus inside.
    await tabTo(page, "the primary key field", startsWith("Primary key"));
    await page.keyboard.type(rec.key.userKey);
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await focusBecomes(page, "editor has focus", { inDialog: true });
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await focusBecomes(page, "focus back on the key field", { inDialog: false, nameStarts: "Primary key" });

    // Page forward and back with the paging buttons.
    await tabTo(page, "Next", named("Next"));
    await page.keyboard.press("Enter");
    await page.getByTestId("page-label").filter({ hasText: "Page 2 ·" }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="page-label"] [role="status"]'));
    await tabTo(page, "Previous", named("Previous"), { back: true, max: 4 });
    await page.keyboard.press("Enter");
    await page.getByTestId("page-label").filter({ hasText: "Page 1 ·" }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="page-label"] [role="status"]'));

    // Open the first row's record, add a bin, save: all from the keyboard.
    const firstKey = (await page.getByTestId("data-row").first().locator("td:nth-child(2)").innerText()).trim();
    const opener = `Open record ${firstKey}`;
    await tabTo(page, opener, named(opener), { max: 120 });
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await focusBecomes(page, "editor has focus", { inDialog: true });
    // Deleting a bin focuses its Undo; Undo focuses the delete button again (nothing is lost).
    const firstBin = await page.getByRole("dialog").getByTestId("bin-row").first().getByRole("textbox").first().inputValue();
    await tabTo(page, `Delete bin ${firstBin}`, named(`Delete bin ${firstBin}`), { max: 40 });
    await page.keyboard.press("Enter");
    await focusBecomes(page, "Undo after deleting a bin", { inDialog: true, name: `Undo deleting bin ${firstBin}` });
    await page.keyboard.press("Enter");
    await focusBecomes(page, "delete button after Undo", { inDialog: true, name: `Delete bin ${firstBin}` });
    await tabTo(page, "Add bin", named("Add bin"), { max: 120 });
    await page.keyboard.press("Enter");
    const bin = `k${Date.now() % 1e8}`;
    await focusBecomes(page, "the new bin's name field", { inDialog: true, nameMatches: /^Bin \d+ name$/ });
    await page.keyboard.type(bin);
    await tabTo(page, "the new bin's value", named(`Bin ${bin} value`), { max: 3 });
    await page.keyboard.type("typed-by-keyboard");
    await tabTo(page, "Save changes", named("Save changes"));
    await shot(page, "keyboard-record-editor");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    // After the table refetched (the new bin is a new column), focus is still on the opener.
    await page.getByTestId("records-table").locator("th", { hasText: bin }).waitFor();
    await focusBecomes(page, "focus back on the row's Open button", { inDialog: false, name: opener });
    const stored = await api(`/api/v1${C}/namespaces/${encodeURIComponent(ns)}/sets/${encodeURIComponent(set)}/record?key=${encodeURIComponent(firstKey)}`);
    assert(stored.bins[bin] === "typed-by-keyboard", `the bin was not saved: ${JSON.stringify(stored.bins)}`);
    assert(firstBin in stored.bins, `the bin ${firstBin} was deleted although its deletion was undone`);
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });

  await test("keyboard: the theme radio group is one Tab stop and arrows change the theme", async () => {
    const { page, problems } = await openPage();
    await prepare(page);
    await page.goto(`${BASE}/settings`);
    await page.getByRole("radiogroup", { name: "Theme" }).waitFor();
    await tabTo(page, "the checked theme", (f) => f.name === "Light");
    await page.keyboard.press("ArrowRight");
    await focusBecomes(page, "Dark after ArrowRight", { name: "Dark" });
    assert(await page.evaluate(() => document.documentElement.classList.contains("dark")), "ArrowRight did not switch to the dark theme");
    // Shift+Tab leaves the group (no stop on "Light"), Tab comes back on the checked option.
    const prev = await tabTo(page, "the control before the group", (f) => f.name !== "Dark", { back: true, max: 1 });
    assert(prev.name !== "Light" && prev.name !== "System", `Shift+Tab stopped on another option: ${prev.name}`);
    await tabTo(page, "back into the group, on the checked option", (f) => f.name === "Dark", { max: 1 });
    await page.keyboard.press("Home");
    await focusBecomes(page, "Light after Home", { name: "Light" });
    assert(!(await page.evaluate(() => document.documentElement.classList.contains("dark"))), "Home did not switch back to light");
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });

  await test("keyboard: code editors that indent with Tab are never a trap (AQL terminal, UDF source dialog)", async () => {
    const { page, problems } = await openPage();
    await prepare(page);
    await page.goto(`${BASE}${C}/aql`);
    const content = page.locator('[data-testid="aql-editor"] .cm-content');
    await content.waitFor();
    await content.focus();
    const inEditor = () => page.evaluate(() => !!document.activeElement?.closest(".cm-editor"));
    await page.keyboard.press("Tab");
    assert(await inEditor(), "Tab should indent inside the AQL editor");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    assert(!(await inEditor()), "Escape then Tab did not leave the AQL editor: keyboard trap");
    const f = await focused(page);
    assert(f && f.ring, `the control after the editor shows no focus ring: ${describe(f)}`);

    // In a dialog (UDF source), Escape leaves the editor first and only a second Escape closes.
    await page.goto(`${BASE}${C}/udfs`);
    await page.getByRole("button", { name: "New module" }).first().click();
    const lua = page.getByRole("dialog").locator(".cm-content");
    await lua.waitFor();
    await lua.focus();
    await page.keyboard.press("Tab");
    assert(await inEditor(), "Tab should indent inside the Lua editor");
    await page.keyboard.press("Escape");
    await focusBecomes(page, "Escape in the editor moves to Close dialog", { inDialog: true, name: "Close dialog" });
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await focusBecomes(page, "focus back on New module", { inDialog: false, name: "New module" });
    assert(problems.length === 0, problems.join("; "));
    await page.close();
  });
}
