/**
 * Code editor facade. CodeMirror is loaded on first use (its own chunk); until then a textarea of
 * the same size is shown, so nothing jumps and typing works immediately.
 */
import { lazy, Suspense } from "react";

export type CodeLanguage = "json" | "lua" | "plain";

export interface CodeEditorProps {
  value: string;
  onChange?: (v: string) => void;
  language: CodeLanguage;
  readOnly?: boolean;
  minHeight?: number;
  label: string;
  id?: string;
  invalid?: boolean;
  /** Tab indents (source files). Otherwise Tab moves focus like in any form field. Either way,
   * Escape leaves the editor, so keyboard users are never trapped. */
  tabIndents?: boolean;
}

const CodeMirrorEditor = lazy(() => import("./CodeMirrorEditor"));

export function PlainEditor({ value, onChange, readOnly, minHeight = 120, label, id, invalid }: Omit<CodeEditorProps, "tabIndents">) {
  return (
    <textarea
      id={id}
      className="input w-full"
      aria-label={label}
      aria-invalid={invalid}
      spellCheck={false}
      readOnly={readOnly}
      value={value}
      style={{ minHeight }}
      onChange={(e) => onChange?.(e.target.value)}
    />
  );
}

export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense
      fallback={
        // Marked so that tests can wait for the real editor.
        <div data-editor-loading>
          <PlainEditor value={props.value} onChange={props.onChange} language={props.language} readOnly={props.readOnly} minHeight={props.minHeight} label={props.label} id={props.id} invalid={props.invalid} />
        </div>
      }
    >
      <CodeMirrorEditor {...props} />
    </Suspense>
  );
}
