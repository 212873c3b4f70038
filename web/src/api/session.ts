/**
 * The browser session: the CSRF token every cookie-authenticated write echoes in
 * `X-CSRF-Token`, and a signal when the server answers 401 (signed out, session expired).
 */
let csrfToken: string | null = null;

export const CSRF_HEADER = "X-CSRF-Token";
export const UNAUTHENTICATED_EVENT = "acm:unauthenticated";

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

/** Headers to add to a request of `method`. */
export function sessionHeaders(method: string): Record<string, string> {
  const m = method.toUpperCase();
  if (csrfToken && m !== "GET" && m !== "HEAD" && m !== "OPTIONS") return { [CSRF_HEADER]: csrfToken };
  return {};
}

/** Called on every answer: a 401 tells the app to show the sign-in page. */
export function noteStatus(status: number, url = ""): void {
  // A refused sign-in is the sign-in page's own answer, not a lost session.
  if (status === 401 && !url.includes("/auth/login") && typeof window !== "undefined") window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
}
