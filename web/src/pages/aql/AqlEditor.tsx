/**
 * The AQL editor: CodeMirror 6 with AQL highlighting, completion of live cluster names,
 * wavy underlines at the spans of the server's errors, and Ctrl/Cmd-Enter to run.
 */
import { autocompletion, completionKeymap, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorState, Prec, StateEffect, StateField, type Range } from "@codemirror/state";
import { Decoration, type DecorationSet, drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { useTheme } from "../../app/theme";
import { accessibleDark, focusRing } from "../../components/codemirrorA11y";
import { aqlLanguage } from "./aqlLanguage";
import { completionsAt, type Names } from "./complete";

/** An error range in UTF-16 offsets of the document. */
export interface ErrorMark {
  from: number;
  to: number;
  message: string;
}

const setErrors = StateEffect.define<ErrorMark[]>();

/** Error ranges as marks; an empty range (error at the end) marks the character before it. */
export function markRanges(marks: ErrorMark[], docLength: number): { from: number; to: number; message: string }[] {
  return marks
    .map((m) => {
      let from = Math.max(0, Math.min(m.from, docLength));
      let to = Math.max(from, Math.min(m.to, docLength));
      if (from === to) {
        if (from > 0) from -= 1;
        else to = Math.min(1, docLength);
      }
      return { from, to, message: m.message };
    })
    .filter((m) => m.to > m.from)
    .sort((a, b) => a.from - b.from);
}

const errorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (e.is(setErrors)) {
        const ranges: Range<Decoration>[] = markRanges(e.value, tr.state.doc.length).map((m) =>
          Decoration.mark({ class: "cm-aql-error", attributes: { title: m.message, "data-testid": "aql-error-mark" } }).range(m.from, m.to),
        );
        return Decoration.set(ranges, true);
      }
    }
    // Editing invalidates the server's positions.
    return tr.docChanged ? Decoration.none : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export interface AqlEditorProps {
  value: string;
  onChange: (v: string) => void;
  onRun: () => void;
  errors: ErrorMark[];
  names: Names;
}

export default function AqlEditor({ value, onChange, onRun, errors, names }: AqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const cb = useRef({ onChange, onRun, names });
  cb.current = { onChange, onRun, names };
  const theme = useTheme();

  useEffect(() => {
    const dark = document.documentElement.classList.contains("dark");
    const complete = (ctx: CompletionContext): CompletionResult | null => {
      const r = completionsAt(ctx.state.doc.toString(), ctx.pos, cb.current.names);
      // While typing, open only inside a word or right after `ns.` (sets); Ctrl+Space always.
      if (!ctx.explicit && r.from === ctx.pos && ctx.state.sliceDoc(ctx.pos - 1, ctx.pos) !== ".") return null;
      return { from: r.from, options: r.options.map((o) => ({ label: o.label, type: o.type === "keyword" ? "keyword" : "variable", detail: o.type })) };
    };
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          history(),
          drawSelection(),
          bracketMatching(),
          aqlLanguage,
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          autocompletion({ override: [complete], activateOnTyping: true }),
          errorField,
          Prec.highest(
            keymap.of([
              {
                key: "Mod-Enter",
                run: () => {
                  cb.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "AQL statements", "data-testid": "aql-input" }),
          EditorView.theme({
            "&": { minHeight: "160px", fontSize: "13px" },
            ".cm-scroller": { fontFamily: "var(--font-mono)" },
            ".cm-aql-error": { textDecoration: "underline wavy #dc2626", textUnderlineOffset: "3px" },
          }),
          focusRing,
          dark ? accessibleDark : [],
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The document is synced below; rebuild only when the theme changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: setErrors.of(errors) });
  }, [errors]);

  return <div ref={host} className="overflow-hidden rounded-md border border-[var(--border)]" style={{ minHeight: 160 }} data-testid="aql-editor" />;
}
