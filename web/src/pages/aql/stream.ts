/**
 * The AQL terminal's wire protocol: NDJSON events from POST /clusters/{id}/aql, folded into
 * one result per statement. Pure, so the page logic is unit-tested without a browser.
 */
import type { components } from "../../api/schema.gen";

export interface ScriptSpan {
  start: number;
  end: number;
  startUtf16: number;
  endUtf16: number;
}

export interface AqlSettings {
  output: "table" | "json";
  timeoutMs?: number | null;
  recordPrintMetadata: boolean;
  keySend: boolean;
}

export const DEFAULT_SETTINGS = { output: "table", timeoutMs: null, recordPrintMetadata: false, keySend: true } satisfies AqlSettings &
  components["schemas"]["AqlSettings"] as AqlSettings;

export interface WireProblem {
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

export type AqlEvent =
  | { type: "start"; index: number; kind: string; statement: string; span: ScriptSpan }
  | { type: "rows"; index: number; rows: unknown[] }
  | { type: "end"; index: number; rowCount: number; truncated: boolean; elapsedMs: number; message: string }
  | { type: "error"; index: number; elapsedMs: number; problem: WireProblem }
  | { type: "done"; statements: number; succeeded: number; elapsedMs: number; settings: AqlSettings };

export interface StatementResult {
  index: number;
  kind: string;
  statement: string;
  span: ScriptSpan;
  rows: unknown[];
  status: "running" | "ok" | "error";
  rowCount?: number;
  truncated?: boolean;
  elapsedMs?: number;
  message?: string;
  problem?: WireProblem;
}

export interface RunState {
  results: StatementResult[];
  done?: { statements: number; succeeded: number; elapsedMs: number };
  settings?: AqlSettings;
}

export const emptyRun: RunState = { results: [] };

/** Splits a chunk of NDJSON text; returns complete events and the unfinished tail. */
export function splitLines(buffer: string, chunk: string): { events: AqlEvent[]; rest: string } {
  const text = buffer + chunk;
  const lines = text.split("\n");
  const rest = lines.pop() ?? "";
  const events: AqlEvent[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (!t) continue;
    try {
      events.push(JSON.parse(t) as AqlEvent);
    } catch {
      // A malformed line is skipped; the `done` event (or its absence) tells the outcome.
    }
  }
  return { events, rest };
}

/** Applies one event (immutably). */
export function applyEvent(s: RunState, ev: AqlEvent): RunState {
  const update = (index: number, f: (r: StatementResult) => StatementResult): RunState => ({
    ...s,
    results: s.results.map((r) => (r.index === index ? f(r) : r)),
  });
  switch (ev.type) {
    case "start":
      return { ...s, results: [...s.results, { index: ev.index, kind: ev.kind, statement: ev.statement, span: ev.span, rows: [], status: "running" }] };
    case "rows":
      return update(ev.index, (r) => ({ ...r, rows: r.rows.concat(ev.rows) }));
    case "end":
      return update(ev.index, (r) => ({
        ...r,
        status: "ok",
        rowCount: ev.rowCount,
        truncated: ev.truncated,
        elapsedMs: ev.elapsedMs,
        message: ev.message,
      }));
    case "error":
      return update(ev.index, (r) => ({ ...r, status: "error", elapsedMs: ev.elapsedMs, problem: ev.problem }));
    case "done":
      return { ...s, done: { statements: ev.statements, succeeded: ev.succeeded, elapsedMs: ev.elapsedMs }, settings: ev.settings };
    default:
      return s;
  }
}
