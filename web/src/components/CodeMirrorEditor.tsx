/** CodeMirror 6 editor (lazy chunk): JSON and Lua highlighting, theme-aware, accessible label. */
import { json } from "@codemirror/lang-json";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, HighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { EditorState, type Extension } from "@codemirror/state";
import { oneDarkHighlightStyle, oneDarkTheme } from "@codemirror/theme-one-dark";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { useTheme } from "../app/theme";
import type { CodeEditorProps } from "./CodeEditor";

/** The small subset of CodeMirror's basic setup we need (keeps the lazy chunk light). */
const setup: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightActiveLine(),
  history(),
  drawSelection(),
  indentOnInput(),
  bracketMatching(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  keymap.of([...defaultKeymap, ...historyKeymap]),
];
/** Tab indents; Escape then Tab moves focus out (CodeMirror's accessible tab handling). */
const tabIndenting: Extension = keymap.of([indentWithTab]);

/** One Dark with its three too-faint colors lightened so every token reaches 4.5:1 on the
 * editor background and the active line (WCAG 1.4.3): coral 4.1 → 5.4, stone (comments, line
 * numbers) 3.6 → 5.2, violet 4.4 → 5.2. */
const ACCESSIBLE_DARK: Record<string, string> = { "#e06c75": "#ef8a92", "#7d8799": "#9aa5b1", "#c678dd": "#d08ae3" };
const STONE = "#9aa5b1";
const darkHighlight = HighlightStyle.define(
  oneDarkHighlightStyle.specs.map((spec) => (typeof spec.color === "string" && ACCESSIBLE_DARK[spec.color] ? { ...spec, color: ACCESSIBLE_DARK[spec.color] } : spec)),
);
const darkTheme: Extension = [
  oneDarkTheme,
  // Doubled class: wins over One Dark's own gutter color whatever the style order.
  EditorView.theme({ "&.cm-editor .cm-gutters": { color: STONE } }, { dark: true }),
  syntaxHighlighting(darkHighlight),
];

function language(l: CodeEditorProps["language"]): Extension {
  if (l === "json") return json();
  if (l === "lua") return StreamLanguage.define(lua);
  return [];
}

export default function CodeMirrorEditor({ value, onChange, language: lang, readOnly, minHeight = 120, label, id, invalid, tabIndents = false }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const theme = useTheme();

  useEffect(() => {
    const dark = document.documentElement.classList.contains("dark");
    const state = EditorState.create({
      doc: value,
      extensions: [
        setup,
        tabIndents && !readOnly ? tabIndenting : [],
        language(lang),
        EditorView.lineWrapping,
        EditorState.readOnly.of(!!readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ "aria-label": label, ...(id ? { id } : {}) }),
        EditorView.theme({
          "&": { minHeight: `${minHeight}px`, fontSize: "13px" },
          ".cm-scroller": { fontFamily: "var(--font-mono)" },
          // The same focus ring as every other control (CodeMirror draws a faint dotted line), drawn
          // inside the frame because the wrapper clips overflow.
          "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
        }),
        dark ? darkTheme : [],
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The document is synced below; rebuild only for language/theme/readOnly changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang, readOnly, theme, tabIndents]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} className={`overflow-hidden rounded-md border ${invalid ? "border-red-600" : "border-[var(--border)]"}`} style={{ minHeight }} data-testid="code-editor" />;
}
