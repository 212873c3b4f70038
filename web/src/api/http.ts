/**
 * The one place the UI talks HTTP. Every failure becomes an [`ApiError`] carrying the server's
 * problem document, so pages render `detail` and field errors uniformly.
 */
import { ApiError, networkProblem, parseProblem } from "./errors";
import { noteStatus, sessionHeaders } from "./session";

/** Base path of the REST API. */
export const API_BASE = "/api/v1";

export type Query = Record<string, string | number | boolean | null | undefined>;

/** Builds `path?query`, skipping empty values. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Encodes one path segment (namespace, set and key names may contain anything). */
export const seg = (s: string | number) => encodeURIComponent(String(s));

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Raw body (e.g. Lua source); sent as is with `contentType`. */
  rawBody?: BodyInit;
  contentType?: string;
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json", ...sessionHeaders(method) };
  let body: BodyInit | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    if (opts.contentType) headers["Content-Type"] = opts.contentType;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] = "application/json";
  }
  let res: Response;
  try {
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = body;
    if (opts.signal) init.signal = opts.signal;
    res = await fetch(withQuery(path.startsWith("/api") ? path : API_BASE + path, opts.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(networkProblem(e));
  }
  if (!res.ok) {
    noteStatus(res.status, res.url);
    const text = await res.text().catch(() => "");
    throw new ApiError(parseProblem(res.status, res.statusText, text));
  }
  return res;
}

/** Sends a request and decodes a JSON answer (`undefined` for 204). */
export async function request<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

/** Sends a request and returns the body as text (UDF source, info replies). */
export async function requestText(method: string, path: string, opts?: RequestOptions): Promise<string> {
  const res = await send(method, path, opts);
  return res.text();
}

/** Sends a request and returns the raw response (for streamed downloads). */
export function requestRaw(method: string, path: string, opts?: RequestOptions): Promise<Response> {
  return send(method, path, opts);
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>("GET", path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("POST", path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PUT", path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("PATCH", path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>("DELETE", path, opts),
};
