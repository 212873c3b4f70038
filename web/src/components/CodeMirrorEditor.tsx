/** CodeMirror 6 editor (lazy chunk): JSON and Lua highlighting, theme-aware, accessible label. */
import { json } from "@codemirror/lang-json";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { EditorState, type Extension } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { useTheme } from "../app/theme";
import type { CodeEditorProps } from "./CodeEditor";
import { accessibleDark, focusRing } from "./codemirrorA11y";

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
        }),
        focusRing,
        dark ? accessibleDark : [],
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
