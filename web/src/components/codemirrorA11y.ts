/**
 * CodeMirror settings every editor of the UI shares for accessibility (only imported by the lazy
 * editor chunks): the app's focus ring and a One Dark whose colors all reach 4.5:1.
 */
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { oneDarkHighlightStyle, oneDarkTheme } from "@codemirror/theme-one-dark";
import { EditorView } from "@codemirror/view";

/** The same focus ring as every other control (CodeMirror draws a faint 1 px dotted line), drawn
 * inside the frame because editor wrappers clip overflow. */
export const focusRing: Extension = EditorView.theme({ "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" } });

/** One Dark with its three too-faint colors lightened so every token reaches 4.5:1 on the editor
 * background and the active line (WCAG 1.4.3): coral 4.1 → 5.4, stone (comments, line numbers)
 * 3.6 → 5.2, violet 4.4 → 5.2. */
const ACCESSIBLE_DARK: Record<string, string> = { "#e06c75": "#ef8a92", "#7d8799": "#9aa5b1", "#c678dd": "#d08ae3" };
const STONE = "#9aa5b1";
const darkHighlight = HighlightStyle.define(
  oneDarkHighlightStyle.specs.map((spec) => (typeof spec.color === "string" && ACCESSIBLE_DARK[spec.color] ? { ...spec, color: ACCESSIBLE_DARK[spec.color] } : spec)),
);
export const accessibleDark: Extension = [
  oneDarkTheme,
  // Doubled class: wins over One Dark's own gutter color whatever the style order.
  EditorView.theme({ "&.cm-editor .cm-gutters": { color: STONE } }, { dark: true }),
  syntaxHighlighting(darkHighlight),
];
