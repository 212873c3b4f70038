/**
 * AQL terminal: write AQL (highlighted, with completion of the live cluster's names), run it with
 * Ctrl/Cmd-Enter, see each statement's rows as a table or JSON with its timing, cancel a running
 * script, recall earlier scripts from the local history. Errors are underlined where they are.
 */
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { describeError } from "../../api/errors";
import { useConnId } from "../../app/useProfile";
import { PlainEditor } from "../../components/CodeEditor";
import { PageHeader, Segmented, Spinner } from "../../components/ui";
import { AqlRefused, runAql, type ScriptError } from "./aqlClient";
import type { ErrorMark } from "./AqlEditor";
import { emptyNames, namesFrom } from "./complete";
import { historyLabel, loadAqlHistory, pushHistory, saveAqlHistory } from "./history";
import { applyEvent, DEFAULT_SETTINGS, emptyRun, type AqlSettings, type RunState, type StatementResult } from "./stream";
import { cellText, tableOf } from "./table";

const AqlEditor = lazy(() => import("./AqlEditor"));

const SAMPLE = "SHOW NAMESPACES;\nSHOW SETS;\n";
const NAMES_SCRIPT = "SHOW NAMESPACES; SHOW SETS; SHOW BINS; SHOW INDEXES";

/** Server error spans as editor marks (UTF-16 offsets, what CodeMirror counts in). */
export function errorMarks(spans: ScriptError[]): ErrorMark[] {
  return spans.map((s) => ({
    from: s.span.startUtf16,
    to: s.span.endUtf16,
    message: s.expected.length ? `${s.message}; expected ${s.expected.join(" or ")}` : s.message,
  }));
}

/** Line and column (1-based) of a UTF-16 offset, for messages. */
export function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
}

function ResultView({ r, output, meta }: { r: StatementResult; output: AqlSettings["output"]; meta: boolean }) {
  const table = useMemo(() => tableOf(r.rows, meta), [r.rows, meta]);
  return (
    <section className="panel mb-3 p-3" data-testid="aql-result" aria-label={`Statement ${r.index + 1}`}>
      <div className="flex flex-wrap items-baseline gap-2 text-sm">
        <span className={`badge ${r.status === "error" ? "text-red-600" : ""}`}>{r.kind}</span>
        <code className="mono min-w-0 flex-1 truncate" title={r.statement}>
          {r.statement}
        </code>
        {r.status === "running" ? <Spinner label="Running" /> : null}
        {r.status === "ok" ? (
          <span className="muted" data-testid="aql-summary">
            {r.message} · {r.elapsedMs?.toFixed(1)} ms{r.truncated ? " · truncated" : ""}
          </span>
        ) : null}
      </div>
      {r.status === "error" ? (
        <p className="mt-2 text-sm text-red-600" role="alert" data-testid="aql-statement-error">
          {r.problem?.title ? `${r.problem.title}: ` : ""}
          {r.problem?.detail}
        </p>
      ) : null}
      {r.rows.length > 0 && output === "table" ? (
        <div className="mt-2 max-h-[420px] overflow-auto">
          <table className="table" data-testid="aql-table">
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.cells.map((row, i) => (
                <tr key={i}>
                  {row.map((c, j) => (
                    <td key={j} className="mono whitespace-pre-wrap break-all">
                      {cellText(c)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {r.rows.length > 0 && output === "json" ? (
        <pre className="mono mt-2 max-h-[420px] overflow-auto text-xs" data-testid="aql-json">
          {JSON.stringify(r.rows, null, 2)}
        </pre>
      ) : null}
    </section>
  );
}

export default function AqlPage() {
  const id = useConnId();
  const [script, setScript] = useState(SAMPLE);
  const [run, setRun] = useState<RunState>(emptyRun);
  const [running, setRunning] = useState(false);
  const [refusal, setRefusal] = useState<{ title: string; code?: string; spans: ScriptError[]; text: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [settings, setSettings] = useState<AqlSettings>(DEFAULT_SETTINGS);
  const [readOnly, setReadOnly] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [modules, setModules] = useState<Record<string, string>>({});
  const [hist, setHist] = useState(() => loadAqlHistory());
  const abort = useRef<AbortController | null>(null);

  useEffect(() => saveAqlHistory(hist), [hist]);
  useEffect(() => () => abort.current?.abort(), []);

  const names = useQuery({
    queryKey: ["cluster", id, "aqlNames"],
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const rows: unknown[][] = [];
      await runAql(id, { script: NAMES_SCRIPT, readOnly: true, maxRows: 5000 }, signal, (evs) => {
        for (const e of evs) if (e.type === "rows") (rows[e.index] ??= []).push(...e.rows);
      });
      return namesFrom(rows);
    },
  });

  /** Runs the script; `confirmOnce` confirms TRUNCATE / DROP INDEX for this run only. */
  const execute = useCallback(async (confirmOnce = false) => {
    if (running || !script.trim()) return;
    const ctl = new AbortController();
    abort.current = ctl;
    setRunning(true);
    setRefusal(null);
    setFailure(null);
    setRun(emptyRun);
    setHist((h) => pushHistory(h, script));
    let state: RunState = emptyRun;
    try {
      await runAql(id, { script, readOnly, confirm: confirm || confirmOnce, settings, modules }, ctl.signal, (evs) => {
        for (const e of evs) state = applyEvent(state, e);
        setRun(state);
      });
      if (state.settings) setSettings(state.settings);
      if (state.results.some((r) => r.kind !== "SELECT" && r.kind !== "SHOW" && r.kind !== "EXPLAIN" && r.kind !== "SET")) {
        void names.refetch();
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") {
        setFailure("Cancelled: the manager stops the script after the statement that was running.");
      } else if (e instanceof AqlRefused) {
        setRefusal({ title: e.problem.detail ?? e.problem.title, code: e.problem.code, spans: e.spans, text: script });
      } else {
        const v = describeError(e);
        setFailure([v.title, v.detail].filter(Boolean).join(": "));
      }
    } finally {
      setRunning(false);
      abort.current = null;
    }
  }, [id, script, readOnly, confirm, settings, modules, running, names]);

  const marks = useMemo(() => (refusal && refusal.text === script ? errorMarks(refusal.spans) : []), [refusal, script]);
  const editorProps = { value: script, onChange: setScript, onRun: () => void execute(), errors: marks, names: names.data ?? emptyNames };

  return (
    <div className="flex h-full flex-col gap-3">
      <PageHeader
        title="AQL terminal"
        description="AQL statements separated by ;. Ctrl+Enter (⌘+Enter) runs the script; Ctrl+Space completes namespaces, sets, bins and indexes; Tab indents, Escape then Tab leaves the editor."
        actions={
          <>
            <label className="flex items-center gap-1 text-sm" title="Refuse every statement that writes">
              <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only session
            </label>
            <label className="flex items-center gap-1 text-sm" title="TRUNCATE and DROP INDEX cannot be undone">
              <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} data-testid="aql-confirm" /> Allow TRUNCATE / DROP
            </label>
            <Segmented
              label="Output"
              value={settings.output}
              onChange={(output) => setSettings((s) => ({ ...s, output }))}
              options={[
                { value: "table", label: "Table" },
                { value: "json", label: "JSON" },
              ]}
            />
          </>
        }
      />
      <Suspense fallback={<PlainEditor value={script} onChange={setScript} language="plain" label="AQL statements" minHeight={160} />}>
        <AqlEditor {...editorProps} />
      </Suspense>
      <div className="flex flex-wrap items-center gap-2">
        {running ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()} data-testid="aql-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => void execute()} data-testid="aql-run" title="Ctrl+Enter">
            Run
          </button>
        )}
        <label className="btn cursor-pointer" title="Lua files for REGISTER MODULE 'path/file.lua'">
          Attach Lua modules
          <input
            type="file"
            accept=".lua"
            multiple
            className="sr-only"
            onChange={async (e) => {
              const files = Array.from(e.target.files ?? []);
              const loaded = await Promise.all(files.map(async (f) => [f.name, await f.text()] as const));
              setModules((m) => ({ ...m, ...Object.fromEntries(loaded) }));
            }}
          />
        </label>
        {Object.keys(modules).length ? <span className="muted text-sm">attached: {Object.keys(modules).join(", ")}</span> : null}
        <select
          className="input ml-auto max-w-[28rem]"
          aria-label="History"
          value=""
          onChange={(e) => {
            const i = Number(e.target.value);
            if (!Number.isNaN(i) && hist.entries[i] !== undefined) setScript(hist.entries[i]!);
          }}
        >
          <option value="">History ({hist.entries.length})</option>
          {hist.entries
            .map((s, i) => [s, i] as const)
            .reverse()
            .map(([s, i]) => (
              <option key={i} value={i}>
                {historyLabel(s)}
              </option>
            ))}
        </select>
      </div>
      {refusal ? (
        <div className="rounded-md border border-red-600 p-3 text-sm" role="alert" data-testid="aql-refusal">
          <p className="font-semibold text-red-600">{refusal.title}</p>
          <ul className="mt-1 list-disc pl-5">
            {refusal.spans.map((s, i) => (
              <li key={i}>
                <span className="mono">{lineCol(refusal.text, s.span.startUtf16)}</span> {s.message}
                {s.expected.length ? <span className="muted"> (expected {s.expected.join(" or ")})</span> : null}
              </li>
            ))}
          </ul>
          {refusal.code === "confirmation_required" && refusal.text === script ? (
            <button type="button" className="btn btn-danger mt-2" onClick={() => void execute(true)} data-testid="aql-confirm-run">
              Run, and confirm {refusal.spans.length} destructive statement(s)
            </button>
          ) : null}
        </div>
      ) : null}
      {failure ? (
        <p className="text-sm text-red-600" role="alert">
          {failure}
        </p>
      ) : null}
      <div aria-live="polite" aria-busy={running} data-testid="aql-results">
        {run.results.map((r) => (
          <ResultView key={r.index} r={r} output={settings.output} meta={settings.recordPrintMetadata} />
        ))}
        {run.done ? (
          <p className="muted text-sm" data-testid="aql-done">
            {run.done.succeeded} of {run.done.statements} statement(s) succeeded in {run.done.elapsedMs.toFixed(1)} ms
          </p>
        ) : null}
      </div>
    </div>
  );
}
