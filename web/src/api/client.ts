/**
 * Typed client over the OpenAPI paths (openapi-fetch): every call is checked at compile time
 * against crates/acm/openapi.json (paths, parameters, bodies, answers). Failures become
 * [`ApiError`]s carrying the server's problem document.
 */
import createClient from "openapi-fetch";
import { ApiError, networkProblem, parseProblem } from "./errors";
import { noteStatus, sessionHeaders } from "./session";
import type { paths } from "./schema.gen";

/** The client. `fetch` is looked up at call time so tests can stub it. */
export const client = createClient<paths>({
  // Absolute URLs (same origin): some fetch implementations reject relative ones.
  baseUrl: typeof location === "undefined" ? "" : location.origin,
  fetch: (req: Request) => {
    for (const [k, v] of Object.entries(sessionHeaders(req.method))) req.headers.set(k, v);
    return globalThis.fetch(req);
  },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an [`ApiError`]. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let r: FetchResult<T>;
  try {
    r = await call;
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(networkProblem(e));
  }
  if (!r.response.ok) {
    noteStatus(r.response.status, r.response.url);
    const body = typeof r.error === "string" ? r.error : r.error === undefined ? "" : JSON.stringify(r.error);
    throw new ApiError(parseProblem(r.response.status, r.response.statusText, body));
  }
  return r.data as T;
}
