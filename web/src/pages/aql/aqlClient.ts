/**
 * Streams POST /clusters/{id}/aql. A refused script (syntax error, read-only, confirmation,
 * unsupported statement) throws [`AqlRefused`] carrying the located problems; other failures
 * throw the API's usual `ApiError`.
 */
import { ApiError, networkProblem, parseProblem, type Problem } from "../../api/errors";
import type { components } from "../../api/schema.gen";
import { splitLines, type AqlEvent, type ScriptSpan } from "./stream";

export interface ScriptError {
  span: ScriptSpan;
  message: string;
  expected: string[];
}

/** The request body, as the manager's OpenAPI document defines it. */
export type AqlBody = components["schemas"]["AqlRequest"];

export class AqlRefused extends Error {
  readonly problem: Problem;
  readonly spans: ScriptError[];
  constructor(problem: Problem, spans: ScriptError[]) {
    super(problem.detail ?? problem.title);
    this.name = "AqlRefused";
    this.problem = problem;
    this.spans = spans;
  }
}

/** Reads `spans` from a problem body (empty when absent or malformed). */
export function spansOf(bodyText: string): ScriptError[] {
  try {
    const j = JSON.parse(bodyText) as { spans?: unknown };
    if (!Array.isArray(j.spans)) return [];
    return j.spans.filter(
      (s): s is ScriptError =>
        typeof s === "object" && s !== null && typeof (s as ScriptError).message === "string" && typeof (s as ScriptError).span?.startUtf16 === "number",
    );
  } catch {
    return [];
  }
}

export async function runAql(id: number, body: AqlBody, signal: AbortSignal, onEvents: (events: AqlEvent[]) => void): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/clusters/${encodeURIComponent(id)}/aql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/x-ndjson, application/problem+json" },
      body: JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(networkProblem(e));
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    const problem = parseProblem(res.status, res.statusText, text);
    const spans = spansOf(text);
    if (spans.length) throw new AqlRefused(problem, spans);
    throw new ApiError(problem);
  }
  const reader = res.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const out = splitLines(rest, decoder.decode(value, { stream: true }));
    rest = out.rest;
    if (out.events.length) onEvents(out.events);
  }
  const tail = splitLines(rest, decoder.decode() + "\n");
  if (tail.events.length) onEvents(tail.events);
}
