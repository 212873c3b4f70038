/**
 * API errors: the manager answers failures with RFC 9457 `application/problem+json`.
 * This module turns any failure (HTTP error, network error, malformed body) into one shape the UI
 * can render: a title, a detail, per-field errors and a hint saying what to do next.
 */

/** One invalid input field reported by the server. */
export interface FieldError {
  field: string;
  message: string;
}

/** A normalised problem document. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine-readable code from the manager, e.g. `security_not_supported`. */
  code?: string;
  /** Aerospike result code, when the cluster answered with an error. */
  resultCode?: number;
  fieldErrors: FieldError[];
}

/** Error thrown by the API client for every non-2xx answer and for network failures. */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads field errors in the common encodings: a list of {field|name|pointer, message|reason|detail},
 * or a map of field -> message(s). */
export function parseFieldErrors(raw: unknown): FieldError[] {
  if (Array.isArray(raw)) {
    const out: FieldError[] = [];
    for (const item of raw) {
      if (!isRecord(item)) continue;
      const field = item.field ?? item.name ?? item.pointer ?? item.path ?? item.loc;
      const message = item.message ?? item.reason ?? item.detail ?? item.msg;
      if (message === undefined) continue;
      out.push({
        field: Array.isArray(field) ? field.join(".") : String(field ?? ""),
        message: String(message),
      });
    }
    return out;
  }
  if (isRecord(raw)) {
    return Object.entries(raw).flatMap(([field, msg]) =>
      (Array.isArray(msg) ? msg : [msg]).map((m) => ({ field, message: String(m) })),
    );
  }
  return [];
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Not authenticated",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Payload too large",
  422: "Invalid input",
  429: "Too many requests",
  500: "Server error",
  501: "Not supported",
  502: "Aerospike unreachable",
  503: "Service unavailable",
  504: "Aerospike timed out",
};

/** Builds a [`Problem`] from an HTTP answer. Never throws, whatever the body contains. */
export function parseProblem(status: number, statusText: string, bodyText: string): Problem {
  let body: unknown = undefined;
  if (bodyText.trim() !== "") {
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
  }
  const fallbackTitle = STATUS_TITLES[status] ?? (statusText || `HTTP ${status}`);
  if (isRecord(body)) {
    const title = typeof body.title === "string" && body.title ? body.title : fallbackTitle;
    const detail =
      typeof body.detail === "string"
        ? body.detail
        : typeof body.message === "string"
          ? body.message
          : typeof body.error === "string"
            ? body.error
            : undefined;
    const fieldErrors = parseFieldErrors(body.errors ?? body.invalid_params ?? body.fields);
    const problem: Problem = { title, status: typeof body.status === "number" ? body.status : status, fieldErrors };
    if (detail !== undefined) problem.detail = detail;
    if (typeof body.type === "string") problem.type = body.type;
    if (typeof body.instance === "string") problem.instance = body.instance;
    if (typeof body.code === "string") problem.code = body.code;
    const rc = body.result_code ?? body.resultCode;
    if (typeof rc === "number") problem.resultCode = rc;
    return problem;
  }
  const text = bodyText.trim();
  const problem: Problem = { title: fallbackTitle, status, fieldErrors: [] };
  if (text && text.length < 500 && !text.startsWith("<")) problem.detail = text;
  return problem;
}

/** Wraps a failure that happened before any HTTP answer (server down, DNS, CORS, abort). */
export function networkProblem(err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  return {
    title: "Cannot reach the manager",
    status: 0,
    detail: message,
    fieldErrors: [],
  };
}

/** What the UI shows for an error: every part is plain text. */
export interface ErrorView {
  title: string;
  code?: string;
  detail?: string;
  fieldErrors: FieldError[];
  hint?: string;
  status?: number;
}

/** Hints for the manager's stable problem codes (more precise than the status alone). */
const CODE_HINTS: Record<string, string> = {
  cluster_unreachable: "The Aerospike cluster did not answer: check the connection's hosts and that the nodes are up.",
  timeout: "The cluster took too long: retry, or raise the connection's timeout if the cluster is busy.",
  aerospike_error: "The cluster refused the operation: the detail above gives its reason.",
  aerospike_rejected: "The cluster refused the request as invalid: correct it and retry.",
  generation_mismatch: "The record changed since you opened it: reload it and apply your change again.",
  record_not_found: "No record has this key: check the key and its type (string, integer or bytes).",
  info_write_forbidden: "The console is read-only: restart the manager with --allow-info-writes to allow this.",
  security_not_supported: "This feature needs Aerospike Enterprise Edition.",
};

/** Suggests the next step for a status code. */
export function hintFor(status: number): string | undefined {
  if (status === 0) return "Check that aerospike-cluster-manager is running and reachable, then retry.";
  if (status === 400 || status === 422) return "Correct the highlighted input and submit again.";
  if (status === 404) return "It may have been deleted or renamed: go back to the list and refresh.";
  if (status === 409) return "Someone changed it meanwhile: reload and apply your change again.";
  if (status === 429) return "Wait a moment, then retry.";
  if (status === 501) return "This feature is not available on Aerospike Community Edition.";
  if (status === 502 || status === 503 || status === 504)
    return "The Aerospike cluster did not answer: check the connection's hosts and that the nodes are up.";
  if (status >= 500) return "This is a server-side failure: retry, and check the manager's logs if it persists.";
  return undefined;
}

/** Converts anything thrown into an [`ErrorView`]. */
export function describeError(err: unknown): ErrorView {
  if (err instanceof ApiError) {
    const p = err.problem;
    const view: ErrorView = { title: p.title, fieldErrors: p.fieldErrors, status: p.status };
    if (p.code !== undefined) view.code = p.code;
    if (p.detail !== undefined) view.detail = p.detail;
    const hint = (p.code !== undefined ? CODE_HINTS[p.code] : undefined) ?? hintFor(p.status);
    if (hint !== undefined) view.hint = hint;
    return view;
  }
  if (err instanceof Error) return { title: "Unexpected error", detail: err.message, fieldErrors: [] };
  return { title: "Unexpected error", detail: String(err), fieldErrors: [] };
}

/** Error messages for one form field, by name (matches `field`, `body.field` or `/field`). */
export function fieldMessages(err: unknown, field: string): string[] {
  if (!(err instanceof ApiError)) return [];
  return err.problem.fieldErrors
    .filter((f) => {
      const name = f.field.replace(/^\/+/, "").replace(/^body\./, "").replace(/\//g, ".");
      return name === field;
    })
    .map((f) => f.message);
}

/** True when the cluster refused because it is Community Edition (no security features). */
export function isSecurityNotSupported(err: unknown): boolean {
  return err instanceof ApiError && (err.code === "security_not_supported" || err.problem.resultCode === 51);
}
