/** Editor for one typed bin value: a type picker plus a text or code field, validated as you type. */
import { BIN_TYPES, emptyText, parseValue, type BinType, type Parsed, type TypedValue } from "../../lib/values";
import { CodeEditor } from "../../components/CodeEditor";

export interface ValueDraft {
  type: BinType;
  text: string;
}

export const TYPE_LABELS: Record<BinType, string> = {
  string: "String",
  int: "Integer",
  float: "Float",
  bool: "Boolean",
  bytes: "Bytes (base64)",
  list: "List",
  map: "Map",
  geojson: "GeoJSON",
  nil: "Nil",
};

/** Parsed value of a draft (what will be saved). */
export function draftValue(d: ValueDraft): Parsed<TypedValue> {
  return parseValue(d.type, d.text);
}

export function ValueEditor({ draft, onChange, label, idPrefix }: { draft: ValueDraft; onChange: (d: ValueDraft) => void; label: string; idPrefix: string }) {
  const parsed = draftValue(draft);
  const errId = `${idPrefix}-err`;
  const structured = draft.type === "list" || draft.type === "map" || draft.type === "geojson";
  return (
    <div className="flex min-w-0 flex-1 flex-col gap-1">
      <div className="flex gap-2">
        <select
          className="input w-36 shrink-0"
          aria-label={`${label} type`}
          value={draft.type}
          onChange={(e) => {
            const type = e.target.value as BinType;
            // Keep the text when it is valid for the new type, else start from a template.
            const keep = parseValue(type, draft.text).ok && draft.text !== "";
            onChange({ type, text: keep ? draft.text : emptyText(type) });
          }}
        >
          {BIN_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        {draft.type === "bool" ? (
          <select className="input flex-1" aria-label={`${label} value`} value={draft.text.trim()} onChange={(e) => onChange({ ...draft, text: e.target.value })}>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        ) : draft.type === "nil" ? (
          <span className="muted self-center text-sm">no value</span>
        ) : structured ? null : draft.type === "string" && draft.text.includes("\n") ? (
          <textarea
            className="input flex-1"
            aria-label={`${label} value`}
            aria-invalid={!parsed.ok}
            aria-describedby={parsed.ok ? undefined : errId}
            value={draft.text}
            rows={3}
            onChange={(e) => onChange({ ...draft, text: e.target.value })}
          />
        ) : (
          <input
            className={`input flex-1 ${draft.type === "bytes" || draft.type === "int" || draft.type === "float" ? "mono" : ""}`}
            aria-label={`${label} value`}
            aria-invalid={!parsed.ok}
            aria-describedby={parsed.ok ? undefined : errId}
            inputMode={draft.type === "int" || draft.type === "float" ? "decimal" : undefined}
            value={draft.text}
            onChange={(e) => onChange({ ...draft, text: e.target.value })}
          />
        )}
      </div>
      {structured ? (
        <CodeEditor language="json" label={`${label} value`} value={draft.text} onChange={(text) => onChange({ ...draft, text })} minHeight={80} invalid={!parsed.ok} />
      ) : null}
      {!parsed.ok ? (
        <p id={errId} className="text-xs text-red-600 dark:text-red-400">
          {parsed.error}
        </p>
      ) : null}
    </div>
  );
}
