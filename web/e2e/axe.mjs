// The accessibility gate: axe-core (pinned in package.json) injected into a Playwright page and
// run with the WCAG 2.1 A/AA rules. Any `serious` or `critical` violation fails; the message names
// the page, the rule, its impact and the offending selectors.
//
//   import { assertA11y } from "./axe.mjs";
//   await assertA11y(page, "indexes (dark)");                       // whole page
//   await assertA11y(page, "create-index dialog", { include: "dialog[open]" });
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const AXE_VERSION = require("axe-core/package.json").version;
/** WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
export const FAILING_IMPACTS = ["serious", "critical"];
/** Rules outside the WCAG tags that also fail the gate whatever their impact: a header cell
 * without text leaves a screen-reader user guessing what an icon-only column is. */
export const EXTRA_FAILING_RULES = ["empty-table-header"];

/** Runs axe on `page` (optionally only inside the `include` selector) and returns every WCAG
 * violation as { id, impact, help, targets[] }, failing ones (serious/critical) first. */
export async function axeViolations(page, { include } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  // evaluate() runs in the page's main world regardless of any Content-Security-Policy.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const raw = await page.evaluate(
    async ({ include, tags, extra }) => {
      const context = include ? { include: [include] } : document;
      const wcag = await window.axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      const more = await window.axe.run(context, { runOnly: { type: "rule", values: extra }, resultTypes: ["violations"] });
      const seen = new Set(wcag.violations.map((v) => v.id));
      // An extra rule fails the gate: report it as serious.
      const extraViolations = more.violations.filter((v) => !seen.has(v.id)).map((v) => ({ ...v, impact: "serious" }));
      return [...wcag.violations, ...extraViolations].map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
        summaries: v.nodes.map((n) => n.failureSummary ?? ""),
      }));
    },
    { include: include ?? null, tags: WCAG_TAGS, extra: EXTRA_FAILING_RULES },
  );
  const rank = (v) => (FAILING_IMPACTS.includes(v.impact) ? 0 : 1);
  return raw.sort((a, b) => rank(a) - rank(b));
}

/** Only the violations that fail the gate. */
export const blocking = (violations) => violations.filter((v) => FAILING_IMPACTS.includes(v.impact));

/** One line per rule, then its selectors (at most 8) and what axe says is wrong with the first. */
export function formatViolations(label, violations) {
  return violations
    .map((v) => {
      const more = v.targets.length > 8 ? `\n      … and ${v.targets.length - 8} more` : "";
      const why = v.summaries[0] ? `\n      ${v.summaries[0].replace(/\s*\n\s*/g, " ")}` : "";
      return `[${label}] ${v.impact} ${v.id} (${v.targets.length}×): ${v.help}\n      ${v.targets.slice(0, 8).join("\n      ")}${more}${why}`;
    })
    .join("\n");
}

/** Runs the gate and returns { label, failing, other } without throwing (for summaries). */
export async function checkA11y(page, label, options) {
  const all = await axeViolations(page, options);
  const failing = blocking(all);
  return { label, failing, other: all.filter((v) => !failing.includes(v)) };
}

/** Runs the gate and throws when a serious or critical WCAG 2.1 A/AA violation is found. */
export async function assertA11y(page, label, options) {
  const r = await checkA11y(page, label, options);
  if (r.failing.length) throw new Error(`axe ${AXE_VERSION}: ${r.failing.length} serious/critical rule(s) violated\n${formatViolations(label, r.failing)}`);
  return r;
}

/** Every visible keyboard-focusable element (inside `include` when given) must show a focus ring
 * (a solid/dashed/dotted outline of at least 2 px, or the ring of its code-editor frame) when
 * focused from the keyboard. Returns a description of each element that shows none. */
export async function focusRingGaps(page, { include } = {}) {
  // A key press puts the page in keyboard modality, so focus() below matches :focus-visible.
  await page.keyboard.press("Shift");
  return page.evaluate(async (include) => {
    const root = include ? document.querySelector(include) : document;
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
    const gaps = [];
    const before = document.activeElement;
    for (const el of root.querySelectorAll(selector)) {
      // A negative tabindex attribute takes an element out of the Tab order (editing hosts report
      // tabIndex -1 without one, yet are reached with Tab).
      if (el.disabled || Number(el.getAttribute("tabindex") ?? 0) < 0 || el.closest("[inert], [hidden], [aria-hidden='true']")) continue;
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue; // sr-only until focused (the skip link): checked by the keyboard test
      el.focus({ preventScroll: true });
      if (document.activeElement !== el) continue; // not focusable after all (e.g. behind a modal)
      // CodeMirror marks its frame focused in its next update (a frame or so later).
      const cm = el.closest(".cm-editor");
      for (let i = 0; cm && !cm.classList.contains("cm-focused") && i < 10; i++) await new Promise((r) => requestAnimationFrame(r));
      const cs = getComputedStyle(cm ?? el);
      const ring = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
      if (!ring) {
        const name = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("placeholder") || "").trim().slice(0, 40);
        gaps.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${name}" (outline ${cs.outlineStyle} ${cs.outlineWidth})`);
      }
    }
    if (before instanceof HTMLElement) before.focus({ preventScroll: true });
    return gaps;
  }, include ?? null);
}
